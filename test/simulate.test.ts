import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCycleLength, simulatedEvents } from '../src/demo/simulate.js';
import { startTestServer, type TestServer } from './support/app.js';
import { openTestDatabaseOnDisk } from './support/database.js';
import { holdAsServer, runCli } from './support/cli.js';

/**
 * The simulator as an operator runs it: through the CLI, beside a running server (on the embedded
 * database it goes through the server's admin socket), and its changes read back through the feed.
 */
let server: TestServer;
let clinicA: string;
let clinicB: string;
let release: () => Promise<void>;

beforeAll(async () => {
  const disk = await openTestDatabaseOnDisk();
  release = await holdAsServer(disk);
  server = await startTestServer({ db: disk.db });
  [clinicA, clinicB] = server.clinics.map((clinic) => clinic.id) as [string, string];
});

afterAll(async () => {
  await release();
  await server.close();
});

const cli = runCli;

async function cursorIn(org: string): Promise<string> {
  const response = await server.gql<{ changesCursor: string }>('{ changesCursor }', undefined, { org });
  expect(response.errors).toBeUndefined();
  return response.data!.changesCursor;
}

interface Entry {
  type: string;
  operation: string;
  entityId: string;
}

async function feed(org: string, after: string): Promise<Entry[]> {
  const response = await server.gql<{ changes: { nodes: Entry[] } }>(
    'query Feed($after: String) { changes(after: $after, first: 100) { nodes { type operation entityId } } }',
    { after },
    { org },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.changes.nodes;
}

/** On PostgreSQL a committed change shows once every older transaction of the server has ended (README: the feed). */
async function feedOf(count: number, org: string, after: string): Promise<Entry[]> {
  for (let tries = 0; ; tries++) {
    const entries = await feed(org, after);
    if (entries.length >= count || tries === 50) return entries;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const enumOf = (table: string) => table.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

describe('npm run cli -- simulate', () => {
  it('writes a mix of clinic changes that the feed of that clinic alone shows, type by type and operation by operation', async () => {
    const [afterA, afterB] = [await cursorIn(clinicA), await cursorIn(clinicB)];
    const run = await cli('--json', 'simulate', '--org', clinicA, '--count', String(eventCycleLength), '--rate', '100', '--seed', '7');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    const summary = lines.at(-1)!;
    expect(lines.slice(0, -1).every((line) => line.type === 'batch')).toBe(true);
    expect(lines.slice(0, -1).reduce((sum, line) => sum + line.changes, 0)).toBe(eventCycleLength);
    expect(summary).toMatchObject({ type: 'summary', organizationId: clinicA, changes: eventCycleLength, batches: lines.length - 1 });
    // One cycle of the schedule holds every kind of change in its proportion.
    expect(summary.events).toEqual({
      'appointment.booked': 4,
      'appointment.rescheduled': 3,
      'patient.updated': 3,
      'bill.created': 2,
      'inventory.closed': 1,
    });
    expect(Object.keys(summary.events).sort()).toEqual([...simulatedEvents].sort());

    const expected = new Map<string, number>();
    for (const [table, counts] of Object.entries(summary.rows as Record<string, { insert?: number; update?: number }>)) {
      for (const [operation, count] of Object.entries(counts)) expected.set(`${enumOf(table)} ${operation.toUpperCase()}`, count);
    }
    const total = [...expected.values()].reduce((sum, count) => sum + count, 0);
    const entries = await feedOf(total, clinicA, afterA);
    const seen = new Map<string, number>();
    for (const entry of entries) seen.set(`${entry.type} ${entry.operation}`, (seen.get(`${entry.type} ${entry.operation}`) ?? 0) + 1);
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
    // New appointments are inserts, rescheduled ones updates; a new bill brings its coding.
    expect(seen.get('APPOINTMENT INSERT')).toBe(4);
    expect(seen.get('APPOINTMENT UPDATE')).toBe(3);
    expect(seen.get('PATIENT UPDATE')).toBe(3);
    expect(seen.get('BILL INSERT')).toBe(2);
    expect(seen.get('CODING_GROUP INSERT')).toBe(2);
    expect(seen.get('DIAGNOSIS INSERT')).toBeGreaterThanOrEqual(2);
    expect(seen.get('LINE_ITEM INSERT')).toBeGreaterThanOrEqual(2);
    // The other clinic's feed over the same time holds none of it.
    expect(await feed(clinicB, afterB)).toEqual([]);
  });

  it('refuses an unknown clinic and bad flags with a message that names them, and a non-zero exit', async () => {
    const unknown = await cli('simulate', '--org', 'org_0000000000000000000z', '--count', '1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No organization org_0000000000000000000z. See: orgs list.');
    const asJson = await cli('--json', 'simulate', '--org', 'org_0000000000000000000z', '--count', '1');
    expect(JSON.parse(asJson.stderr)).toEqual({ error: 'No organization org_0000000000000000000z. See: orgs list.' });

    const rate = await cli('simulate', '--org', clinicA, '--rate', 'fast', '--count', '1');
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain("option '--rate <n>' argument 'fast' is invalid. Give a positive number of changes per second.");
    const both = await cli('simulate', '--org', clinicA, '--count', '1', '--duration', '5');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("option '--count <n>' cannot be used with option '--duration <seconds>'");
  });
});
