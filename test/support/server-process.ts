import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { wrapPGlite } from '../../src/db/database.js';
import { projectRoot } from '../../src/db/migrate.js';
import { newPGlite } from '../../src/db/pglite.js';
import { openTestDatabase } from './database.js';

/** A seeded database a server process can open by URL: a PGlite directory, or a PostgreSQL copy. */
async function seededDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const source = inject('testDatabase');
  if (source.kind === 'pglite') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'clinicgraph-process-'));
    const db = wrapPGlite(newPGlite(dataDir, { loadDataDir: new Blob([await readFile(source.dumpPath)]) }), { kind: 'pglite', dataDir });
    await db.close();
    return { url: `pglite:${dataDir}`, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const db = await openTestDatabase();
  if (db.target.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
  return { url: db.target.url, cleanup: () => db.close() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The url of the `listening` log line, once stdout carries it. */
function listeningUrl(stdout: string): string | null {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'listening' && entry.url) return entry.url;
    } catch {
      // A line still being written.
    }
  }
  return null;
}

/**
 * `src/server.ts` as `npm start` runs it, in its own process on a copy of the seeded database: what
 * browser tests drive. stdout holds its JSON log lines, stderr the demo banner; `output` is both.
 */
export class ServerProcess {
  stdout = '';
  stderr = '';
  /** The server's origin, http://127.0.0.1:<port>. */
  url = '';
  databaseUrl = '';
  private child: ChildProcess | undefined;
  private cleanupDatabase: () => Promise<void> = async () => {};

  constructor(private readonly env: Record<string, string> = {}) {}

  get output(): string {
    return `${this.stdout}\n${this.stderr}`;
  }

  async start(): Promise<this> {
    const database = await seededDatabase();
    this.databaseUrl = database.url;
    this.cleanupDatabase = database.cleanup;
    // Another process can take the probed port before the server binds it: then try another one.
    for (let attempt = 1; ; attempt++) {
      try {
        this.url = await this.listen(await freePort());
        return this;
      } catch (error) {
        if (attempt >= 3 || !/EADDRINUSE/.test(this.output)) throw error;
        this.stdout = this.stderr = '';
      }
    }
  }

  /** Starts the server as `npm start` does (the bundle of src/) and resolves with its origin once it logs that it is listening. */
  private listen(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      // The server itself is the child (no npx or tsx wrapper process): stopping waits for it, not for a wrapper.
      const child = spawn(process.execPath, ['scripts/start.mjs'], {
        cwd: projectRoot,
        env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...this.env, PORT: String(port), DATABASE_URL: this.databaseUrl },
        // Its own process group, so anything it starts stops with it.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.child = child;
      const timer = setTimeout(() => reject(new Error(`The server did not start within 150 s. Its output:\n${this.output}`)), 150_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        this.stdout += chunk.toString('utf8');
        const url = listeningUrl(this.stdout);
        if (url) {
          clearTimeout(timer);
          resolve(new URL(url.replace('localhost', '127.0.0.1')).origin);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.stderr += chunk.toString('utf8');
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The server exited (${code}) before listening. Its output:\n${this.output}`));
      });
    });
  }

  /** SIGTERM (SIGKILL after 15 s), then the database copy goes; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    let code: number | null = child?.exitCode ?? null;
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      // The group may be gone already (it exited between the check and here): nothing left to stop.
      const signal = (name: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, name);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
        }
      };
      signal('SIGTERM');
      const killed = setTimeout(() => signal('SIGKILL'), 15_000);
      code = await exited;
      clearTimeout(killed);
    }
    await this.cleanupDatabase();
    return code;
  }
}
