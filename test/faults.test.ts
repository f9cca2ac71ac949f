import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import type { Database } from '../src/db/database.js';
import { createHttpServer } from '../src/http/server.js';
import { closeGracefully } from '../src/http/shutdown.js';
import { createApp, type App } from '../src/yoga.js';
import { openTestDatabase } from './support/database.js';

const onPostgres = inject('testDatabase').kind === 'postgres';
const title = onPostgres
  ? 'database faults under load (PostgreSQL: connections terminated, statements cancelled)'
  : 'database faults under load — skipped: the embedded database (PGlite) has no server connections to terminate; run with DATABASE_URL=postgresql://…';

/** Patient-bearing reads on both paths the server has: a patient list with its appointments, and appointments with their patient. */
const queries = [
  '{ patients(first: 8) { nodes { id lastName appointments(first: 3) { nodes { id status } } } } }',
  '{ appointments(first: 10) { nodes { id scheduledStartDate patient { id firstName } provider { displayLastName } } } }',
  'query ($first: Int) { patients(first: $first, orderBy: { field: NAME }) { totalCount edges { cursor node { id dateOfBirth } } } }',
];

interface Outcome {
  status: number;
  /** Status, whether data came, and each error's `code:reason`: `200 data ok`, `200 data SERVICE_UNAVAILABLE:STATEMENT_CANCELLED`, `503 SERVICE_UNAVAILABLE:DATABASE_UNAVAILABLE`. */
  kind: string;
  traceId: string;
  patientIds: string[];
  text: string;
}

/** Every patient id a response names (ids are prefixed by type). */
const patientIdsIn = (text: string) => [...new Set(text.match(/pat_[0-9a-z]{20}/g) ?? [])];

let db: Database;
let app: App;
let http: Server;
let url = '';
let admin: pg.Client;
let databaseName = '';
let organizationId = '';
const unexpectedLogLines: string[] = [];

describe.skipIf(!onPostgres)(title, () => {
  beforeAll(async () => {
    db = await openTestDatabase();
    if (db.target.kind !== 'postgres') throw new Error('expected PostgreSQL');
    databaseName = new URL(db.target.url).pathname.slice(1);
    organizationId = (await db.prisma.organization.findFirstOrThrow({ orderBy: { name: 'asc' } })).id;
    // The causes of unexpected errors, to name what went wrong if one appears.
    const logs = new Writable({
      write(chunk, _encoding, done) {
        const line = String(chunk);
        if (/unexpected error|PHI audit/.test(line)) unexpectedLogLines.push(line.slice(0, 2000));
        done();
      },
    });
    app = createApp({ db, hardening: { logLevel: 'error', logDestination: logs, rateLimit: { points: 1_000_000 } } });
    http = createHttpServer(app.yoga, { keepAliveTimeoutMs: 5000, headersTimeoutMs: 6000, requestTimeoutMs: 30_000 });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
    admin = new pg.Client({ connectionString: db.target.url.replace(`/${databaseName}`, '/postgres') });
    await admin.connect();
  });

  afterAll(async () => {
    if (http) await closeGracefully(http, 1000);
    await app?.close();
    await db?.close();
    await admin?.end();
  });

  async function ask(i: number): Promise<Outcome> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': organizationId },
      body: JSON.stringify({ query: queries[i % queries.length], variables: { first: 1 + (i % 20) } }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { data?: unknown; errors?: { extensions?: { code?: string; reason?: string } }[] };
    const codes = [...new Set((body.errors ?? []).map((error) => `${error.extensions?.code}:${error.extensions?.reason}`))].sort();
    return {
      status: response.status,
      kind: `${response.status}${body.data ? ' data' : ''} ${codes.length ? codes.join(' ') : 'ok'}`,
      traceId: response.headers.get('x-trace-id') ?? '',
      patientIds: body.data ? patientIdsIn(JSON.stringify(body.data)) : [],
      text,
    };
  }

  /** The server's own backends: every connection to this test's database but the admin's. */
  const faults = {
    terminate: `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    cancel: `SELECT count(pg_cancel_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state = 'active'`,
  };

  it('answers each request with data or a clear 503/timeout, recovers by itself, and records every patient it returned', async () => {
    const outcomes: Outcome[] = [];
    const injected = { terminate: { rounds: 0, backends: 0 }, cancel: { rounds: 0, backends: 0 } };
    let loading = true;
    let next = 0;
    const workers = Array.from({ length: 4 }, async () => {
      while (loading) outcomes.push(await ask(next++));
    });
    const injector = (async () => {
      // A termination every ~150 ms; between them, cancellations as fast as the admin connection sends them.
      for (let round = 0; round < 150; round++) {
        const which = round % 15 === 0 ? 'terminate' : 'cancel';
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15)));
        const { rows } = await admin.query<{ n: number }>(faults[which], [databaseName]);
        injected[which].rounds++;
        injected[which].backends += rows[0]!.n;
      }
      loading = false;
    })();
    await Promise.all([injector, ...workers]);
    // The last fault leaves the pool holding only connections whose server is gone.
    injected.terminate.backends += (await admin.query<{ n: number }>(faults.terminate, [databaseName])).rows[0]!.n;
    injected.terminate.rounds++;

    const faultsStopped = performance.now();
    let recovered = await ask(0);
    while (recovered.kind !== '200 data ok' && performance.now() - faultsStopped < 10_000) recovered = await ask(0);
    const recoveryMs = Math.round(performance.now() - faultsStopped);
    const afterwards = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i)));

    const byKind = new Map<string, number>();
    for (const outcome of outcomes) byKind.set(outcome.kind, (byKind.get(outcome.kind) ?? 0) + 1);

    const withPatients = [...outcomes, recovered, ...afterwards].filter((outcome) => outcome.patientIds.length > 0);
    const records = await db.prisma.phiAccess.findMany({
      where: { traceId: { in: withPatients.map((outcome) => outcome.traceId) } },
      select: { traceId: true, patientIds: true },
    });
    const recorded = new Map(records.map((record) => [record.traceId, new Set(record.patientIds)]));
    const unrecorded = withPatients.filter((outcome) => {
      const named = recorded.get(outcome.traceId);
      return !named || outcome.patientIds.some((id) => !named.has(id));
    });

    console.log(
      `faults: ${outcomes.length} requests under load; ${injected.terminate.backends} connections terminated (${injected.terminate.rounds} rounds), ` +
        `${injected.cancel.backends} running statements cancelled (${injected.cancel.rounds} rounds); ` +
        `outcomes ${JSON.stringify(Object.fromEntries([...byKind].sort()))}; recovered in ${recoveryMs} ms; ` +
        `${withPatients.length} responses with patient data, ${records.length} PHI records, ${unrecorded.length} unrecorded`,
    );
    if (unexpectedLogLines.length) console.log(unexpectedLogLines.join('\n'));

    expect(injected.terminate.backends).toBeGreaterThan(0);
    expect(injected.cancel.backends).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      // Data (possibly partial, a cancelled field null with its reason), or the whole request refused as unavailable.
      expect(outcome.kind, outcome.text.slice(0, 500)).toMatch(/^(200 data( ok|( (SERVICE_UNAVAILABLE|TIMEOUT):[A-Z_]+)+)|503( data)?( SERVICE_UNAVAILABLE:[A-Z_]+)+)$/);
      expect(outcome.text).not.toMatch(/INTERNAL_SERVER_ERROR|Unexpected error|terminating connection|57P01|57014/);
    }
    expect(outcomes.filter((outcome) => outcome.kind === '200 data ok').length).toBeGreaterThan(outcomes.length / 4);
    expect(recovered.kind).toBe('200 data ok');
    expect(afterwards.map((outcome) => outcome.kind)).toEqual(afterwards.map(() => '200 data ok'));
    expect(unrecorded.map((outcome) => outcome.traceId)).toEqual([]);
    expect(unexpectedLogLines).toEqual([]);
  });
});
