import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loaders } from '../src/data/loaders.js';
import type { Database } from '../src/db/database.js';
import { clinicTables } from '../src/resources.js';
import { allScopes } from '../src/scopes.js';
import { openTestDatabase } from './support/database.js';

/**
 * Rows have one runtime shape on PostgreSQL and on PGlite, the one their TypeScript type (src/resources.ts,
 * `Row`) says: instants as ISO-8601 text, dates as YYYY-MM-DD, amounts as decimal text. The expected
 * shape of each column comes from the database's own catalog, so a new column or table is checked too.
 */
const shapes: Record<string, (value: unknown) => boolean> = {
  'timestamp without time zone': (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v),
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
  numeric: (v) => typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v),
  text: (v) => typeof v === 'string',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  ARRAY: (v) => Array.isArray(v) && v.every((item) => typeof item === 'string'),
  jsonb: (v) => typeof v === 'object',
  'USER-DEFINED': (v) => typeof v === 'string',
};

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

describe('clinic rows', () => {
  it('have the shape their type says, column by column, for every clinic table', async () => {
    const [organization] = await db.prisma.organization.findMany({ orderBy: { name: 'asc' }, take: 1 });
    const loaders = new Loaders(db.reader(), organization!.id, new Set(allScopes));
    const columns = await db.prisma.$queryRaw<{ table: string; column: string; type: string }[]>`
      SELECT table_name AS "table", column_name AS "column", data_type AS "type" FROM information_schema.columns
      WHERE table_schema = current_schema()`;
    const problems: string[] = [];
    let checked = 0;
    for (const table of clinicTables) {
      const page = await loaders.page(table, { conditions: [], order: [{ column: 'id' }] }, { limit: 50, cursor: null, backward: false });
      expect(page.rows.length, table).toBeGreaterThan(0);
      for (const { column, type } of columns.filter((c) => c.table === table)) {
        const shape = shapes[type];
        if (!shape) {
          problems.push(`${table}.${column}: no expected shape for ${type} (add one here and in src/db/database.ts)`);
          continue;
        }
        for (const row of page.rows) {
          const value = (row as Record<string, unknown>)[column];
          checked++;
          if (value !== null && !shape(value)) problems.push(`${table}.${column} (${type}): ${typeof value} ${JSON.stringify(value)}`);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });
});
