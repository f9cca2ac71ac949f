import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { newPGlite } from '../../src/db/pglite.js';
import { openDatabase, wrapPGlite, type Database, type PostgresOptions } from '../../src/db/database.js';

/** A private copy of the seeded test database for one test file (`options` apply on PostgreSQL). */
export async function openTestDatabase(options: PostgresOptions = {}): Promise<Database> {
  const source = inject('testDatabase');
  if (source.kind === 'pglite') {
    const dump = await readFile(source.dumpPath);
    return wrapPGlite(newPGlite(undefined, { loadDataDir: new Blob([dump]) }));
  }
  const name = `${source.template}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: source.serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source.template}`);
  await admin.end();
  const url = new URL(source.serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString() }, options);
  let closing: Promise<void> | undefined;
  return {
    ...db,
    close: () =>
      (closing ??= (async () => {
        await db.close();
        const cleanup = new pg.Client({ connectionString: source.serverUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.end();
      })()),
  };
}

export interface DiskDatabase {
  db: Database;
  /** What DATABASE_URL must say for another client (the CLI) to reach the same database. */
  databaseUrl: string;
  /** The embedded database's directory, when it is one. */
  dataDir: string | null;
}

/**
 * A copy of the seeded database that a second client can open by URL: a PGlite data directory
 * (the caller holds it as the server would) or a PostgreSQL database.
 */
export async function openTestDatabaseOnDisk(): Promise<DiskDatabase> {
  const source = inject('testDatabase');
  if (source.kind === 'pglite') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'clinicgraph-disk-'));
    const dump = await readFile(source.dumpPath);
    const pglite = newPGlite(dataDir, { loadDataDir: new Blob([dump]) });
    const db = wrapPGlite(pglite, { kind: 'pglite', dataDir });
    return {
      db: { ...db, close: async () => { await db.close(); await rm(dataDir, { recursive: true, force: true }); } },
      databaseUrl: `pglite:${dataDir}`,
      dataDir,
    };
  }
  const db = await openTestDatabase();
  if (db.target.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
  return { db, databaseUrl: db.target.url, dataDir: null };
}
