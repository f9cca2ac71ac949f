/**
 * Steady-state CPU profile of clinicgraph serving one bench query in process (yoga.fetch, no HTTP),
 * sampled with node:inspector after a warm-up so start-up work stays out of it:
 *   npx tsx bench/profile-app.ts Q2 [requests=300] [concurrency=10]    → tmp/profile-Q2.cpuprofile
 * then: npx tsx bench/profile.ts tmp/profile-Q2.cpuprofile
 * PROFILE=0 only measures CPU per request; SCOPE_CHECKS=off serves the schema of peer (b), to price the checks;
 * ONE_STATEMENT=off answers through the executor alone (peer g).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { createApp } from '../src/yoga.js';
import { buildSchema } from '../src/schema/index.js';
import { prepareBenchDatabase } from './database.js';
import { benchQueries, type QueryId } from './queries.js';

const [id = 'Q2', requestsArg = '300', concurrencyArg = '10'] = process.argv.slice(2);
const bench = await prepareBenchDatabase(() => {});
const client = new pg.Client({ connectionString: bench.url });
await client.connect();
const { rows } = await client.query<{ id: string }>('SELECT "id" FROM "Patient" WHERE "organizationId" = $1 ORDER BY md5("id") LIMIT 200', [bench.organizationId]);
await client.end();
const query = benchQueries(rows.map((r) => r.id)).find((q) => q.id === (id as QueryId));
if (!query) throw new Error(`Unknown query ${id}`);

const db = await openDatabase({ kind: 'postgres', url: bench.url }, { replicaUrls: [] });
const schema = process.env.SCOPE_CHECKS === 'off' ? buildSchema({ scopeChecks: false }) : undefined;
const app = createApp({ db, schema, execution: { oneStatement: process.env.ONE_STATEMENT !== 'off' }, hardening: { rateLimit: { points: 1_000_000_000 }, logLevel: process.env.LOG_LEVEL ?? 'info', logDestination: { write: () => {} } } });
let n = 0;
let statements = 0;
db.onStatement(() => statements++);
async function one(): Promise<void> {
  const response = await app.yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.secret}`, 'x-organization-id': bench.organizationId },
    body: JSON.stringify({ query: query!.graphql, variables: query!.variables(n++) }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}
async function run(requests: number, concurrency: number): Promise<number> {
  let left = requests;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (left-- > 0) await one(); }));
  return performance.now() - started;
}

await run(100, Number(concurrencyArg));
const session = new Session();
session.connect();
const profiling = process.env.PROFILE !== '0';
if (profiling) await session.post('Profiler.enable');
if (profiling) await session.post('Profiler.setSamplingInterval', { interval: 200 });
if (profiling) await session.post('Profiler.start');
// Allocation sampling (every 64 KB allocated): which code allocates what the garbage collector then spends its time on.
if (profiling) await session.post('HeapProfiler.startSampling', { samplingInterval: 65_536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const cpu = process.cpuUsage();
statements = 0;
const requests = Number(requestsArg);
const ms = await run(requests, Number(concurrencyArg));
const used = process.cpuUsage(cpu);
if (!profiling) {
  console.log(`${id}: ${Number(requestsArg)} requests in ${ms.toFixed(0)} ms, ${((used.user + used.system) / 1000 / Number(requestsArg)).toFixed(2)} CPU ms/request, ${(statements / Number(requestsArg)).toFixed(2)} statements/request`);
  process.exit(0);
}
const { profile } = await session.post('Profiler.stop');
const { profile: allocations } = await session.post('HeapProfiler.stopSampling');
await mkdir('tmp', { recursive: true });
await writeFile(`tmp/profile-${id}.cpuprofile`, JSON.stringify(profile));
await writeFile(`tmp/profile-${id}.heapprofile`, JSON.stringify(allocations));
console.log(`${id}: ${requests} requests in ${ms.toFixed(0)} ms, ${((used.user + used.system) / 1000 / requests).toFixed(2)} CPU ms/request (this process), ${(statements / requests).toFixed(2)} statements/request, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB → tmp/profile-${id}.cpuprofile`);
await app.close();
await db.close();
process.exit(0);
