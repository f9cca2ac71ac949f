/**
 * The PHI access record at scale: the cost of one record's insert and of the clinic's `audit` query on
 * a fresh table, then again after loading BENCH_PHI_ROWS (default 10 million) records spread over six
 * years (the default retention), in a PostgreSQL database of its own, dropped and created on each run:
 *   npm run bench:phi            BENCH_PHI_DATABASE_URL, BENCH_PHI_ROWS, BENCH_PHI_CLINICS to change them
 * The load is SQL (generate_series) in time order, as an append-only table grows; the indexes are
 * dropped for it and rebuilt after. The inserts are the API's (writePhiAccess, a Q2-sized record of 100
 * patients); the queries are the CLI's (listPhiAccess: newest 100, by patient, by app, since 7 days).
 */
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/database.js';
import { writePhiAccess } from '../src/audit/phi-audit.js';
import { listPhiAccess, type AuditQuery } from '../src/audit/queries.js';
import { createApp, createKey, createOrganization, installApp } from '../src/marketplace/service.js';
import { allScopes } from '../src/scopes.js';
import { onServerOf } from './database.js';

const url = process.env.BENCH_PHI_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/clinicgraph_bench_phi';
const rows = Number(process.env.BENCH_PHI_ROWS ?? 10_000_000);
const clinics = Number(process.env.BENCH_PHI_CLINICS ?? 10);
const patientsPerClinic = 10_000;
const inserts = Number(process.env.BENCH_PHI_INSERTS ?? 2_000);
const queryRepeats = 40;

const admin = (statement: string) => onServerOf(url, statement);

const name = decodeURIComponent(new URL(url).pathname.slice(1)).replace(/"/g, '""');
await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
await admin(`CREATE DATABASE "${name}"`);
const db: Database = await openDatabase({ kind: 'postgres', url }, { replicaUrls: [], statementTimeoutMs: 3_600_000 });
await db.migrate();

const organizations: string[] = [];
for (let i = 0; i < clinics; i++) organizations.push((await createOrganization(db.prisma, `PHI bench clinic ${i}`)).id);
const appSlugs = ['phi-bench-recall', 'phi-bench-billing', 'phi-bench-portal'];
for (const slug of appSlugs) await createApp(db.prisma, { slug, name: slug, scopes: allScopes.filter((s) => s.startsWith('read:')) });
const installations = new Map<string, { appId: string; installationId: string; apiKeyId: string }>();
for (const slug of appSlugs) {
  const installation = await installApp(db.prisma, { slug, organizationId: organizations[0]! });
  const key = await createKey(db.prisma, { slug });
  installations.set(slug, { appId: installation.appId, installationId: installation.id, apiKeyId: key.id });
}
const clinic = organizations[0]!;
const apps = [...installations.values()];
const recall = apps[0]!;
const patientId = (org: number, n: number) => `pat_bench${String(org).padStart(2, '0')}${String(n).padStart(8, '0')}`;
/** What Q2's record lists (bench/queries.ts): the patient fields, the appointment fields, the provider reference. */
const q2FieldPaths = [
  ...['appointments', 'firstName', 'id', 'lastName'].map((field) => `patients.nodes.${field}`),
  ...['id', 'provider', 'scheduledStartDate', 'status'].map((field) => `patients.nodes.appointments.nodes.${field}`),
].sort();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Median wall time of one record's insert, in ms, over `inserts` sequential inserts (after a warm-up). */
async function measureInserts(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < inserts + 100; i++) {
    const started = performance.now();
    await writePhiAccess(db.prisma, {
      organizationId: clinic,
      ...apps[i % apps.length]!,
      operationName: 'Q2',
      documentHash: 'b'.repeat(64),
      traceId: `bench-${i}`,
      fieldPaths: q2FieldPaths,
      patients: { known: Array.from({ length: 100 }, (_, n) => patientId(0, (i * 100 + n) % patientsPerClinic)), lookups: new Map() },
      searches: [],
    });
    if (i >= 100) times.push(performance.now() - started);
  }
  return median(times);
}

const queries: Record<string, AuditQuery> = {
  'audit --org (newest 100)': { organizationId: clinic },
  'audit --org --patient': { organizationId: clinic, patient: patientId(0, 4242) },
  'audit --org --app': { organizationId: clinic, app: appSlugs[1] },
  'audit --org --since 7d': { organizationId: clinic, since: '7d' },
};

async function measureQueries(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [label, query] of Object.entries(queries)) {
    const times: number[] = [];
    for (let i = 0; i < queryRepeats + 5; i++) {
      const started = performance.now();
      await listPhiAccess(db.prisma, query);
      if (i >= 5) times.push(performance.now() - started);
    }
    out[label] = median(times);
  }
  return out;
}

/**
 * PostgreSQL's own figures for the same statements, steadier than wall time on a shared machine:
 * median execution time and the buffers (8 KB pages) touched, from EXPLAIN (ANALYZE, BUFFERS); the
 * insert runs in a transaction rolled back.
 */
const explained: Record<string, string> = {
  'audit --org (newest 100)': '',
  'audit --org --patient': `AND "patientIds" @> ARRAY['${patientId(0, 4242)}']`,
  'audit --org --app': `AND "appId" = '${installations.get(appSlugs[1]!)!.appId}'`,
  'audit --org --since 7d': `AND "createdAt" >= now() - interval '7 days'`,
};
async function explain(): Promise<Record<string, { ms: number; buffers: number }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const statements: Record<string, string> = {
    insert: `INSERT INTO "PhiAccess" ("id", "organizationId", "appId", "apiKeyId", "installationId", "operationName", "documentHash", "traceId", "patientIds", "fieldPaths")
      VALUES ('pha_explain', '${clinic}', '${recall.appId}', '${recall.apiKeyId}', '${recall.installationId}', 'Q2', '${'b'.repeat(64)}', 'explain',
        ARRAY[${Array.from({ length: 100 }, (_, n) => `'${patientId(0, n * 37)}'`).join(',')}], ARRAY[${q2FieldPaths.map((f) => `'${f}'`).join(',')}])`,
  };
  for (const [label, where] of Object.entries(explained)) {
    statements[label] = `SELECT * FROM "PhiAccess" WHERE "organizationId" = '${clinic}' ${where} ORDER BY "createdAt" DESC, "id" DESC LIMIT 100`;
  }
  const out: Record<string, { ms: number; buffers: number }> = {};
  try {
    for (const [label, sql] of Object.entries(statements)) {
      const runs: { ms: number; buffers: number }[] = [];
      for (let i = 0; i < 12; i++) {
        await client.query('BEGIN');
        const { rows: plan } = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, number>; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`);
        await client.query('ROLLBACK');
        const top = plan[0]!['QUERY PLAN'][0];
        if (i >= 2) runs.push({ ms: top['Execution Time'], buffers: (top.Plan['Shared Hit Blocks'] ?? 0) + (top.Plan['Shared Read Blocks'] ?? 0) });
      }
      out[label] = { ms: median(runs.map((r) => r.ms)), buffers: median(runs.map((r) => r.buffers)) };
    }
  } finally {
    await client.end();
  }
  return out;
}

async function tableSize(): Promise<string> {
  const [row] = await db.prisma.$queryRawUnsafe<{ count: bigint; size: string }[]>(
    `SELECT count(*) AS count, pg_size_pretty(pg_total_relation_size('"PhiAccess"')) AS size FROM "PhiAccess"`,
  );
  return `${Number(row!.count).toLocaleString('en-US')} rows, ${row!.size}`;
}

console.log(`PHI record bench on ${url}: ${clinics} clinics, ${rows.toLocaleString('en-US')} records to load`);
const freshInserts = await measureInserts();
// Statistics as autovacuum would have them, so the planner sees the table it has.
await db.prisma.$executeRawUnsafe('ANALYZE "PhiAccess"');
const fresh = { inserts: freshInserts, queries: await measureQueries(), explained: await explain(), size: await tableSize() };
console.log(`fresh table (${fresh.size}): insert ${fresh.inserts.toFixed(3)} ms`, fresh.queries, fresh.explained);

// Indexes as the migrations made them, rebuilt after the load (faster than maintaining them row by row).
const indexes = await db.prisma.$queryRawUnsafe<{ indexname: string; indexdef: string }[]>(
  `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'PhiAccess' AND indexname <> 'PhiAccess_pkey'`,
);
const started = performance.now();
for (const index of indexes) await db.prisma.$executeRawUnsafe(`DROP INDEX "${index.indexname}"`);
await db.prisma.$executeRawUnsafe(`ALTER TABLE "PhiAccess" DROP CONSTRAINT "PhiAccess_pkey"`);
const chunk = 1_000_000;
for (let from = 0; from < rows; from += chunk) {
  const to = Math.min(rows, from + chunk) - 1;
  // Record n is n/rows of the way through six years ending a day ago; clinic n % clinics; one to three patients.
  await db.prisma.$executeRawUnsafe(`
    INSERT INTO "PhiAccess" ("id", "organizationId", "appId", "apiKeyId", "installationId", "operationName", "documentHash", "traceId", "patientIds", "fieldPaths", "searches", "createdAt")
    SELECT 'pha_load' || lpad(n::text, 10, '0'),
           (ARRAY[${organizations.map((o) => `'${o}'`).join(',')}])[1 + n % ${clinics}],
           (ARRAY[${apps.map((a) => `'${a.appId}'`).join(',')}])[1 + (n / ${clinics}) % ${apps.length}],
           (ARRAY[${apps.map((a) => `'${a.apiKeyId}'`).join(',')}])[1 + (n / ${clinics}) % ${apps.length}],
           (ARRAY[${apps.map((a) => `'${a.installationId}'`).join(',')}])[1 + (n / ${clinics}) % ${apps.length}],
           'Chart', md5(n::text) || md5(n::text), md5(n::text),
           ARRAY(SELECT 'pat_bench' || lpad((n % ${clinics})::text, 2, '0') || lpad(((n * 7919 + k * 104729) % ${patientsPerClinic})::text, 8, '0') FROM generate_series(1, 1 + n % 3) k),
           ARRAY['patient.firstName', 'patient.lastName', 'patient.dateOfBirth'],
           '[]'::jsonb,
           now() - interval '1 day' - (interval '6 years' * (1 - n::float8 / ${rows}))
    FROM generate_series(${from}::bigint, ${to}::bigint) n`);
  console.log(`  loaded ${(to + 1).toLocaleString('en-US')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
await db.prisma.$executeRawUnsafe(`ALTER TABLE "PhiAccess" ADD CONSTRAINT "PhiAccess_pkey" PRIMARY KEY ("id")`);
for (const index of indexes) await db.prisma.$executeRawUnsafe(index.indexdef);
await db.prisma.$executeRawUnsafe('VACUUM ANALYZE "PhiAccess"');
console.log(`loaded and indexed in ${((performance.now() - started) / 1000).toFixed(0)} s`);

const loaded = { inserts: await measureInserts(), queries: await measureQueries(), explained: await explain(), size: await tableSize() };
console.log(`loaded table (${loaded.size}): insert ${loaded.inserts.toFixed(3)} ms`, loaded.queries, loaded.explained);

const ratio = (after: number, before: number) => `${((after / before - 1) * 100).toFixed(0)}%`;
console.log('\n| measure | fresh table | with the load | change |\n|---|---:|---:|---:|');
console.log(`| insert (one Q2 record, median ms) | ${fresh.inserts.toFixed(3)} | ${loaded.inserts.toFixed(3)} | ${ratio(loaded.inserts, fresh.inserts)} |`);
for (const label of Object.keys(queries)) {
  console.log(`| \`${label}\` (median ms) | ${fresh.queries[label]!.toFixed(2)} | ${loaded.queries[label]!.toFixed(2)} | ${ratio(loaded.queries[label]!, fresh.queries[label]!)} |`);
}
console.log('\n| statement (EXPLAIN ANALYZE, median) | fresh ms | loaded ms | change | fresh buffers | loaded buffers |\n|---|---:|---:|---:|---:|---:|');
for (const label of Object.keys(fresh.explained)) {
  const [a, b] = [fresh.explained[label]!, loaded.explained[label]!];
  console.log(`| ${label} | ${a.ms.toFixed(3)} | ${b.ms.toFixed(3)} | ${ratio(b.ms, a.ms)} | ${a.buffers} | ${b.buffers} |`);
}
console.log(`\nfresh: ${fresh.size}; loaded: ${loaded.size}`);
await db.close();
if (process.env.BENCH_PHI_KEEP !== '1') await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
process.exit(0);
