import type { Redis } from 'ioredis';
import type { RateLimitState } from './request-state.js';

/**
 * A sliding-window request limit: at most `points` requests in ANY `windowMs` span, not just per fixed
 * window (a fixed window lets a burst across its boundary pass twice the limit).
 *
 * Requests are counted in buckets of windowMs / 60 (1 s for a minute). A request is admitted when the
 * buckets that can hold requests of the last window — the current one and the 60 before it — hold
 * fewer than `points`. Counting the oldest bucket whole is conservative (a slot frees up to one bucket
 * late), which is what makes the ceiling hold in every window; it keeps 61 counters per key instead of
 * one timestamp per request (a sorted set of 1,000 members per installation in Redis).
 *
 * Written here because the libraries at hand do not hold the ceiling: rate-limiter-flexible has fixed
 * windows only (its BurstyRateLimiter adds a burst allowance on top), and rolling-rate-limiter records
 * refused attempts too, so a client that keeps retrying stays blocked and grows its key without bound
 * (each check then reads every timestamp back from Redis).
 */
export const bucketsPerWindow = 60;

export interface SlidingWindowOptions {
  points: number;
  windowMs: number;
}

export interface SlidingWindowLimiter {
  /** Counts one request of `key` if the window has room; the state says whether it was admitted. */
  consume(key: string): Promise<RateLimitState>;
}

interface Tally {
  admitted: boolean;
  /** Requests counted in the window, this one included when admitted. */
  count: number;
  /** Index of the oldest bucket holding a request (the current one when there is none). */
  oldest: number;
  nowMs: number;
}

function stateOf(tally: Tally, { points, windowMs }: SlidingWindowOptions): RateLimitState {
  const bucketMs = windowMs / bucketsPerWindow;
  // The oldest bucket stops counting once the current bucket is more than 60 buckets past it.
  const freesAtMs = (tally.oldest + bucketsPerWindow + 1) * bucketMs;
  return {
    limit: points,
    remaining: Math.max(0, points - tally.count),
    resetAt: Math.ceil(freesAtMs / 1000),
    ...(tally.admitted ? {} : { retryAfterSeconds: Math.max(1, Math.ceil((freesAtMs - tally.nowMs) / 1000)) }),
  };
}

/** One process's counts (no REDIS_URL, or the fallback while Redis is unreachable). */
export function memorySlidingWindow(options: SlidingWindowOptions, now: () => number = Date.now): SlidingWindowLimiter & { close(): void } {
  const bucketMs = options.windowMs / bucketsPerWindow;
  const keys = new Map<string, Map<number, number>>();
  // Keys idle for a whole window hold nothing that still counts.
  const sweep = setInterval(() => {
    const current = Math.floor(now() / bucketMs);
    for (const [key, buckets] of keys) if (Math.max(...buckets.keys()) < current - bucketsPerWindow) keys.delete(key);
  }, Math.max(1000, options.windowMs));
  sweep.unref();
  return {
    consume: async (key) => {
      const nowMs = now();
      const current = Math.floor(nowMs / bucketMs);
      let buckets = keys.get(key);
      if (!buckets) keys.set(key, (buckets = new Map()));
      let count = 0;
      let oldest = current;
      for (const [bucket, n] of buckets) {
        if (bucket < current - bucketsPerWindow) buckets.delete(bucket);
        else {
          count += n;
          oldest = Math.min(oldest, bucket);
        }
      }
      const admitted = count < options.points;
      if (admitted) {
        buckets.set(current, (buckets.get(current) ?? 0) + 1);
        count += 1;
      }
      return stateOf({ admitted, count, oldest, nowMs }, options);
    },
    close: () => clearInterval(sweep),
  };
}

/**
 * The same count in a Redis hash (bucket → requests), read and updated by one script: atomic across
 * instances, on Redis's clock so instances with skewed clocks agree.
 */
const slidingWindowScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucketMs = tonumber(ARGV[1])
local buckets = tonumber(ARGV[2])
local points = tonumber(ARGV[3])
local current = math.floor(now / bucketMs)
local fields = redis.call('HGETALL', KEYS[1])
local count = 0
local oldest = current
for i = 1, #fields, 2 do
  local bucket = tonumber(fields[i])
  if bucket < current - buckets then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    count = count + tonumber(fields[i + 1])
    if bucket < oldest then oldest = bucket end
  end
end
local admitted = 0
if count < points then
  redis.call('HINCRBY', KEYS[1], string.format('%d', current), 1)
  redis.call('PEXPIRE', KEYS[1], math.ceil(bucketMs * (buckets + 2)))
  count = count + 1
  admitted = 1
end
return { admitted, count, oldest, now }
`;

type SlidingWindowRedis = Redis & {
  clinicgraphSlidingWindow(key: string, bucketMs: string, buckets: string, points: string): Promise<[number, number, number, number]>;
};

export function redisSlidingWindow(redis: Redis, options: SlidingWindowOptions & { keyPrefix: string }): SlidingWindowLimiter {
  if (!('clinicgraphSlidingWindow' in redis)) redis.defineCommand('clinicgraphSlidingWindow', { numberOfKeys: 1, lua: slidingWindowScript });
  const scripted = redis as SlidingWindowRedis;
  const bucketMs = String(options.windowMs / bucketsPerWindow);
  return {
    consume: async (key) => {
      const [admitted, count, oldest, nowMs] = await scripted.clinicgraphSlidingWindow(
        `${options.keyPrefix}:${key}`,
        bucketMs,
        String(bucketsPerWindow),
        String(options.points),
      );
      return stateOf({ admitted: admitted === 1, count, oldest, nowMs }, options);
    },
  };
}
