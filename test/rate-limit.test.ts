import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import type { HardeningOptions } from '../src/http/hardening.js';
import { createApp, type App } from '../src/yoga.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
const apps: App[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await server.close();
});

function appWith(hardening: HardeningOptions): App {
  const app = createApp({ db: server.db, hardening });
  apps.push(app);
  return app;
}

interface Caller {
  key?: string;
  org?: string;
  address?: string;
}

async function ask(app: App, caller: Caller = {}) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${caller.key ?? demoSecret}`,
    'x-organization-id': caller.org ?? server.clinics[0]!.id,
  };
  if (caller.address) headers['x-forwarded-for'] = caller.address;
  const response = await app.yoga.fetch('http://yoga/graphql', { method: 'POST', headers, body: JSON.stringify({ query: '{ me { scopes } }' }) });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
  const header = (name: string) => response.headers.get(name);
  return {
    status: response.status,
    body,
    limit: header('x-ratelimit-limit'),
    remaining: header('x-ratelimit-remaining'),
    reset: header('x-ratelimit-reset'),
    retryAfter: header('retry-after'),
  };
}

describe('per installation, in memory', () => {
  it('sends X-RateLimit-Limit, -Remaining and -Reset (unix seconds) on every authenticated response', async () => {
    const app = appWith({ rateLimit: { points: 5, durationSeconds: 60 } });
    const before = Math.floor(Date.now() / 1000);
    const first = await ask(app);
    const after = Math.ceil(Date.now() / 1000);
    expect(first.status).toBe(200);
    expect(first.limit).toBe('5');
    expect(first.remaining).toBe('4');
    expect(Number(first.reset)).toBeGreaterThanOrEqual(before + 59);
    expect(Number(first.reset)).toBeLessThanOrEqual(after + 60);
    const second = await ask(app);
    expect(second.remaining).toBe('3');
    expect(second.reset).toBe(first.reset);

    // Errors of an authenticated request carry them too; a failed authentication does not.
    const invalid = await app.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    expect(invalid.headers.get('x-ratelimit-remaining')).toBe('2');
    expect((await ask(app, { key: 'cgk_live_0000000000000000000000000000000000000000' })).limit).toBeNull();
  });

  it('answers 429 RATE_LIMITED with Retry-After once the limit is spent, and nothing runs', async () => {
    const app = appWith({ rateLimit: { points: 3, durationSeconds: 60 } });
    for (let i = 0; i < 3; i++) expect((await ask(app)).status).toBe(200);
    const statements: string[] = [];
    const stop = server.db.onStatement((sql) => statements.push(sql));
    const refused = await ask(app);
    stop();
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(refused.body.errors?.[0]?.message).toMatch(/3 requests per 60 s for this app in this clinic\. Retry in \d+ s\./);
    expect(Number(refused.retryAfter)).toBeGreaterThan(50);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.remaining).toBe('0');
    expect(refused.limit).toBe('3');
    // Authentication only: the operation itself never ran.
    expect(statements).toHaveLength(1);
  });

  it('resets when the window ends', async () => {
    const app = appWith({ rateLimit: { points: 2, durationSeconds: 1 } });
    await ask(app);
    await ask(app);
    const refused = await ask(app);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    await sleep(1100);
    const again = await ask(app);
    expect(again.status).toBe(200);
    expect(again.remaining).toBe('1');
  });

  it('isolates installations: one app\'s flood does not limit another app, nor the same app in another clinic', async () => {
    const app = appWith({ rateLimit: { points: 3, durationSeconds: 60 } });
    const otherApp = await server.keyWith({ keyScopes: ['read:marketplace'] });
    for (let i = 0; i < 5; i++) await ask(app);
    expect((await ask(app)).status).toBe(429);
    const other = await ask(app, { key: otherApp });
    expect(other.status).toBe(200);
    expect(other.remaining).toBe('2');
    const otherClinic = await ask(app, { org: server.clinics[1]!.id });
    expect(otherClinic.status).toBe(200);
    expect(otherClinic.remaining).toBe('2');
  });
});

describe('failed authentications per client address', () => {
  it('answers 429 after too many failures from one address, and only that address', async () => {
    const app = appWith({ trustProxy: true, rateLimit: { authFailurePoints: 3, authFailureDurationSeconds: 60 } });
    const wrong = 'cgk_live_0000000000000000000000000000000000000000';
    for (let i = 0; i < 3; i++) expect((await ask(app, { key: wrong, address: '203.0.113.7' })).status).toBe(401);
    const refused = await ask(app, { key: wrong, address: '203.0.113.7' });
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(refused.body.errors?.[0]?.message).toContain('failed authentications from this address');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // The blocked address waits even with a valid key; another address is unaffected.
    expect((await ask(app, { address: '203.0.113.7' })).status).toBe(429);
    expect((await ask(app, { address: '198.51.100.1' })).status).toBe(200);
    expect((await ask(app, { key: wrong, address: '198.51.100.1' })).status).toBe(401);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const app = appWith({ trustProxy: false, rateLimit: { authFailurePoints: 2, authFailureDurationSeconds: 60 } });
    const wrong = 'cgk_live_1111111111111111111111111111111111111111';
    await ask(app, { key: wrong, address: '203.0.113.1' });
    await ask(app, { key: wrong, address: '203.0.113.2' });
    expect((await ask(app, { key: wrong, address: '203.0.113.3' })).status).toBe(429);
  });
});

describe('shared through Redis (REDIS_URL)', () => {
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const keyPrefix = `clinicgraph-test-${process.pid}-${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('two instances enforce one limit', async () => {
    const options = { rateLimit: { points: 6, durationSeconds: 60, redisUrl, keyPrefix } };
    const one = appWith(options);
    const two = appWith(options);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await ask(i % 2 ? two : one);
      expect(answer.status).toBe(200);
      remaining.push(answer.remaining);
    }
    expect(remaining).toEqual(['5', '4', '3', '2', '1', '0']);
    expect((await ask(one)).status).toBe(429);
    expect((await ask(two)).status).toBe(429);
    // A third instance started now sees the same spent budget.
    expect((await ask(appWith(options))).status).toBe(429);
  });

  it('keeps limiting per instance when Redis is unreachable', async () => {
    const app = appWith({ rateLimit: { points: 2, durationSeconds: 60, redisUrl: 'redis://127.0.0.1:1', keyPrefix } });
    expect((await ask(app)).status).toBe(200);
    expect((await ask(app)).status).toBe(200);
    expect((await ask(app)).status).toBe(429);
  });
});
