/**
 * The benchmark database: a PostgreSQL database holding the two demo clinics and one generated
 * 10,000-patient clinic, created and filled on first use and reused afterwards.
 */
import cliProgress from 'cli-progress';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/database.js';
import { seedDemo } from '../src/demo/seed.js';
import { defaultSeed, generateClinics } from '../src/demo/generate.js';
import { createApp as createMarketplaceApp, createKey, installApp } from '../src/marketplace/service.js';
import { allScopes } from '../src/scopes.js';

export const benchDatabaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/clinicgraph_bench';
export const benchClinicName = 'Harbor Dermatology (bench)';
export const benchPatients = Number(process.env.BENCH_PATIENTS ?? 10_000);
const benchAppSlug = 'clinicgraph-bench';

export interface BenchData {
  url: string;
  organizationId: string;
  /** A fresh API key of the bench app, installed in the bench clinic with every scope. */
  secret: string;
}

/** Runs one statement connected to the `postgres` database of `url`'s server: to create or drop `url`'s own. */
export async function onServerOf(url: string, statement: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates the database `url` names when PostgreSQL has none of that name; says whether it did. */
export async function createDatabaseIfMissing(url: string, log: (line: string) => void = () => {}): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    log(`Creating database ${name}`);
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** Opens the bench database, creating, migrating and filling it if needed; returns the clinic and a key. */
export async function prepareBenchDatabase(log: (line: string) => void = console.log): Promise<BenchData> {
  await createDatabaseIfMissing(benchDatabaseUrl, log);
  const db: Database = await openDatabase({ kind: 'postgres', url: benchDatabaseUrl }, { replicaUrls: [], statementTimeoutMs: 300_000 });
  try {
    const applied = await db.migrate();
    if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
    await seedDemo(db.prisma, { production: false, logger: log });
    let clinic = await db.prisma.organization.findFirst({ where: { name: benchClinicName } });
    if (!clinic) {
      log(`Generating "${benchClinicName}" with ${benchPatients.toLocaleString('en-US')} patients (once; reused by later runs)`);
      const bar = new cliProgress.SingleBar({ format: '{bar} {percentage}% | {duration_formatted} | {label}', hideCursor: true }, cliProgress.Presets.shades_classic);
      let started = false;
      const startedAt = performance.now();
      const [generated] = await generateClinics(db.prisma, {
        seed: defaultSeed + 2,
        clinics: [{ name: benchClinicName, patients: benchPatients }],
        onProgress: (done, total, label) => {
          if (!started) bar.start(total, 0, { label });
          started = true;
          bar.update(done, { label });
        },
      });
      bar.stop();
      log(`Generated in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
      // Bulk-loaded tables have no visibility map until vacuumed (autovacuum would get there later):
      // without it, counts cannot use index-only scans and the plans would not be production's.
      await db.prisma.$executeRawUnsafe('VACUUM ANALYZE');
      clinic = { id: generated!.id, name: generated!.name, createdAt: new Date() };
    }
    // The API's statements read a few rows by index; PostgreSQL's default random_page_cost (4) models
    // spinning disks and makes the planner prefer scanning a 10,000-row table to 100 index probes.
    // 1.1 is the usual setting for SSD storage (README, deployment); the check and the bench use it
    // unless BENCH_RANDOM_PAGE_COST says otherwise ("default": PostgreSQL's own).
    const name = decodeURIComponent(new URL(benchDatabaseUrl).pathname.slice(1)).replace(/"/g, '""');
    const randomPageCost = process.env.BENCH_RANDOM_PAGE_COST ?? '1.1';
    if (randomPageCost !== 'default' && !/^\d+(\.\d+)?$/.test(randomPageCost)) throw new Error('BENCH_RANDOM_PAGE_COST takes a number or "default".');
    await db.prisma.$executeRawUnsafe(
      randomPageCost === 'default' ? `ALTER DATABASE "${name}" RESET random_page_cost` : `ALTER DATABASE "${name}" SET random_page_cost = ${randomPageCost}`,
    );
    if (!(await db.prisma.app.findUnique({ where: { slug: benchAppSlug } }))) {
      await createMarketplaceApp(db.prisma, { slug: benchAppSlug, name: 'clinicgraph bench', scopes: [...allScopes] });
      await installApp(db.prisma, { slug: benchAppSlug, organizationId: clinic.id });
    }
    // Old bench keys are revoked so the table does not fill with live keys across runs.
    await db.prisma.apiKey.updateMany({ where: { app: { slug: benchAppSlug }, revokedAt: null }, data: { revokedAt: new Date() } });
    const key = await createKey(db.prisma, { slug: benchAppSlug, name: `bench ${new Date().toISOString()}` });
    return { url: benchDatabaseUrl, organizationId: clinic.id, secret: key.secret };
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const data = await prepareBenchDatabase();
  console.log(JSON.stringify({ ...data, secret: '…' }));
  process.exit(0);
}
