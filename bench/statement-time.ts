/**
 * npm run bench:pg-time — PostgreSQL's own time per request for the bench queries, both ways: the
 * statements clinicgraph sends for one request (captured as they are sent, data statements only:
 * authentication and the PHI record are the same on both paths) are run again under
 * EXPLAIN (ANALYZE), and planning plus execution time is summed per request. One statement per
 * query against the executor's statement per level: what the server saves must not move to the
 * database. Prints a table and writes bench/results/pg-time-<time>.md. BENCH_PG_TIME_RUNS (default 50).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { demoSecret } from '../src/auth/keys.js';
import { clinicTables } from '../src/resources.js';
import { openDatabase } from '../src/db/database.js';
import { createApp, type App } from '../src/yoga.js';
import { prepareBenchDatabase } from './database.js';
import { benchQueries } from './queries.js';

const runs = Number(process.env.BENCH_PG_TIME_RUNS ?? 50);
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const bench = await prepareBenchDatabase(() => {});
const db = await openDatabase({ kind: 'postgres', url: bench.url }, { replicaUrls: [] });
const client = new pg.Client({ connectionString: bench.url });
await client.connect();
const { rows: patients } = await client.query<{ id: string }>('SELECT "id" FROM "Patient" WHERE "organizationId" = $1 ORDER BY md5("id") LIMIT 50', [bench.organizationId]);
const hardening = { rateLimit: { points: 1_000_000_000 }, logDestination: { write: () => {} } };
const apps: Record<string, App> = {
  'one statement': createApp({ db, hardening }),
  'executor, one statement per level': createApp({ db, hardening, execution: { oneStatement: false } }),
};
/** The query's data statements: reads of clinic tables as the loaders and the one statement write them (`FROM "Patient" t`). */
const dataStatement = new RegExp(`^\\s*SELECT[\\s\\S]*FROM "(${clinicTables.join('|')})" t\\b`);

async function statementsOf(app: App, query: string, variables: Record<string, unknown> | undefined) {
  const sent: { sql: string; params: unknown[] }[] = [];
  const stop = db.onStatement((sql, params) => {
    if (dataStatement.test(sql)) sent.push({ sql, params: JSON.parse(params) as unknown[] });
  });
  try {
    const response = await app.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': bench.organizationId },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  } finally {
    stop();
  }
  return sent;
}

async function databaseMs(statements: { sql: string; params: unknown[] }[]): Promise<number> {
  let total = 0;
  for (const { sql, params } of statements) {
    const { rows } = await client.query<{ 'QUERY PLAN': [{ 'Planning Time': number; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    const [plan] = rows[0]!['QUERY PLAN'];
    total += plan['Planning Time'] + plan['Execution Time'];
  }
  return total;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const lines = ['| query | path | data statements | PostgreSQL ms per request (median of runs) |', '|---|---|---:|---:|'];
const load = [loadavg()[0]!];
for (const query of benchQueries(patients.map((p) => p.id)).filter((q) => q.id !== 'Q0')) {
  for (const [name, app] of Object.entries(apps)) {
    const statements = await statementsOf(app, query.graphql, query.variables(0));
    await databaseMs(statements);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await databaseMs(statements));
    lines.push(`| ${query.id} | ${name} | ${statements.length} | ${median(times).toFixed(2)} |`);
  }
}
load.push(loadavg()[0]!);
const report = [
  `# PostgreSQL's own time per request, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `- EXPLAIN (ANALYZE) planning + execution time of each data statement one request sends, summed; median of ${runs} runs; ${cpus().length} cores, load ${load.map((l) => l.toFixed(2)).join(' → ')}.`,
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
