import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tables } from '../src/data/sql.js';
import { newId } from '../src/ids.js';
import { purgeChanges } from '../src/changes/log.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
let clinicA: string;
let clinicB: string;
beforeAll(async () => {
  server = await startTestServer();
  [clinicA, clinicB] = server.clinics.map((clinic) => clinic.id) as [string, string];
});
afterAll(() => server.close());

const feedQuery = `query Feed($after: String, $types: [ChangeType!], $first: Int) {
  changes(after: $after, types: $types, first: $first) {
    nodes { position cursor type entityId operation changedAt entity { id ... on Patient { firstName } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

interface FeedEntry {
  position: string;
  cursor: string;
  type: string;
  entityId: string;
  operation: string;
  changedAt: string;
  entity: { id: string; firstName?: string } | null;
}

async function cursorNow(key?: string, org?: string): Promise<string> {
  const response = await server.gql<{ changesCursor: string }>('{ changesCursor }', undefined, { key, org });
  expect(response.errors).toBeUndefined();
  return response.data!.changesCursor;
}

async function feed(after: string, options: { key?: string; org?: string; types?: string[] } = {}) {
  return server.gql<{ changes: { nodes: FeedEntry[] } }>(feedQuery, { after, types: options.types, first: 100 }, options);
}

/**
 * The feed once it holds `count` entries. On PostgreSQL a committed change shows once every
 * transaction older than it has ended, in any database of the server (transaction ids are
 * server-wide), so another test file's open transaction can hold it back for a moment.
 */
async function feedOf(count: number, after: string, options: { key?: string; org?: string; types?: string[] } = {}) {
  for (let tries = 0; ; tries++) {
    const response = await feed(after, options);
    expect(response.errors).toBeUndefined();
    const nodes = response.data!.changes.nodes;
    if (nodes.length >= count || tries === 50) return nodes;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const newPatient = (organizationId: string, firstName: string) =>
  server.db.prisma.patient.create({ data: { id: newId('Patient'), organizationId, firstName, lastName: 'Feedtest' } });

describe('change capture', () => {
  it('puts capture triggers on every clinic table and on line-item diagnosis pointers', async () => {
    const rows = await server.db.prisma.$queryRaw<{ table: string; triggers: bigint | number }[]>`
      SELECT c.relname AS "table", count(*) AS triggers FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND t.tgname LIKE '%_capture_%' GROUP BY c.relname`;
    const byTable = Object.fromEntries(rows.map((row) => [row.table, Number(row.triggers)]));
    for (const table of [...tables, 'LineItemDiagnosis']) expect(byTable[table], table).toBe(3);
  });

  it('refuses TRUNCATE of every captured table, cascaded or not, and keeps the rows and the log as they were', async () => {
    const before = await server.db.prisma.changeLog.count();
    const patients = await server.db.prisma.patient.count();
    for (const table of [...tables, 'LineItemDiagnosis']) {
      await expect(server.db.prisma.$executeRawUnsafe(`TRUNCATE "${table}" CASCADE`), table).rejects.toThrow(
        `TRUNCATE of "${table}" is refused: it would delete every clinic's rows without a change-log entry`,
      );
    }
    // Reached through a cascade from a table that is not captured itself.
    await expect(server.db.prisma.$executeRawUnsafe('TRUNCATE "Organization" CASCADE')).rejects.toThrow(/TRUNCATE of "\w+" is refused/);
    expect(await server.db.prisma.patient.count()).toBe(patients);
    expect(await server.db.prisma.changeLog.count()).toBe(before);
  });

  it('shows a write in the feed with its operation, in position order; a delete is a tombstone', async () => {
    const after = await cursorNow();
    const kept = await newPatient(clinicA, 'Ada');
    const updated = await server.db.prisma.patient.update({ where: { id: kept.id }, data: { phone: '555-0100' } });
    // Writing the same values is no change.
    await server.db.prisma.patient.update({ where: { id: kept.id }, data: { phone: '555-0100', updatedAt: updated.updatedAt } });
    const removed = await newPatient(clinicA, 'Bo');
    await server.db.prisma.patient.delete({ where: { id: removed.id } });

    const entries = await feedOf(4, after);
    expect(entries.map((e) => [e.entityId, e.operation])).toEqual([
      [kept.id, 'INSERT'],
      [kept.id, 'UPDATE'],
      [removed.id, 'INSERT'],
      [removed.id, 'DELETE'],
    ]);
    const positions = entries.map((e) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(new Set(positions).size).toBe(4);
    expect(entries.every((e) => e.type === 'PATIENT')).toBe(true);
    expect(entries[0]!.entity).toEqual({ id: kept.id, firstName: 'Ada' });
    expect(entries[3]!.entity).toBeNull();

    // Continuing from the last entry returns nothing new; from the first, the other three.
    expect((await feed(entries[3]!.cursor)).data!.changes.nodes).toEqual([]);
    expect((await feed(entries[0]!.cursor)).data!.changes.nodes.map((e) => e.position)).toEqual(entries.slice(1).map((e) => e.position));
  });

  it('records a patient read through the feed in the PHI access record', async () => {
    const after = await cursorNow();
    const patient = await newPatient(clinicA, 'Cy');
    await feedOf(1, after);
    const response = await feed(after);
    expect(response.data!.changes.nodes[0]!.entity).toEqual({ id: patient.id, firstName: 'Cy' });
    const records = await server.db.prisma.phiAccess.findMany({ where: { traceId: response.headers.get('x-trace-id')! } });
    expect(records).toHaveLength(1);
    expect(records[0]!.patientIds).toEqual([patient.id]);
    expect(records[0]!.fieldPaths).toContain('changes.nodes.entity.firstName');
  });

  it('gives an app without read:patients a feed without patient changes, and refuses to filter on them', async () => {
    const key = await server.keyWith({ keyScopes: ['read:appointments', 'read:facilities'] });
    const after = await cursorNow(key);
    await newPatient(clinicA, 'Di');
    const facility = await server.db.prisma.facility.findFirstOrThrow({ where: { organizationId: clinicA } });
    await server.db.prisma.facility.update({ where: { id: facility.id }, data: { name: `${facility.name} ` } });
    await server.db.prisma.facility.update({ where: { id: facility.id }, data: { name: facility.name } });

    const entries = await feedOf(2, after, { key });
    expect(entries.map((e) => [e.type, e.entityId])).toEqual([
      ['FACILITY', facility.id],
      ['FACILITY', facility.id],
    ]);
    const refused = await feed(after, { key, types: ['PATIENT', 'FACILITY'] });
    expect(refused.errors?.[0]).toMatchObject({
      message: 'Insufficient scope. Required: read:patients',
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('shows only the clinic named by X-Organization-Id', async () => {
    const after = await cursorNow(undefined, clinicA);
    const inB = await newPatient(clinicB, 'Ed');
    const inA = await newPatient(clinicA, 'Flo');
    expect((await feedOf(1, after, { org: clinicA })).map((e) => e.entityId)).toEqual([inA.id]);
    const afterB = (await feedOf(1, after, { org: clinicB })).map((e) => e.entityId);
    expect(afterB).toContain(inB.id);
    expect(afterB).not.toContain(inA.id);
  });
});

describe.runIf(process.env.DATABASE_URL?.startsWith('postgres'))('change feed with concurrent writers (PostgreSQL)', () => {
  it('holds back changes committed after an older transaction still in flight, so none lands behind a cursor', async () => {
    if (server.db.target.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const after = await cursorNow();
    const slow = new pg.Client({ connectionString: server.db.target.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const early = newId('Patient');
      await slow.query(`INSERT INTO "Patient" ("id", "organizationId", "firstName", "lastName", "updatedAt") VALUES ($1, $2, 'Hal', 'Slow', now())`, [
        early,
        clinicA,
      ]);
      const late = await newPatient(clinicA, 'Ivy');
      // The later write has committed, but an older transaction is still open: nothing is settled after it yet.
      expect((await feed(after)).data!.changes.nodes).toEqual([]);
      await slow.query('COMMIT');
      expect((await feedOf(2, after)).map((e) => e.entityId)).toEqual([early, late.id]);
    } finally {
      await slow.end();
    }
  });
});

// Last: it purges the log, which the tests above read.
describe('change log retention', () => {
  it('refuses a malformed cursor, and one older than the retention', async () => {
    const bad = await feed('not-a-cursor');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toContain('not a change feed cursor');

    const after = await cursorNow();
    await newPatient(clinicA, 'Gus');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { changes } = await purgeChanges(server.db.prisma, new Date());
    expect(changes).toBeGreaterThan(0);
    const expired = await feed(after);
    expect(expired.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(expired.errors?.[0]?.message).toContain("older than the change log's retention");

    // With the log emptied, a cursor from now still follows what comes next.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fresh = await cursorNow();
    const patient = await newPatient(clinicA, 'Hana');
    expect((await feedOf(1, fresh)).map((e) => e.entityId)).toEqual([patient.id]);
  });
});
