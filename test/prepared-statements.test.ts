import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.js';
import { directReadOf, preparedStatementsFromEnv, type Database } from '../src/db/database.js';
import { openTestDatabase } from './support/database.js';

const onPostgres = inject('testDatabase').kind === 'postgres';

describe('DATABASE_PREPARED_STATEMENTS', () => {
  it('is on unless set to off, and names what it accepts otherwise', () => {
    expect(preparedStatementsFromEnv(undefined)).toBe(true);
    expect(preparedStatementsFromEnv('on')).toBe(true);
    expect(preparedStatementsFromEnv('off')).toBe(false);
    expect(() => preparedStatementsFromEnv('false')).toThrow('DATABASE_PREPARED_STATEMENTS must be on or off; got "false".');
  });
});

// PGlite is one embedded connection with no pooler in front: there is nothing to switch.
describe.runIf(onPostgres)('clinic reads on PostgreSQL, on one pooled connection', () => {
  let db: Database | undefined;
  afterEach(() => db?.close());

  async function preparedAfterARead(preparedStatements: boolean): Promise<number> {
    db = await openTestDatabase({ poolSize: 1, preparedStatements });
    const read = directReadOf(db.prisma)!;
    await read(Prisma.sql`SELECT "id" FROM "Patient" ORDER BY "id" LIMIT 1`);
    const [row] = await read<{ prepared: number }>(Prisma.sql`SELECT count(*)::int AS "prepared" FROM pg_prepared_statements`);
    return row!.prepared;
  }

  it('prepare each statement text once per connection by default', async () => {
    expect(await preparedAfterARead(true)).toBeGreaterThanOrEqual(1);
  });

  it('go unnamed when turned off, for a pooler that moves transactions between server connections', async () => {
    expect(await preparedAfterARead(false)).toBe(0);
  });
});
