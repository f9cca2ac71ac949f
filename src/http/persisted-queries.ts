import { createInMemoryAPQStore, useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { sharedRedis } from './redis.js';
import type { Logger } from 'pino';
import type { HardeningConfig } from './config.js';
import { stateOf } from './request-state.js';

export interface PersistedQueries {
  plugin: Plugin;
  close(): Promise<void>;
}

/**
 * Redis behind the in-memory LRU: an instance answers the hashes it has seen from memory, and learns
 * from Redis the ones another instance registered. Redis being away is a miss (the client then sends
 * the whole query, which costs a round trip, not an error), and a failed write is dropped.
 */
function sharedStore(options: { redis: Redis; local: APQStore; prefix: string; ttlSeconds: number }): APQStore {
  const { redis, local, prefix, ttlSeconds } = options;
  return {
    async get(hash) {
      const known = await local.get(hash);
      if (known) return known;
      const shared = await redis.get(`${prefix}${hash}`).catch(() => null);
      if (shared) await local.set(hash, shared);
      return shared;
    },
    async set(hash, query) {
      await local.set(hash, query);
      await redis.set(`${prefix}${hash}`, query, 'EX', ttlSeconds).catch(() => undefined);
    },
  };
}

/**
 * Automatic persisted queries (Apollo's protocol, @graphql-yoga/plugin-apq): a client sends the SHA-256
 * of a query; an unknown hash answers `PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND), the
 * client sends hash and query once, and the hash alone from then on. The store is bounded (an LRU of
 * PERSISTED_QUERIES_MAX entries per instance, with a TTL), and shared through Redis when REDIS_URL is set.
 * Only for a caller the request guard let through: an unauthenticated or rate-limited request gets
 * the guard's answer, and fills no store.
 */
export function createPersistedQueries(config: HardeningConfig, logger: Logger): PersistedQueries {
  const { maxEntries, ttlSeconds } = config.persistedQueries;
  const local = createInMemoryAPQStore({ max: maxEntries, ttl: ttlSeconds * 1000 });
  const shared = config.rateLimit.redisUrl
    ? sharedRedis({ url: config.rateLimit.redisUrl, logger, unavailable: 'persisted queries: Redis unavailable, using this instance only' })
    : null;
  const store = shared ? sharedStore({ redis: shared.redis, local, prefix: `${config.rateLimit.keyPrefix}:apq:`, ttlSeconds }) : local;
  const apq = useAPQ({ store });
  return {
    plugin: {
      onParams(payload) {
        const state = stateOf(payload.request);
        if (!state.caller || state.rateLimit?.retryAfterSeconds) {
          // The guard has answered (401, 429…). Yoga's own check of the parameters runs after this and
          // would replace that answer with "Must provide query string." for a hash-only request.
          if (payload.params.query == null && payload.params.extensions?.persistedQuery) {
            payload.setParams({ ...payload.params, query: '{ __typename }' });
          }
          return;
        }
        return apq.onParams?.(payload);
      },
    },
    close: async () => {
      await shared?.close();
    },
  };
}
