/**
 * npm run bench:pg-time — PostgreSQL's own time per request for the bench queries, both ways: the
 * statements clinicgraph sends for one request (captured as they are sent, data statements only:
 * authentication and the PHI record are the same on both paths) are sent again, prepared as the
 * server prepares them, and the CPU of the PostgreSQL backend that ran them is read from /proc
 * (PostgreSQL on this machine), per request. One statement per
 * query against the executor's statement per level: what the server saves must not move to the
 * database. Prints a table and writes bench/results/pg-time-<time>.md. BENCH_PG_TIME_RUNS (default 300).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { clinicTables } from '../src/resources.js';
import { oneStatementMark } from '../src/data/document-statement.js';
import { openDatabase } from '../src/db/database.js';
import { createApp, type App } from '../src/yoga.js';
import { prepareBenchDatabase } from './database.js';
import { benchQueries } from './queries.js';

const runs = Number(process.env.BENCH_PG_TIME_RUNS ?? 300);
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const bench = await prepareBenchDatabase(() => {});
const db = await openDatabase({ kind: 'postgres', url: bench.url }, { replicaUrls: [] });
const client = new pg.Client({ connectionString: bench.url });
await client.connect();
const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
const { rows: patients } = await client.query<{ id: string }>('SELECT "id" FROM "Patient" WHERE "organizationId" = $1 ORDER BY md5("id") LIMIT 50', [bench.organizationId]);
const hardening = { rateLimit: { points: 1_000_000_000 }, logDestination: { write: () => {} } };
const apps: Record<string, App> = {
  'one statement': createApp({ db, hardening }),
  'executor, one statement per level': createApp({ db, hardening, execution: { oneStatement: false } }),
};
/** The query's data statements: reads of clinic tables as the loaders and the one statement write them (`FROM "Patient" t`). */
const dataStatement = new RegExp(`^\\s*SELECT[\\s\\S]*FROM "(${clinicTables.join('|')})" (t|r\\d+)\\b`);

async function statementsOf(app: App, query: string, variables: Record<string, unknown> | undefined) {
  const sent: { sql: string; params: unknown[] }[] = [];
  const stop = db.onStatement((sql, params) => {
    if (sql.startsWith(oneStatementMark) || dataStatement.test(sql)) sent.push({ sql, params: JSON.parse(params) as unknown[] });
  });
  try {
    const response = await app.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.secret}`, 'x-organization-id': bench.organizationId },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  } finally {
    stop();
  }
  return sent;
}

/** CPU time of this connection's PostgreSQL backend, from /proc (PostgreSQL runs on this machine). */
async function backendCpuMs(): Promise<number> {
  const stat = await readFile(`/proc/${backendPid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The statements of one request, sent `runs` times as the server sends them (named, so planned once): the backend's CPU per request. */
async function databaseMs(statements: { sql: string; params: unknown[] }[], name: string): Promise<number> {
  const send = () => Promise.all(statements.map(({ sql, params }, i) => client.query({ name: `${name}-${i}`, text: sql, values: params })));
  for (let i = 0; i < 10; i++) await send();
  const before = await backendCpuMs();
  for (let i = 0; i < runs; i++) await send();
  return ((await backendCpuMs()) - before) / runs;
}

const lines = ['| query | path | data statements | PostgreSQL backend CPU ms per request (three measurements) |', '|---|---|---:|---:|'];
const load = [loadavg()[0]!];
for (const query of benchQueries(patients.map((p) => p.id)).filter((q) => q.id !== 'Q0')) {
  for (const [name, app] of Object.entries(apps)) {
    const statements = await statementsOf(app, query.graphql, query.variables(0));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push(await databaseMs(statements, `${query.id}-${name.length}`));
    lines.push(`| ${query.id} | ${name} | ${statements.length} | ${times.map((t) => t.toFixed(2)).join(' / ')} |`);
  }
}
load.push(loadavg()[0]!);
const report = [
  `# PostgreSQL's own time per request, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `- The data statements of one request, sent ${runs} times as the server sends them (prepared, so planned once per connection); the CPU the PostgreSQL backend spent (/proc, utime + stime), per request; ${cpus().length} cores, load ${load.map((l) => l.toFixed(2)).join(' → ')}.`,
  '- Authentication and the PHI record are left out: both paths send the same two.',
  '',
  ...lines,
  '',
].join('\n');
console.log(report);
const file = path.join(resultsDir, `pg-time-${new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}.md`);
await writeFile(file, report);
console.log(`Saved ${path.relative(process.cwd(), file)}`);
await Promise.all(Object.values(apps).map((app) => app.close()));
await client.end();
await db.close();
