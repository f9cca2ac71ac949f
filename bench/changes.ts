/**
 * The change feed's costs, in a PostgreSQL database of its own (dropped and created on each run):
 *   npm run bench:changes     BENCH_CHANGES_DATABASE_URL (default: BENCH_DATABASE_URL's server, database
 *                             clinicgraph_bench_changes), BENCH_CHANGES_RATES (100,20), BENCH_CHANGES_SECONDS (45)
 * (a) capture overhead: inserts and updates of patients and appointments, one row per statement and
 *     100 per statement, with the capture triggers enabled and disabled (ALTER TABLE … DISABLE TRIGGER
 *     USER), rounds interleaved; wall time per statement at the client, over a loopback connection.
 * (b) feed reads: `changes(first: 100)` pages, ids only and with each entity, against the API as
 *     bench/run.ts starts it (its own process); server CPU per request and latency.
 * (c) webhooks: `npm run worker` in its own process, a receiver on loopback checking every signature,
 *     the simulator (`npm run cli -- simulate`) at each of BENCH_CHANGES_RATES changes per second: latency from
 *     the change's transaction to receipt, delivered throughput, losses and duplicates against the log.
 * Writes bench/results/changes-<time>.md. The load average is recorded beside each part.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { changeTypes } from '../src/changes/log.js';
import { openDatabase } from '../src/db/database.js';
import { seedDemo } from '../src/demo/seed.js';
import { createApp, createKey, installApp } from '../src/marketplace/service.js';
import { allScopes } from '../src/scopes.js';
import { syncOperations } from '../src/sync/operations.js';
import { onServerOf } from './database.js';
import type { FromPeer, PeerStats, ToPeer } from './peers/child.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const url = (() => {
  if (process.env.BENCH_CHANGES_DATABASE_URL) return process.env.BENCH_CHANGES_DATABASE_URL;
  const target = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/clinicgraph_bench');
  target.pathname = '/clinicgraph_bench_changes';
  return target.toString();
})();
const seconds = Number(process.env.BENCH_CHANGES_SECONDS ?? 45);
const log = (line: string) => console.error(line);
const load = () => loadavg().map((value) => value.toFixed(2)).join(' / ');
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const median = (values: number[]) => quantile(values, 0.5);

const onServer = (statement: string) => onServerOf(url, statement);

const name = decodeURIComponent(new URL(url).pathname.slice(1)).replace(/"/g, '""');
log(`Creating ${name}`);
await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
await onServer(`CREATE DATABASE "${name}"`);
const db = await openDatabase({ kind: 'postgres', url }, { replicaUrls: [] });
await db.migrate();
const demo = await seedDemo(db.prisma, { production: false, logger: () => undefined });
const clinic = demo.organizations[0]!.id;
const slug = 'changes-bench';
await createApp(db.prisma, { slug, name: slug, scopes: [...allScopes] });
await installApp(db.prisma, { slug, organizationId: clinic });
const { secret: apiKey } = await createKey(db.prisma, { slug });
await db.prisma.$executeRawUnsafe('VACUUM ANALYZE');

// ─── (a) capture overhead ─────────────────────────────────────────────────

interface WriteShape {
  table: 'Patient' | 'Appointment';
  operation: 'insert' | 'update';
  rowsPerStatement: number;
}
const shapes: WriteShape[] = (['Patient', 'Appointment'] as const).flatMap((table) =>
  (['insert', 'update'] as const).flatMap((operation) => [1, 100].map((rowsPerStatement) => ({ table, operation, rowsPerStatement }))),
);
const rowsPerRound = 1_000;
const rounds = 5;

const writer = new pg.Client({ connectionString: url });
await writer.connect();
const [anchor] = (
  await writer.query<{ patientId: string; providerId: string; facilityId: string }>(
    `SELECT "patientId", "providerId", "facilityId" FROM "Appointment" WHERE "organizationId" = $1 LIMIT 1`,
    [clinic],
  )
).rows;
let serial = 0;
const freshIds = (prefix: string, count: number) => Array.from({ length: count }, () => `${prefix}_bench${String(serial++).padStart(15, '0')}`);
/** Rows written by the insert rounds, reused by the update rounds. */
const written: Record<WriteShape['table'], string[]> = { Patient: [], Appointment: [] };

function statement(shape: WriteShape, ids: string[]): { text: string; values: unknown[] } {
  const { table, operation } = shape;
  if (operation === 'update') {
    const column = table === 'Patient' ? '"phone"' : '"scheduledStartDate"';
    const value = table === 'Patient' ? `'(555) 010-' || lpad($2, 4, '0')` : `now() + ($2 || ' minutes')::interval`;
    return { text: `UPDATE "${table}" SET ${column} = ${value}, "updatedAt" = now() WHERE "id" = ANY($1)`, values: [ids, String(serial++ % 1000)] };
  }
  if (table === 'Patient') {
    return {
      text: `INSERT INTO "Patient" ("id", "organizationId", "firstName", "lastName", "updatedAt") SELECT unnest($1::text[]), $2, 'Bench', 'Capture', now()`,
      values: [ids, clinic],
    };
  }
  return {
    text: `INSERT INTO "Appointment" ("id", "organizationId", "patientId", "providerId", "facilityId", "scheduledStartDate", "scheduledEndDate", "status", "updatedAt")
       SELECT unnest($1::text[]), $2, $3, $4, $5, now(), now() + interval '30 minutes', 'scheduled', now()`,
    values: [ids, clinic, anchor!.patientId, anchor!.providerId, anchor!.facilityId],
  };
}

/** µs per statement of one round of `rowsPerRound` rows. */
async function round(shape: WriteShape): Promise<number> {
  const statements = rowsPerRound / shape.rowsPerStatement;
  const batches = rowsFor(shape, statements);
  const started = performance.now();
  for (const ids of batches) await writer.query(statement(shape, ids));
  const elapsed = performance.now() - started;
  if (shape.operation === 'insert') written[shape.table].push(...batches.flat());
  return (elapsed * 1000) / statements;
}

function rowsFor(shape: WriteShape, statements: number): string[][] {
  const pool = written[shape.table];
  return Array.from({ length: statements }, (_, i) => {
    if (shape.operation === 'insert') return freshIds(shape.table === 'Patient' ? 'pat' : 'apt', shape.rowsPerStatement);
    const start = (i * shape.rowsPerStatement) % (pool.length - shape.rowsPerStatement);
    return pool.slice(start, start + shape.rowsPerStatement);
  });
}

/**
 * The capture trigger's own time per statement as PostgreSQL reports it (EXPLAIN ANALYZE's trigger
 * times), in µs: steadier than the on/off difference on a busy machine, though it leaves out filling
 * the transition table, which the difference includes.
 */
async function triggerTime(shape: WriteShape): Promise<number> {
  const statements = Math.max(10, 200 / shape.rowsPerStatement);
  let total = 0;
  for (const ids of rowsFor(shape, statements)) {
    const { text, values } = statement(shape, ids);
    const { rows } = await writer.query<{ 'QUERY PLAN': [{ Triggers?: { 'Trigger Name': string; Time: number }[] }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    total += (rows[0]!['QUERY PLAN'][0].Triggers ?? []).filter((t) => t['Trigger Name'].includes('_capture_')).reduce((sum, t) => sum + t.Time, 0);
  }
  return (total * 1000) / statements;
}

async function capture(enabled: boolean): Promise<void> {
  for (const table of ['Patient', 'Appointment']) await writer.query(`ALTER TABLE "${table}" ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
}

log(`(a) capture overhead, load ${load()}`);
const captureLoad = load();
const timings = new Map<string, { on: number[]; off: number[]; trigger: number }>();
const keyOf = (shape: WriteShape) => `${shape.table} ${shape.operation} ×${shape.rowsPerStatement}`;
// Inserts first, so updates have rows of their own to change; on and off alternate within each round.
const ordered = [...shapes.filter((s) => s.operation === 'insert'), ...shapes.filter((s) => s.operation === 'update')];
for (const shape of ordered) {
  const entry = { on: [] as number[], off: [] as number[], trigger: 0 };
  timings.set(keyOf(shape), entry);
  await round(shape); // warm-up
  entry.trigger = await triggerTime(shape);
  for (let i = 0; i < rounds; i++) {
    for (const enabled of i % 2 ? [false, true] : [true, false]) {
      await capture(enabled);
      (enabled ? entry.on : entry.off).push(await round(shape));
    }
  }
  await capture(true);
}
await writer.end();

// ─── (b) feed reads ───────────────────────────────────────────────────────

function startPeer(): Promise<{ child: ChildProcess; port: number; ask(message: ToPeer): Promise<FromPeer> }> {
  const port = 4800 + Math.floor(Math.random() * 100);
  const child = fork(path.join(here, 'peers/clinicgraph.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PORT: String(port), BENCH_DATABASE_URL: url, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiting: ((message: FromPeer) => void)[] = [];
  child.on('message', (message: FromPeer) => waiting.shift()?.(message));
  const ask = (message: ToPeer) =>
    new Promise<FromPeer>((resolve) => {
      waiting.push(resolve);
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    waiting.push(() => resolve({ child, port, ask }));
    child.once('exit', (code) => reject(new Error(`the API process exited with code ${code} before listening`)));
  });
}

const feedQueries = {
  'ids only': 'query Feed($after: String) { changes(first: 100, after: $after) { nodes { position type entityId operation changedAt } pageInfo { endCursor hasNextPage } } }',
  'with entity': `query Feed($after: String) { changes(first: 100, after: $after) { nodes { position type entityId operation changedAt
    entity { id ... on Patient { firstName lastName phone } ... on Appointment { status scheduledStartDate } } } pageInfo { endCursor hasNextPage } } }`,
};
const feedRequests = 300;
const logEntries = await db.prisma.changeLog.count({ where: { organizationId: clinic } });
log(`(b) feed reads over ${logEntries} entries, load ${load()}`);
const feedLoad = load();
const peer = await startPeer();
const feedResults: { name: string; p50: number; p99: number; cpuMs: number; statements: number; entries: number }[] = [];
for (const [label, query] of Object.entries(feedQueries)) {
  let after: string | null = null;
  const read = async () => {
    const response = await fetch(`http://127.0.0.1:${peer.port}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'x-organization-id': clinic, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { after } }),
    });
    const body = (await response.json()) as { data?: { changes: { nodes: unknown[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }; errors?: unknown };
    if (!body.data || body.errors) throw new Error(`feed request failed: ${JSON.stringify(body.errors)}`);
    const page = body.data.changes;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    return page.nodes.length;
  };
  for (let i = 0; i < 30; i++) await read();
  await peer.ask({ type: 'reset' });
  const latencies: number[] = [];
  let entries = 0;
  for (let i = 0; i < feedRequests; i++) {
    const started = performance.now();
    entries += await read();
    latencies.push(performance.now() - started);
  }
  const { stats } = (await peer.ask({ type: 'stats' })) as { stats: PeerStats };
  feedResults.push({
    name: label,
    p50: median(latencies),
    p99: quantile(latencies, 0.99),
    cpuMs: (stats.cpuUserMs + stats.cpuSystemMs) / stats.requests,
    statements: stats.statements / stats.requests,
    entries: entries / feedRequests,
  });
}
peer.child.send({ type: 'exit' } satisfies ToPeer);

// ─── (c) webhook delivery ─────────────────────────────────────────────────

interface Receipt {
  id: string;
  position: string;
  changedAt: string;
  receivedAt: number;
}
const receipts: Receipt[] = [];
let badSignatures = 0;
let signingSecret = '';
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const receivedAt = Date.now();
    const body = Buffer.concat(chunks).toString('utf8');
    const timestamp = String(request.headers['x-clinicgraph-timestamp']);
    const expected = `v1=${createHmac('sha256', signingSecret).update(`${timestamp}.${body}`).digest('hex')}`;
    if (request.headers['x-clinicgraph-signature'] !== expected) badSignatures++;
    const event = JSON.parse(body) as { id: string; position: string; changedAt: string };
    receipts.push({ id: event.id, position: event.position, changedAt: event.changedAt, receivedAt });
    response.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverPort = (receiver.address() as { port: number }).port;

const environment = { ...process.env, DATABASE_URL: url, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
const worker = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { cwd: root, env: environment, stdio: ['ignore', 'ignore', 'inherit'] });
// With no subscription yet, the dispatcher's mark jumps past the backlog that (a) wrote, as a first start's would.
await new Promise((resolve) => setTimeout(resolve, 8_000));
const created = (await syncOperations['webhooks.create'](db.prisma, {
  slug,
  organizationId: clinic,
  url: `http://127.0.0.1:${receiverPort}/hooks`,
  types: [...changeTypes],
})) as { secret: string };
signingSecret = created.secret;
await new Promise((resolve) => setTimeout(resolve, 1_000));
/** User + system CPU of a process so far, in ms (Linux /proc: clock ticks of 10 ms). */
const cpuOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

interface DeliveryRun {
  rate: number;
  written: { changes: number; seconds: number; ratePerSecond: number };
  entries: number;
  deliveries: number;
  lost: number;
  duplicates: number;
  badSignatures: number;
  latencies: number[];
  throughput: number;
  workerCpuMsPerDelivery: number;
  load: { before: string; after: string };
}

async function deliveryRun(rate: number): Promise<DeliveryRun> {
  receipts.length = 0;
  badSignatures = 0;
  const workerCpuBefore = cpuOf(worker.pid!);
  const [{ since } = { since: new Date() }] = await db.prisma.$queryRaw<{ since: Date }[]>`SELECT (now() AT TIME ZONE 'UTC')::timestamp(3) AS since`;
  log(`(c) webhooks: simulator at ${rate}/s for ${seconds} s, load ${load()}`);
  const before = load();
  const simulator = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', '--json', 'simulate', '--org', clinic, '--rate', String(rate), '--duration', String(seconds)],
    { cwd: root, env: environment, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  simulator.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await new Promise((resolve) => simulator.once('exit', resolve));
  const after = load();
  const written = JSON.parse(output.trim().split('\n').at(-1)!) as DeliveryRun['written'];
  const expected = await db.prisma.changeLog.findMany({ where: { organizationId: clinic, changedAt: { gte: since } }, select: { position: true } });
  // Deliveries still in flight finish: wait until every logged change has arrived, or nothing has for 30 s.
  for (let quiet = 0, last = -1; quiet < 30_000; quiet = receipts.length === last ? quiet + 500 : 0, last = receipts.length) {
    if (new Set(receipts.map((r) => r.position)).size >= expected.length) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const received = new Set(receipts.map((r) => String(r.position)));
  const times = receipts.map((r) => r.receivedAt);
  return {
    rate,
    written,
    entries: expected.length,
    deliveries: receipts.length,
    lost: expected.filter((entry) => !received.has(String(entry.position))).length,
    duplicates: receipts.length - new Set(receipts.map((r) => r.id)).size,
    badSignatures,
    latencies: receipts.map((r) => r.receivedAt - Date.parse(r.changedAt)),
    throughput: receipts.length / Math.max(1e-3, (Math.max(...times) - Math.min(...times)) / 1000),
    workerCpuMsPerDelivery: (cpuOf(worker.pid!) - workerCpuBefore) / Math.max(1, receipts.length),
    load: { before, after },
  };
}

// 100/s is the rate asked for; a lower one shows the latency where one worker keeps up.
const rates = (process.env.BENCH_CHANGES_RATES ?? '100,20').split(',').map(Number);
const runs: DeliveryRun[] = [];
for (const each of rates) runs.push(await deliveryRun(each));
worker.kill('SIGTERM');
receiver.close();
receiver.closeAllConnections();
await db.close();

// ─── Report ───────────────────────────────────────────────────────────────

const lines = [
  `# Change feed benchmark, ${new Date().toISOString()}`,
  '',
  `PostgreSQL ${name} (the two demo clinics, ${logEntries.toLocaleString('en-US')} change-log entries of the first when the feed was read); Node ${process.version}.`,
  '',
  `## (a) Capture overhead per write (load average ${captureLoad})`,
  '',
  `Wall time per statement at the client (loopback), median of ${rounds} interleaved rounds of ${rowsPerRound.toLocaleString('en-US')} rows; autocommit, so a single-row statement includes its commit.`,
  '',
  '| write | triggers on µs/stmt | off µs/stmt | on − off µs/stmt | on − off µs/row | trigger µs/stmt (EXPLAIN) | trigger µs/row |',
  '|---|---|---|---|---|---|---|',
  ...[...timings].map(([key, { on, off, trigger }]) => {
    const rows = Number(key.split('×')[1]);
    const [onUs, offUs] = [median(on), median(off)];
    return `| ${key} | ${fixed(onUs, 0)} | ${fixed(offUs, 0)} | ${fixed(onUs - offUs, 0)} | ${fixed((onUs - offUs) / rows, 1)} | ${fixed(trigger, 0)} | ${fixed(trigger / rows, 1)} |`;
  }),
  '',
  `## (b) Feed reads (load average ${feedLoad})`,
  '',
  `${feedRequests} sequential \`changes(first: 100)\` pages per query, following endCursor (back to the start at the end), after 30 warm-up requests; CPU is the API process's own (process.cpuUsage), PostgreSQL's is not in it.`,
  '',
  '| query | entries/page | p50 ms | p99 ms | server CPU ms/req | SQL/req |',
  '|---|---|---|---|---|---|',
  ...feedResults.map((r) => `| ${r.name} | ${fixed(r.entries, 0)} | ${fixed(r.p50, 2)} | ${fixed(r.p99, 2)} | ${fixed(r.cpuMs, 2)} | ${fixed(r.statements, 1)} |`),
  '',
  '## (c) Webhook delivery',
  '',
  `Per run: the simulator for ${seconds} s at the rate asked; one subscription to every type, one \`npm run worker\` process (WEBHOOK_DISPATCH_INTERVAL_MS ${process.env.WEBHOOK_DISPATCH_INTERVAL_MS ?? 500}, WEBHOOK_CONCURRENCY ${process.env.WEBHOOK_CONCURRENCY ?? 10}), a receiver on loopback answering 200 at once and checking each signature. Latency runs from the change's \`changedAt\` (its transaction's start, at or before its commit) to receipt. Lost: change-log entries of the run never received.`,
  '',
  '| asked/s | written/s (changes) | log entries | deliveries | lost | duplicated | bad signatures | p50 ms | p99 ms | max ms | delivered/s | worker CPU ms/delivery | 1-min load before → after |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...runs.map(
    (r) =>
      `| ${r.rate} | ${r.written.ratePerSecond} (${r.written.changes}) | ${r.entries} | ${r.deliveries} | ${r.lost} | ${r.duplicates} | ${r.badSignatures} | ${fixed(median(r.latencies), 0)} | ${fixed(quantile(r.latencies, 0.99), 0)} | ${fixed(Math.max(...r.latencies), 0)} | ${fixed(r.throughput, 0)} | ${fixed(r.workerCpuMsPerDelivery, 2)} | ${r.load.before.split(' / ')[0]} → ${r.load.after.split(' / ')[0]} |`,
  ),
  '',
];
const report = lines.join('\n');
console.log(report);
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
await mkdir(path.join(here, 'results'), { recursive: true });
const file = path.join(here, 'results', `changes-${stamp}.md`);
await writeFile(file, report);
log(`Wrote ${path.relative(root, file)}`);
// At least once allows duplicates; a lost event or a bad signature is a failure.
process.exit(runs.some((r) => r.lost || r.badSignatures) ? 1 : 0);
