import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { HardeningConfig } from './config.js';
import type { RateLimitState } from './request-state.js';
import { sharedRedis } from './redis.js';
import { memorySlidingWindow, redisSlidingWindow, type SlidingWindowLimiter } from './sliding-window.js';

/**
 * Two limits. Requests of an installation: a sliding window (src/http/sliding-window.ts), at most
 * RATE_LIMIT_POINTS in any RATE_LIMIT_DURATION seconds. Failed authentications of a client address:
 * rate-limiter-flexible's fixed window (a brute-force guard, where a boundary burst matters less).
 * With REDIS_URL both count in Redis, so every instance draws on the same budget. If Redis fails,
 * each instance falls back to counting in memory rather than refusing or admitting everything.
 */
export interface Limiters {
  /** Requests of one installation (app × clinic). */
  installation: SlidingWindowLimiter;
  /** Failed authentications of one client address. */
  authFailures: RateLimiterAbstract;
  shared: boolean;
  /** Settles once the store has connected or failed to (bounded): the first requests wait for it. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function createLimiters(config: HardeningConfig['rateLimit'], logger: Logger): Limiters {
  const windowOptions = { points: config.points, windowMs: config.durationSeconds * 1000 };
  const authOptions = {
    points: config.authFailurePoints,
    duration: config.authFailureDurationSeconds,
    keyPrefix: `${config.keyPrefix}:rl:auth-failure`,
  };
  const inMemory = memorySlidingWindow(windowOptions);
  if (!config.redisUrl) {
    return {
      installation: inMemory,
      authFailures: new RateLimiterMemory(authOptions),
      shared: false,
      ready: Promise.resolve(),
      close: async () => inMemory.close(),
    };
  }
  const { redis, close } = sharedRedis({ url: config.redisUrl, logger, unavailable: 'rate limiter: Redis unavailable, limiting per instance' });
  // Without this, requests arriving while the connection opens would each be limited per instance.
  const ready = new Promise<void>((resolve) => {
    const settle = () => {
      clearTimeout(timer);
      redis.off('ready', settle);
      redis.off('error', settle);
      resolve();
    };
    const timer = setTimeout(settle, 2000).unref();
    redis.once('ready', settle);
    redis.once('error', settle);
  });
  const shared = redisSlidingWindow(redis, { ...windowOptions, keyPrefix: `${config.keyPrefix}:rl:window:installation` });
  return {
    installation: {
      // Redis unreachable (the error listener above says so once): this instance counts alone until it returns.
      consume: (key) => shared.consume(key).catch(() => inMemory.consume(key)),
    },
    authFailures: new RateLimiterRedis({ ...authOptions, storeClient: redis, insuranceLimiter: new RateLimiterMemory(authOptions) }),
    shared: true,
    ready,
    close: async () => {
      inMemory.close();
      await close();
    },
  };
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.resetAt),
    ...(state.retryAfterSeconds ? { 'Retry-After': String(state.retryAfterSeconds) } : {}),
  };
}
