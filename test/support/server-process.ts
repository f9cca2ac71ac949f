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
    const dataDir = await mkdtemp(path.join(tmpdir(), 'clinicgraph-browser-'));
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

/**
 * `src/server.ts` as `npm start` runs it, in its own process on a copy of the seeded database: what
 * browser tests drive. `output` is everything it printed (the demo banner included).
 */
export class ServerProcess {
  output = '';
  url = '';
  databaseUrl = '';
  private child: ChildProcess | undefined;
  private cleanupDatabase: () => Promise<void> = async () => {};

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
        this.output = '';
      }
    }
  }

  /** Starts the server (through tsx's loader) and resolves with its URL once it prints that it is listening. */
  private listen(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      // The server itself is the child (no npx or tsx wrapper process): stopping waits for it, not for a wrapper.
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: projectRoot,
        env: { ...process.env, PORT: String(port), DATABASE_URL: this.databaseUrl, NODE_ENV: 'development' },
        // Its own process group, so anything it starts stops with it.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.child = child;
      const timer = setTimeout(() => reject(new Error(`The server did not start within 150 s. Its output:\n${this.output}`)), 150_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString('utf8');
        const listening = /listening on (http:\/\/\S+)/.exec(this.output);
        if (listening) {
          clearTimeout(timer);
          resolve(new URL(listening[1]!.replace('localhost', '127.0.0.1')).origin);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The server exited (${code}) before listening. Its output:\n${this.output}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
      await exited;
      clearTimeout(killed);
    }
    await this.cleanupDatabase();
  }
}
