import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AccountsConfig } from './config.js';

/**
 * Failed sign-ins counted per account and per client address (rate-limiter-flexible, fixed window).
 * A refused attempt is not even verified, so a guesser spends no argon2 time of ours and learns
 * nothing; a success clears the account's count. With REDIS_URL every instance counts together
 * (falling back to its own memory while Redis is away), like the API's rate limits.
 */
export interface SignInThrottle {
  /** Seconds until the next attempt may be tried, or 0. */
  retryAfter(account: string, address: string): Promise<number>;
  failed(account: string, address: string): Promise<void>;
  succeeded(account: string): Promise<void>;
  close(): Promise<void>;
}

export interface ThrottleStore {
  redisUrl: string | null;
  keyPrefix: string;
}

/** Limiter keys never hold an email address or a client address, only their hashes. */
const keyOf = (value: string) => createHash('sha256').update(value).digest('base64url');

export function createSignInThrottle(config: AccountsConfig['signIn'], store: ThrottleStore = { redisUrl: null, keyPrefix: 'clinicgraph' }): SignInThrottle {
  // No offline queue: while Redis is away, commands fail at once and the in-memory insurance limiter answers.
  const redis = store.redisUrl ? new Redis(store.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }) : null;
  redis?.on('error', () => {
    // Reported by the API's limiters on the same Redis; here the insurance limiter takes over silently.
  });
  // Until the connection is up every command would fail over to this instance's memory: the first attempts wait for it (2 s at most).
  const ready = redis
    ? new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000).unref();
        const settle = () => {
          clearTimeout(timer);
          resolve();
        };
        redis.once('ready', settle);
        redis.once('error', settle);
      })
    : Promise.resolve();
  const limiter = (name: string, points: number): RateLimiterAbstract => {
    const options = { points, duration: config.windowSeconds, keyPrefix: `${store.keyPrefix}:signin:${name}` };
    const memory = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory }) : memory;
  };
  const accounts = limiter('account', config.accountPoints);
  const addresses = limiter('address', config.addressPoints);
  const wait = async (target: RateLimiterAbstract, key: string, points: number) => {
    await ready;
    const state = await target.get(keyOf(key));
    return state && state.consumedPoints >= points ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  };
  return {
    async retryAfter(account, address) {
      return Math.max(await wait(accounts, account, config.accountPoints), await wait(addresses, address, config.addressPoints));
    },
    async failed(account, address) {
      await ready;
      await Promise.all([accounts.penalty(keyOf(account)), addresses.penalty(keyOf(address))]);
    },
    async succeeded(account) {
      await accounts.delete(keyOf(account));
    },
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
