import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection for state instances share (rate limits, persisted queries). No offline queue:
 * while Redis is away, commands fail at once and the caller falls back to this instance's own state,
 * which is what `unavailable` says (once per outage) in the log.
 */
export function sharedRedis(options: { url: string; logger: Logger; unavailable: string }): { redis: Redis; close(): Promise<void> } {
  const redis = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) options.logger.warn({ err: { name: error.name, message: error.message } }, options.unavailable);
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  return { redis, close: () => redis.quit().then(() => undefined, () => redis.disconnect()) };
}
