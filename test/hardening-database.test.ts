import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { closeGracefully } from '../src/http/shutdown.js';
import { createApp as createMarketplaceApp, createKey, createOrganization, installApp } from '../src/marketplace/service.js';
import { createApp, type App } from '../src/yoga.js';

/**
 * A database on the local PostgreSQL reached through a TCP proxy this test starts and stops, so the
 * database can "go away" and "come back" while the app keeps running.
 */
const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';
const databaseName = `clinicgraph_outage_${process.pid}_${randomBytes(3).toString('hex')}`;

class DatabaseProxy {
  private server: TcpServer | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    const upstream = new URL(serverUrl);
    this.server = createTcpServer((client) => {
      const target = connect(Number(upstream.port || 5432), upstream.hostname);
      for (const socket of [client, target]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(target).pipe(client);
      client.on('close', () => target.destroy());
      target.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The database "goes away": open connections drop and new ones are refused. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.server = null;
  }
}

const proxy = new DatabaseProxy();
let admin: pg.Client;
let db: Database;
let app: App;
let secret = '';
let organizationId = '';

async function applyMigrations(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const folder = path.resolve('prisma/migrations');
  for (const entry of (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    await client.query(await readFile(path.join(folder, entry, 'migration.sql'), 'utf8'));
  }
  await client.end();
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  const direct = new URL(serverUrl);
  direct.pathname = `/${databaseName}`;
  await applyMigrations(direct.toString());

  await proxy.start();
  const viaProxy = new URL(direct);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  db = await openDatabase({ kind: 'postgres', url: viaProxy.toString() }, { statementTimeoutMs: 400, connectionTimeoutMs: 1000, replicaUrls: [] });
  const organization = await createOrganization(db.prisma, 'Outage Clinic');
  organizationId = organization.id;
  await createMarketplaceApp(db.prisma, { slug: 'outage-app', name: 'Outage App', scopes: ['read:patients', 'read:marketplace'] });
  await installApp(db.prisma, { slug: 'outage-app', organizationId });
  secret = (await createKey(db.prisma, { slug: 'outage-app' })).secret;
  app = createApp({ db, hardening: { logLevel: 'silent' } });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await proxy.stop().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
});

async function ask(query = '{ me { scopes } }', target: App = app) {
  const started = performance.now();
  const response = await target.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'x-organization-id': organizationId },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return {
    status: response.status,
    ms: performance.now() - started,
    retryAfter: response.headers.get('retry-after'),
    text,
    body: JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions: Record<string, unknown> }[] },
  };
}

describe('when the database is unreachable', () => {
  it('requests fail fast with 503 and a clear error, /ready says so, and the server recovers by itself', async () => {
    expect((await ask()).status).toBe(200);

    await proxy.stop();
    for (let i = 0; i < 3; i++) {
      const down = await ask();
      expect(down.status).toBe(503);
      expect(down.ms).toBeLessThan(1500);
      expect(down.retryAfter).toBe('5');
      expect(down.body.errors?.[0]).toMatchObject({
        message: 'The database is unavailable. Retry in 5 seconds.',
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_UNAVAILABLE' },
      });
      expect(down.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|prisma|5432/i);
    }
    const notReady = await app.yoga.fetch('http://yoga/ready');
    expect(notReady.status).toBe(503);

    await proxy.start();
    const back = await ask();
    expect(back.status).toBe(200);
    expect(back.body.errors).toBeUndefined();
    expect((await app.yoga.fetch('http://yoga/ready')).status).toBe(200);
  });

  it('a failure after authentication (a replica gone) answers the same clear error, not "Unexpected error."', async () => {
    const gone = await openDatabase({ kind: 'postgres', url: 'postgresql://root@127.0.0.1:1/none' }, { connectionTimeoutMs: 500, replicaUrls: [] });
    const withDeadReader = createApp({ db: { ...db, reader: () => gone.prisma }, hardening: { logLevel: 'silent' } });
    try {
      const answer = await ask('{ patients(first: 1) { totalCount } }', withDeadReader);
      expect(answer.body.errors?.[0]?.message).toBe('The database is unavailable. Retry in 5 seconds.');
      expect(answer.body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(answer.status).toBe(503);
    } finally {
      await withDeadReader.close();
      await gone.close();
    }
  });
});

describe('statement timeout (DATABASE_STATEMENT_TIMEOUT_MS on PostgreSQL)', () => {
  it('a statement stuck past the timeout is cancelled and answered with a clear error', async () => {
    const direct = new URL(serverUrl);
    direct.pathname = `/${databaseName}`;
    const locker = new pg.Client({ connectionString: direct.toString() });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Patient" IN ACCESS EXCLUSIVE MODE');
      const answer = await ask('{ patients(first: 1) { totalCount } }');
      expect(answer.ms).toBeLessThan(3000);
      expect(answer.body.data).toEqual({ patients: null });
      expect(answer.body.errors?.[0]).toMatchObject({
        message: expect.stringContaining('took too long to answer and the query was cancelled'),
        extensions: { code: 'TIMEOUT', reason: 'STATEMENT_TIMEOUT' },
      });
      expect(answer.text).not.toMatch(/57014|canceling statement|Patient"/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await ask('{ patients(first: 1) { totalCount } }')).body.errors).toBeUndefined();
  });
});

describe('over a real socket', () => {
  it('limits failed authentications by the socket address', async () => {
    const limited = createApp({ db, hardening: { logLevel: 'silent', rateLimit: { authFailurePoints: 2 } } });
    const http = createHttpServer(limited.yoga);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(url, {
          method: 'POST',
          // A spoofed X-Forwarded-For changes nothing without TRUST_PROXY.
          headers: { 'content-type': 'application/json', authorization: 'Bearer nope', 'x-forwarded-for': `10.0.0.${i}` },
          body: '{"query":"{ me { scopes } }"}',
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await closeGracefully(http, 1000);
      await limited.close();
    }
  });
});

describe('graceful shutdown', () => {
  async function listen(handler: (respond: () => void) => void): Promise<{ server: Server; url: string }> {
    const server = createHttpServer((_request, response) => handler(() => response.end('done')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
  }

  it('lets in-flight requests finish and refuses new connections', async () => {
    const { server, url } = await listen((respond) => setTimeout(respond, 300));
    const inFlight = fetch(url).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = closeGracefully(server, 2000);
    await expect(fetch(url)).rejects.toThrow();
    expect(await inFlight).toBe('done');
    expect(await closing).toBe(true);
  });

  it('cuts requests still running after the timeout', async () => {
    const { server, url } = await listen(() => {});
    const stuck = fetch(url).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    expect(await closeGracefully(server, 200)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await stuck).toBe('cut');
  });
});
