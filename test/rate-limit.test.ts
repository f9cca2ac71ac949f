import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import type { HardeningOptions } from '../src/http/hardening.js';
import { memorySlidingWindow } from '../src/http/sliding-window.js';
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
    expect(Number(first.reset)).toBeLessThanOrEqual(after + 61);
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
    // The window counts in 1 s buckets, the oldest whole: a slot frees at most one bucket late.
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(61);
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
    // The oldest request's bucket (1/60 of the window) stops counting within window + one bucket,
    // 1,017 ms here: whole seconds round that up to 2 when the requests came early in their bucket.
    expect(['1', '2']).toContain(refused.retryAfter);
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

/** The most admitted requests found in any span of `spanMs` (admission times sorted). */
function busiestSpan(times: number[], spanMs: number): number {
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= spanMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('a sliding window: the ceiling holds in any window, not per fixed window', () => {
  it('a burst across a window boundary does not pass twice the limit (fake clock)', async () => {
    let now = 1_000_000;
    const limiter = memorySlidingWindow({ points: 5, windowMs: 1000 }, () => now);
    try {
      // Quiet, then 5 requests at the end of one window and a burst right after its boundary.
      now += 990;
      for (let i = 0; i < 5; i++) expect((await limiter.consume('k')).retryAfterSeconds).toBeUndefined();
      now += 20;
      const burst = [];
      for (let i = 0; i < 5; i++) burst.push(await limiter.consume('k'));
      expect(burst.every((state) => state.retryAfterSeconds === 1 && state.remaining === 0)).toBe(true);
      // A steady stream every 10 ms for 5 s: never more than 5 in any 1 s, yet the budget is used.
      const admitted: number[] = [];
      for (let i = 0; i < 500; i++) {
        now += 10;
        if (!(await limiter.consume('k')).retryAfterSeconds) admitted.push(now);
      }
      expect(busiestSpan(admitted, 1000)).toBe(5);
      // The first slot frees at 2.0 s, then each about every 1.01 s: 4 rounds of 5 before 6 s.
      expect(admitted.length).toBeGreaterThanOrEqual(20);
      // Another key has its own budget.
      expect((await limiter.consume('other')).remaining).toBe(4);
    } finally {
      limiter.close();
    }
  });

  it('says when a slot frees: Retry-After and X-RateLimit-Reset follow the oldest counted request', async () => {
    let now = 60_000 * 1000;
    const limiter = memorySlidingWindow({ points: 2, windowMs: 60_000 }, () => now);
    try {
      const first = await limiter.consume('k');
      expect(first).toEqual({ limit: 2, remaining: 1, resetAt: 60_000 + 61 });
      now += 30_000;
      expect(await limiter.consume('k')).toEqual({ limit: 2, remaining: 0, resetAt: 60_000 + 61 });
      now += 10_000;
      expect(await limiter.consume('k')).toEqual({ limit: 2, remaining: 0, resetAt: 60_000 + 61, retryAfterSeconds: 21 });
      now += 21_000;
      // The first request left the window: one slot, and the next to free is the second request's.
      expect(await limiter.consume('k')).toEqual({ limit: 2, remaining: 0, resetAt: 60_000 + 30 + 61 });
    } finally {
      limiter.close();
    }
  });

  it('over HTTP: requests sent without pause for 2.5 s pass at most the limit in any window', async () => {
    const app = appWith({ rateLimit: { points: 3, durationSeconds: 1 } });
    const admitted: number[] = [];
    const started = performance.now();
    while (performance.now() - started < 2500) {
      const answer = await ask(app);
      if (answer.status === 200) admitted.push(performance.now());
      else expect(answer.status).toBe(429);
    }
    // Response times lag admission by a few ms: a span slightly under the window still must not see more.
    expect(busiestSpan(admitted, 900)).toBeLessThanOrEqual(3);
    expect(admitted.length).toBeGreaterThanOrEqual(6);
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

  it('holds the ceiling in any window across instances', async () => {
    const options = { rateLimit: { points: 3, durationSeconds: 1, redisUrl, keyPrefix: `${keyPrefix}-window` } };
    const instances = [appWith(options), appWith(options)];
    const admitted: number[] = [];
    const started = performance.now();
    for (let i = 0; performance.now() - started < 2500; i++) {
      const answer = await ask(instances[i % 2]!);
      if (answer.status === 200) admitted.push(performance.now());
    }
    expect(busiestSpan(admitted, 900)).toBeLessThanOrEqual(3);
    expect(admitted.length).toBeGreaterThanOrEqual(6);
  });

  it('keeps limiting per instance when Redis is unreachable', async () => {
    const app = appWith({ rateLimit: { points: 2, durationSeconds: 60, redisUrl: 'redis://127.0.0.1:1', keyPrefix } });
    expect((await ask(app)).status).toBe(200);
    expect((await ask(app)).status).toBe(200);
    expect((await ask(app)).status).toBe(429);
  });
});
