import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/app.js';
import { sampleIds, type SampleIds } from './support/samples.js';

let server: TestServer;
let ids: SampleIds;
beforeAll(async () => {
  server = await startTestServer();
  ids = await sampleIds(server.db.prisma, server.clinics[0]!.id);
});
afterAll(() => server.close());

interface Row {
  id: string;
  createdAt?: string;
  updatedAt: string;
}

/** Every root list with an update time, with the arguments it requires. */
const lists: [list: string, required: (ids: SampleIds) => string, fields: string][] = [
  ['patients', () => '', 'id createdAt updatedAt'],
  ['providers', () => '', 'id createdAt updatedAt'],
  ['facilities', () => '', 'id createdAt updatedAt'],
  ['appointments', () => '', 'id createdAt updatedAt'],
  ['bills', () => '', 'id createdAt updatedAt'],
  ['claims', () => '', 'id createdAt updatedAt'],
  ['products', () => '', 'id createdAt updatedAt'],
  ['inventoryChanges', (ids) => `facilityId: "${ids.facility}", `, 'id createdAt updatedAt'],
  ['stockLevels', (ids) => `facilityId: "${ids.facility}", `, 'id updatedAt'],
];

/** All pages of a list in one order, three rows at a time, forwards. */
async function walk(list: string, args: string, fields: string, limit = 4): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (let page = 0; page < limit; page++) {
    const response = await server.gql(
      `query ($after: String) { ${list}(${args}first: 3, after: $after) { nodes { ${fields} } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    expect(response.errors).toBeUndefined();
    const connection = response.data![list] as { nodes: Row[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    rows.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return rows;
}

const byKey = (key: 'createdAt' | 'updatedAt', descending: boolean) => (a: Row, b: Row) => {
  const order = a[key]! < b[key]! ? -1 : a[key]! > b[key]! ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return descending ? -order : order;
};

describe('orderBy CREATED_AT / UPDATED_AT on every list with those times, keyset pages with an id tiebreaker', () => {
  for (const [list, required, fields] of lists) {
    const keys = fields.includes('createdAt') ? (['createdAt', 'updatedAt'] as const) : (['updatedAt'] as const);
    for (const key of keys) {
      for (const direction of ['ASC', 'DESC'] as const) {
        it(`${list} by ${key} ${direction}`, async () => {
          const field = key === 'createdAt' ? 'CREATED_AT' : 'UPDATED_AT';
          const rows = await walk(list, `${required(ids)}orderBy: { field: ${field}, direction: ${direction} }, `, fields);
          expect(rows.length).toBeGreaterThan(0);
          expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
          expect(rows).toEqual([...rows].sort(byKey(key, direction === 'DESC')));
        });
      }
    }
  }
});

describe('updatedAfter / updatedBefore', () => {
  it('finds exactly the rows changed in the window, on root and nested lists', async () => {
    const touched = new Date(Date.UTC(2031, 0, 1, 12));
    await server.db.prisma.$executeRaw`UPDATE "Patient" SET "updatedAt" = ${touched} WHERE "id" = ${ids.patient}`;
    await server.db.prisma.$executeRaw`UPDATE "Appointment" SET "updatedAt" = ${touched} WHERE "id" = ${ids.appointment}`;
    const after = '2030-12-31T23:59:59Z';
    const changed = await server.gql(`{
      patients(updatedAfter: "${after}") { totalCount nodes { id updatedAt } }
      before: patients(first: 100, updatedBefore: "${after}") { nodes { id } }
      appointments(updatedAfter: "${after}", orderBy: { field: UPDATED_AT }) { nodes { id } }
      window: appointments(updatedAfter: "2031-01-01T12:00:00Z", updatedBefore: "2031-01-02T00:00:00+01:00") { totalCount }
    }`);
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.patients).toEqual({ totalCount: 1, nodes: [{ id: ids.patient, updatedAt: touched.toISOString() }] });
    expect(changed.data!.before.nodes.map((node: { id: string }) => node.id)).not.toContain(ids.patient);
    expect(changed.data!.appointments.nodes).toEqual([{ id: ids.appointment }]);
    // Strictly after: a row changed at the instant itself is not "after" it.
    expect(changed.data!.window.totalCount).toBe(0);
  });

  it('refuses an empty window and a timestamp without an offset, naming the argument', async () => {
    const empty = await server.gql('{ patients(updatedAfter: "2026-02-01T00:00:00Z", updatedBefore: "2026-01-01T00:00:00Z") { totalCount } }');
    expect(empty.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'updatedAfter' } });
    const local = await server.gql('{ patients(updatedAfter: "2026-02-01T00:00:00") { totalCount } }');
    expect(local.errors?.[0]?.message).toMatch(/RFC 3339 with an offset/);
  });

  it('a cursor read in one order is refused in another', async () => {
    const first = await server.gql('{ patients(first: 2, orderBy: { field: UPDATED_AT }) { pageInfo { endCursor } } }');
    const cursor = first.data!.patients.pageInfo.endCursor as string;
    const other = await server.gql('query ($after: String) { patients(first: 2, after: $after) { nodes { id } } }', { after: cursor });
    expect(other.errors?.[0]?.message).toMatch(/cursor of this list in another order/);
  });
});
