import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, parseDatabaseUrl, wrapPGlite } from '../../src/db/database.js';
import { seedDemo } from '../../src/demo/seed.js';
import { newPGlite } from '../../src/db/pglite.js';
import { prepareWebhookQueue } from '../../src/webhooks/worker.js';

export type TestDatabaseSource =
  | { kind: 'pglite'; dumpPath: string }
  | { kind: 'postgres'; serverUrl: string; template: string };

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseSource;
  }
}

/**
 * Migrates and seeds one database for the whole run; each test file then starts from a copy of it
 * (a PGlite dump, or CREATE DATABASE … TEMPLATE on PostgreSQL), so files are isolated and cheap.
 */
export default async function setup(project: TestProject) {
  const target = parseDatabaseUrl(process.env.DATABASE_URL ?? 'pglite:memory');
  if (target.kind === 'postgres') {
    const template = `clinicgraph_test_${process.pid}`;
    const admin = new pg.Client({ connectionString: target.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const url = new URL(target.url);
    url.pathname = `/${template}`;
    const db = await openDatabase({ kind: 'postgres', url: url.toString() });
    await db.migrate();
    await seedDemo(db.prisma, { production: false });
    await prepareWebhookQueue(db);
    await db.close();
    project.provide('testDatabase', { kind: 'postgres', serverUrl: target.url, template });
    return async () => {
      // Copies made by test files are dropped by them; the template goes last.
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${template}%`],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await admin.end();
    };
  }
  const pglite = newPGlite();
  const db = wrapPGlite(pglite);
  await db.migrate();
  await seedDemo(db.prisma, { production: false });
  await prepareWebhookQueue(db);
  const dump = await pglite.dumpDataDir('none');
  await db.close();
  const dir = await mkdtemp(path.join(tmpdir(), 'clinicgraph-test-'));
  const dumpPath = path.join(dir, 'seeded.tar');
  await writeFile(dumpPath, Buffer.from(await dump.arrayBuffer()));
  project.provide('testDatabase', { kind: 'pglite', dumpPath });
  return () => rm(dir, { recursive: true, force: true });
}
