import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { isEnumType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../src/db/migrate.js';
import type { Database } from '../src/db/database.js';
import { schema } from '../src/schema/index.js';
import { startTestServer, type TestServer } from './support/app.js';

/** Columns that held a closed set as text until the closed_value_enums migration made each an enum. */
const closedColumns = [
  { table: 'CodingGroup', column: 'status', type: 'CodingGroupStatus' },
  { table: 'LineItem', column: 'codeType', type: 'ProcedureCodeType' },
  { table: 'InventoryChangeItem', column: 'scanSourceType', type: 'ScanSourceType' },
] as const;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const enumNames = (type: string) => {
  const named = schema.getType(type);
  if (!isEnumType(named)) throw new Error(`${type} is not an enum of the schema`);
  return named.getValues().map((value) => value.name);
};

describe('closed sets are enums', () => {
  it('serves coding group status, procedure code type and scan source as the values of their GraphQL enums', async () => {
    const { data, errors } = await server.gql(`{
      bills(first: 30) { nodes { codingGroups { status lineItems { codeType } } } }
      facilities(first: 1) { nodes { id } }
    }`);
    expect(errors).toBeUndefined();
    const groups = data!.bills.nodes.flatMap((bill: { codingGroups: unknown[] }) => bill.codingGroups);
    expect(new Set(groups.map((group: { status: string }) => group.status))).toEqual(new Set(enumNames('CodingGroupStatus')));
    const codeTypes = groups.flatMap((group: { lineItems: { codeType: string }[] }) => group.lineItems.map((line) => line.codeType));
    expect(new Set(codeTypes)).toEqual(new Set(enumNames('ProcedureCodeType')));

    const facilityId = data!.facilities.nodes[0].id;
    const items = await server.gql(`{ inventoryChanges(facilityId: "${facilityId}", first: 40) { nodes { items(first: 10) { nodes { scanSourceType rawBarcode } } } } }`);
    expect(items.errors).toBeUndefined();
    const scanned = items.data!.inventoryChanges.nodes.flatMap((change: { items: { nodes: unknown[] } }) => change.items.nodes);
    expect(new Set(scanned.map((item: { scanSourceType: string }) => item.scanSourceType))).toEqual(new Set(enumNames('ScanSourceType')));
    for (const item of scanned as { scanSourceType: string; rawBarcode: string | null }[]) {
      expect(item.rawBarcode === null).toBe(item.scanSourceType === 'MANUAL');
    }
  });

  it('the database refuses a value outside the set, whoever writes it, so no response can meet one', async () => {
    for (const { table, column, type } of closedColumns) {
      await expect(
        server.db.prisma.$executeRawUnsafe(`UPDATE "${table}" SET "${column}" = 'void' WHERE "id" = (SELECT "id" FROM "${table}" LIMIT 1)`),
      ).rejects.toThrow(new RegExp(`invalid input value for enum "?${type}"?`));
    }
  });
});

/** One connection that runs whole scripts (several statements, DO blocks), as a migration runs. */
async function scriptSession(db: Database) {
  if (db.pglite) {
    const pglite = db.pglite;
    return { run: async (sql: string) => (await pglite.exec(sql)).at(-1)?.rows ?? [], close: async () => {} };
  }
  if (db.target.kind !== 'postgres') throw new Error('expected PGlite or PostgreSQL');
  const client = new pg.Client({ connectionString: db.target.url });
  await client.connect();
  return {
    run: async (sql: string) => {
      const result = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? result.at(-1) : result)?.rows ?? [];
    },
    close: () => client.end(),
  };
}

describe('the closed_value_enums migration on text data', () => {
  const migration = () => readFile(path.join(migrationsDir, '20261201124500_closed_value_enums', 'migration.sql'), 'utf8');
  // Puts the three columns back as they were before the migration, inside a transaction the test rolls back.
  const asText = closedColumns
    .map(({ table, column, type }) => `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE text; DROP TYPE "${type}";`)
    .join('\n');
  const firstRow = (table: string) => `(SELECT "id" FROM "${table}" ORDER BY "id" LIMIT 1)`;

  it('reads values in another case or with spaces as the value they name', async () => {
    const session = await scriptSession(server.db);
    try {
      await session.run(`BEGIN; ${asText}
        UPDATE "CodingGroup" SET "status" = ' Finalized ' WHERE "id" = ${firstRow('CodingGroup')};
        UPDATE "LineItem" SET "codeType" = 'hcpcs' WHERE "id" = ${firstRow('LineItem')};
        UPDATE "InventoryChangeItem" SET "scanSourceType" = 'MANUAL' WHERE "id" = ${firstRow('InventoryChangeItem')};`);
      await session.run(await migration());
      const [row] = await session.run(`SELECT
        (SELECT "status"::text FROM "CodingGroup" WHERE "id" = ${firstRow('CodingGroup')}) AS status,
        (SELECT "codeType"::text FROM "LineItem" WHERE "id" = ${firstRow('LineItem')}) AS "codeType",
        (SELECT "scanSourceType"::text FROM "InventoryChangeItem" WHERE "id" = ${firstRow('InventoryChangeItem')}) AS "scanSourceType"`);
      expect(row).toEqual({ status: 'finalized', codeType: 'HCPCS', scanSourceType: 'manual' });
    } finally {
      await session.run('ROLLBACK');
      await session.close();
    }
  });

  it('stops on any other value, naming the column and the values to correct', async () => {
    const session = await scriptSession(server.db);
    try {
      await session.run(`BEGIN; ${asText}
        UPDATE "CodingGroup" SET "status" = 'void' WHERE "id" = ${firstRow('CodingGroup')};`);
      await expect(session.run(await migration())).rejects.toThrow(
        "CodingGroup.status holds 'void' besides draft and finalized: correct those rows, then migrate again.",
      );
    } finally {
      await session.run('ROLLBACK');
      await session.close();
    }
  });
});
