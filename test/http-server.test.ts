import { connect, type AddressInfo } from 'node:net';
import { request as httpRequest, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { readServerConfig } from '../src/http/config.js';
import { createHttpServer } from '../src/http/server.js';
import { createApp, type App } from '../src/yoga.js';
import { startTestServer, type TestServer } from './support/app.js';

/** The app behind a real listening socket, as clients and load balancers meet it (not yoga.fetch). */
let server: TestServer;
let app: App;
let http: Server;
let base: string;

function listen(target: Server): Promise<string> {
  return new Promise((resolve) => target.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(target.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  server = await startTestServer();
  app = createApp({ db: server.db, hardening: { rateLimit: { points: 2, durationSeconds: 60 } } });
  http = createHttpServer(app.yoga, readServerConfig({}));
  base = await listen(http);
});
afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await app.close();
  await server.close();
});

const post = (headers: Record<string, string> = {}) =>
  fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id, ...headers },
    body: JSON.stringify({ query: '{ me { scopes } }' }),
  });

describe('a 429 over HTTP', () => {
  it('carries each rate-limit header once, and a Retry-After that Number() reads', async () => {
    for (let i = 0; i < 2; i++) expect((await post()).status).toBe(200);
    const refused = await post();
    await refused.text();
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(refused.headers.get(name), name).toMatch(/^\d+$/);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('2');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    // Raw header lines: none twice, whatever its case.
    const raw = await new Promise<string[]>((resolve, reject) => {
      const request = httpRequest(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()));
      });
      request.on('error', reject);
      request.end(JSON.stringify({ query: '{ me { scopes } }' }));
    });
    expect(raw).toContain('retry-after');
    expect(raw.filter((name, i) => raw.indexOf(name) !== i)).toEqual([]);
  });
});

describe('socket timeouts', () => {
  it('default to keep-alive 65 s, headers 66 s, request 66 s, and follow the environment', () => {
    expect(readServerConfig({})).toMatchObject({ keepAliveTimeoutMs: 65_000, headersTimeoutMs: 66_000, requestTimeoutMs: 66_000 });
    expect(readServerConfig({ KEEP_ALIVE_TIMEOUT_MS: '120000' })).toMatchObject({ keepAliveTimeoutMs: 120_000, headersTimeoutMs: 121_000, requestTimeoutMs: 121_000 });
    expect(() => readServerConfig({ KEEP_ALIVE_TIMEOUT_MS: '70000', HEADERS_TIMEOUT_MS: '60000' })).toThrow(/HEADERS_TIMEOUT_MS \(60000\) must be longer than KEEP_ALIVE_TIMEOUT_MS/);
    expect(() => readServerConfig({ HEADERS_TIMEOUT_MS: '90000', REQUEST_TIMEOUT_MS: '80000' })).toThrow(/REQUEST_TIMEOUT_MS \(80000\) must be at least/);
    expect(http.keepAliveTimeout).toBe(65_000);
    expect(http.headersTimeout).toBe(66_000);
  });

  it('an idle keep-alive connection outlives Node\'s 5 s default and is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
    // Short values keep the test fast; the property is the same: reusable while idle within it, closed after.
    // A raw socket, since Node's own agent drops sockets early on the server's Keep-Alive hint.
    const short = createHttpServer(app.yoga, readServerConfig({ KEEP_ALIVE_TIMEOUT_MS: '1500' }));
    const url = new URL(await listen(short));
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    const responses = () => received.split('HTTP/1.1 200').length - 1;
    const ask = async (expected: number) => {
      socket.write(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
      while (responses() < expected) await sleep(10);
    };
    try {
      await ask(1);
      await sleep(1000);
      await ask(2);
      const answered = performance.now();
      const closedAt = await closed;
      expect(closedAt - answered).toBeGreaterThan(1300);
      expect(closedAt - answered).toBeLessThan(5000);
    } finally {
      socket.destroy();
      short.closeAllConnections();
      await new Promise((resolve) => short.close(resolve));
    }
  });
});
