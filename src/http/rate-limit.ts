import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { HardeningConfig } from './config.js';
import type { RateLimitState } from './request-state.js';

/**
 * rate-limiter-flexible, fixed window per key: the window opens at a key's first request and lasts
 * RATE_LIMIT_DURATION seconds; its count is one atomic INCR (+PEXPIRE) in Redis when REDIS_URL is set,
 * so every instance draws on the same budget. A caller can burst up to 2× the limit across a window
 * boundary; a sliding window would cost a sorted set per key and several commands per request.
 * If Redis fails, each instance falls back to an in-memory limiter (insuranceLimiter) rather than
 * refusing or admitting everything.
 */
export interface Limiters {
  /** Requests of one installation (app × clinic). */
  installation: RateLimiterAbstract;
  /** Failed authentications of one client address. */
  authFailures: RateLimiterAbstract;
  shared: boolean;
  /** Settles once the store has connected or failed to (bounded): the first requests wait for it. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function createLimiters(config: HardeningConfig['rateLimit'], logger: Logger): Limiters {
  const installationOptions = { points: config.points, duration: config.durationSeconds, keyPrefix: `${config.keyPrefix}:rl:installation` };
  const authOptions = {
    points: config.authFailurePoints,
    duration: config.authFailureDurationSeconds,
    keyPrefix: `${config.keyPrefix}:rl:auth-failure`,
  };
  if (!config.redisUrl) {
    return {
      installation: new RateLimiterMemory(installationOptions),
      authFailures: new RateLimiterMemory(authOptions),
      shared: false,
      ready: Promise.resolve(),
      close: async () => {},
    };
  }
  // No offline queue: while Redis is away, commands fail at once and the in-memory insurance limiter answers.
  const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) logger.warn({ err: { name: error.name, message: error.message } }, 'rate limiter: Redis unavailable, limiting per instance');
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
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
  return {
    installation: new RateLimiterRedis({
      ...installationOptions,
      storeClient: redis,
      insuranceLimiter: new RateLimiterMemory(installationOptions),
    }),
    authFailures: new RateLimiterRedis({ ...authOptions, storeClient: redis, insuranceLimiter: new RateLimiterMemory(authOptions) }),
    shared: true,
    ready,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export function rateLimitState(limit: number, result: RateLimiterRes, refused: boolean): RateLimitState {
  const msBeforeNext = Math.max(0, result.msBeforeNext);
  return {
    limit,
    remaining: Math.max(0, result.remainingPoints),
    resetAt: Math.ceil((Date.now() + msBeforeNext) / 1000),
    ...(refused ? { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) } : {}),
  };
}

/** Consumes one point; resolves with the state either way (a store failure without insurance rethrows). */
export async function consume(limiter: RateLimiterAbstract, key: string, limit: number): Promise<RateLimitState> {
  try {
    return rateLimitState(limit, await limiter.consume(key), false);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rateLimitState(limit, rejection, true);
    throw rejection;
  }
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.resetAt),
    ...(state.retryAfterSeconds ? { 'Retry-After': String(state.retryAfterSeconds) } : {}),
  };
}
