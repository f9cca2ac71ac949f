import { positiveInteger, type Env } from '../env.js';

/** Limits and operational settings of the HTTP layer; every value has a default and an environment variable. */
export interface HardeningConfig {
  limits: {
    /** Deepest selection nesting an operation may have (fragments count their own levels). */
    depth: number;
    /** Aliased fields per operation (`__typename` aliases are free). */
    aliases: number;
    /** Lexical tokens per document: bounds parsing work before anything else. */
    tokens: number;
    /** Directives per operation. */
    directives: number;
    /** Cost per operation (see src/http/cost.ts for how it is counted). */
    cost: number;
    /** Request body, in bytes. */
    bodyBytes: number;
    /** The query text, in characters (a GET request has no body, so the body limit does not cover it). */
    queryLength: number;
    /** The variables, serialized as JSON, in bytes. */
    variablesBytes: number;
  };
  rateLimit: {
    /** Requests per installation (app × clinic) per window. */
    points: number;
    /** Window length in seconds. */
    durationSeconds: number;
    /** Failed authentications per client address per window. */
    authFailurePoints: number;
    authFailureDurationSeconds: number;
    /** Shared limiter store; in memory (per process) when unset. */
    redisUrl: string | null;
    /** Prefix of the limiter's Redis keys, so several deployments can share one Redis. */
    keyPrefix: string;
  };
  /** Automatic persisted queries (src/http/persisted-queries.ts). */
  persistedQueries: {
    /** Queries each instance keeps (least recently used go first). */
    maxEntries: number;
    /** How long a registered query is kept, in memory and in Redis. */
    ttlSeconds: number;
  };
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** "Did you mean …" suggestions in errors: development only. */
  fieldSuggestions: boolean;
  logLevel: string;
  /** Longest a readiness probe waits on the database. */
  readyTimeoutMs: number;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false; got "${env[name]}".`);
}

export function readHardeningConfig(env: Env = process.env): HardeningConfig {
  const development = env.NODE_ENV === 'development';
  return {
    limits: {
      depth: positiveInteger(env, 'MAX_QUERY_DEPTH', 10),
      aliases: positiveInteger(env, 'MAX_QUERY_ALIASES', 30),
      tokens: positiveInteger(env, 'MAX_QUERY_TOKENS', 5000),
      directives: positiveInteger(env, 'MAX_QUERY_DIRECTIVES', 10),
      cost: positiveInteger(env, 'MAX_QUERY_COST', 5000),
      bodyBytes: positiveInteger(env, 'MAX_REQUEST_BYTES', 100_000),
      queryLength: positiveInteger(env, 'MAX_QUERY_LENGTH', 50_000),
      variablesBytes: positiveInteger(env, 'MAX_VARIABLES_BYTES', 50_000),
    },
    rateLimit: {
      points: positiveInteger(env, 'RATE_LIMIT_POINTS', 1000),
      durationSeconds: positiveInteger(env, 'RATE_LIMIT_DURATION', 60),
      authFailurePoints: positiveInteger(env, 'AUTH_FAILURE_LIMIT_POINTS', 30),
      authFailureDurationSeconds: positiveInteger(env, 'AUTH_FAILURE_LIMIT_DURATION', 60),
      redisUrl: env.REDIS_URL?.trim() || null,
      keyPrefix: env.RATE_LIMIT_KEY_PREFIX?.trim() || 'clinicgraph',
    },
    persistedQueries: {
      maxEntries: positiveInteger(env, 'PERSISTED_QUERIES_MAX', 1000),
      ttlSeconds: positiveInteger(env, 'PERSISTED_QUERIES_TTL', 86_400),
    },
    trustProxy: flag(env, 'TRUST_PROXY', false),
    fieldSuggestions: development,
    logLevel: env.LOG_LEVEL?.trim() || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    readyTimeoutMs: positiveInteger(env, 'READY_TIMEOUT_MS', 2000),
  };
}

/** The HTTP server's socket timeouts (src/http/server.ts). */
export interface ServerConfig {
  /**
   * How long an idle keep-alive connection stays open. Longer than the idle timeout of the load balancers
   * in front (60 s on most), so the balancer, not this server, closes idle connections: a server that
   * closes first races the balancer's next request on that connection ("other side closed").
   */
  keepAliveTimeoutMs: number;
  /** Time to receive a request's headers; longer than keep-alive, and at most the request timeout (Node refuses otherwise). */
  headersTimeoutMs: number;
  /** Time to receive a whole request (a client that trickles its request is cut). */
  requestTimeoutMs: number;
  /** On SIGTERM, how long in-flight requests may finish before connections are cut. */
  shutdownTimeoutMs: number;
}

export function readServerConfig(env: Env = process.env): ServerConfig {
  const keepAliveTimeoutMs = positiveInteger(env, 'KEEP_ALIVE_TIMEOUT_MS', 65_000);
  const headersTimeoutMs = positiveInteger(env, 'HEADERS_TIMEOUT_MS', keepAliveTimeoutMs + 1000);
  const requestTimeoutMs = positiveInteger(env, 'REQUEST_TIMEOUT_MS', Math.max(headersTimeoutMs, 66_000));
  if (headersTimeoutMs <= keepAliveTimeoutMs) {
    throw new Error(
      `HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must be longer than KEEP_ALIVE_TIMEOUT_MS (${keepAliveTimeoutMs}), or a reused idle connection can be cut while its next request's headers arrive.`,
    );
  }
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new Error(`REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must be at least HEADERS_TIMEOUT_MS (${headersTimeoutMs}): a request includes its headers.`);
  }
  return { keepAliveTimeoutMs, headersTimeoutMs, requestTimeoutMs, shutdownTimeoutMs: positiveInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000) };
}

/** Overrides for tests and embedders: any subset, merged over the environment's values. */
export interface HardeningOverrides {
  limits?: Partial<HardeningConfig['limits']>;
  rateLimit?: Partial<HardeningConfig['rateLimit']>;
  persistedQueries?: Partial<HardeningConfig['persistedQueries']>;
  trustProxy?: boolean;
  fieldSuggestions?: boolean;
  logLevel?: string;
  readyTimeoutMs?: number;
}

export function withOverrides(base: HardeningConfig, overrides: HardeningOverrides = {}): HardeningConfig {
  return {
    ...base,
    ...overrides,
    limits: { ...base.limits, ...overrides.limits },
    rateLimit: { ...base.rateLimit, ...overrides.rateLimit },
    persistedQueries: { ...base.persistedQueries, ...overrides.persistedQueries },
  };
}
