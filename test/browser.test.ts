import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { wrapPGlite } from '../src/db/database.js';
import { projectRoot } from '../src/db/migrate.js';
import { newPGlite } from '../src/db/pglite.js';
import { demoAppSlug } from '../src/demo/seed.js';
import { openTestDatabase } from './support/database.js';

/**
 * GraphiQL as a developer meets it: the real server process, a real (headless) Chromium, the page's
 * own scripts, and the demo headers the server pre-fills. No network beyond the server: GraphiQL's
 * assets are served inline.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotPath = path.join(projectRoot, 'test-results', 'graphiql-me.png');

let server: ChildProcess | undefined;
let output = '';
let browser: Browser | undefined;
let cleanupDatabase: () => Promise<void> = async () => {};

/** A seeded database the server process can open by URL: a PGlite directory, or a PostgreSQL copy. */
async function seededDatabaseUrl(): Promise<string> {
  const source = inject('testDatabase');
  if (source.kind === 'pglite') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'clinicgraph-browser-'));
    const db = wrapPGlite(newPGlite(dataDir, { loadDataDir: new Blob([await readFile(source.dumpPath)]) }), { kind: 'pglite', dataDir });
    await db.close();
    cleanupDatabase = () => rm(dataDir, { recursive: true, force: true });
    return `pglite:${dataDir}`;
  }
  const db = await openTestDatabase();
  if (db.target.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
  cleanupDatabase = () => db.close();
  return db.target.url;
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

/** Starts `src/server.ts` (through tsx's loader) and resolves with its URL once it prints that it is listening. */
function startServer(port: number, databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // The server itself is the child (no npx or tsx wrapper process): stopping waits for it, not for a wrapper.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectRoot,
      env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, NODE_ENV: 'development' },
      // Its own process group, so anything it starts stops with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    const timer = setTimeout(() => reject(new Error(`The server did not start within 150 s. Its output:\n${output}`)), 150_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const listening = /listening on (http:\/\/\S+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code}) before listening. Its output:\n${output}`));
    });
  });
}

async function stopServer(): Promise<void> {
  const child = server;
  if (!child?.pid || child.exitCode !== null) return;
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

/** Another process can take the probed port before the server binds it: then try another one. */
async function startServerOnFreePort(databaseUrl: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer(await freePort(), databaseUrl);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(output)) throw error;
      output = '';
    }
  }
}

let url: string;
beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  url = await startServerOnFreePort(await seededDatabaseUrl());
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stopServer();
  await cleanupDatabase();
}, 60_000);

describe('GraphiQL in a real browser', () => {
  it('runs `me` with the demo headers it is pre-filled with, and shows the answer', async () => {
    const organization = /X-Organization-Id: (org_\w+)/.exec(output)?.[1];
    expect(organization, output).toBeTruthy();

    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const outside: string[] = [];
    page.on('request', (request) => {
      const requested = new URL(request.url());
      if (!['blob:', 'data:'].includes(requested.protocol) && requested.host !== new URL(url).host) outside.push(request.url());
    });

    await page.goto(url, { waitUntil: 'load', timeout: 90_000 });
    await page.waitForSelector('.graphiql-execute-button', { timeout: 90_000 });
    // The headers editor holds the demo key and clinic the server printed.
    await page.waitForFunction((org) => document.body.innerText.includes(org), organization!, { timeout: 30_000 });

    await page.click('.graphiql-execute-button');
    const response = page.locator('.graphiql-response');
    await response.getByText(`"${demoAppSlug}"`).waitFor({ timeout: 60_000 });
    const shown = (await response.textContent())!.replace(/\s+/g, ' ');
    expect(shown).toContain(`"slug": "${demoAppSlug}"`);
    expect(shown).toContain(`"id": "${organization}"`);
    expect(shown).not.toContain('"errors"');

    await mkdir(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    expect(outside, 'GraphiQL must load nothing from outside the server').toEqual([]);
  }, 180_000);
});
