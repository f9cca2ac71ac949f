/** Webhook delivery settings; every value has a default and an environment variable (README: Configuration). */
export interface WebhookConfig {
  /** NODE_ENV=production: endpoints must resolve to public addresses only. */
  production: boolean;
  /** First retry after this many seconds (pg-boss doubles it per attempt, with jitter). */
  retryDelaySeconds: number;
  /** Longest wait between two attempts. */
  retryDelayMaxSeconds: number;
  /** Retries after the first attempt; the default spans at least 24 hours with the default delays. */
  retryLimit: number;
  /** One attempt's timeout. */
  timeoutMs: number;
  /** A subscription is paused after this many failed attempts in a row… */
  pauseAfterFailures: number;
  /** …once its deliveries have been failing for at least this long. */
  pauseAfterMs: number;
  /** How often the dispatcher looks for new changes. */
  dispatchIntervalMs: number;
  /** Deliveries in flight at once, per worker process. */
  concurrency: number;
}

type Env = Record<string, string | undefined>;

function number(env: Env, name: string, fallback: number, { min = 0 }: { min?: number } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number of at least ${min}; got "${raw}".`);
  return value;
}

/**
 * The smallest retry count whose waits add up to `hours`, taking pg-boss's backoff at its shortest
 * (jitter adds 0–100% to each wait): delay × 2^n, capped at the maximum.
 */
export function retriesSpanning(hours: number, delaySeconds: number, maxSeconds: number): number {
  let total = 0;
  let retries = 0;
  while (total < hours * 3600) {
    total += Math.min(maxSeconds, Math.max(delaySeconds, 1) * 2 ** retries);
    retries++;
  }
  return retries;
}

export function webhookConfigFromEnv(env: Env = process.env): WebhookConfig {
  const retryDelaySeconds = number(env, 'WEBHOOK_RETRY_DELAY_SECONDS', 30, { min: 1 });
  const retryDelayMaxSeconds = number(env, 'WEBHOOK_RETRY_DELAY_MAX_SECONDS', 3600, { min: 1 });
  return {
    production: env.NODE_ENV === 'production',
    retryDelaySeconds,
    retryDelayMaxSeconds,
    retryLimit: number(env, 'WEBHOOK_RETRY_LIMIT', retriesSpanning(24, retryDelaySeconds, retryDelayMaxSeconds)),
    timeoutMs: number(env, 'WEBHOOK_TIMEOUT_MS', 10_000, { min: 1 }),
    pauseAfterFailures: number(env, 'WEBHOOK_PAUSE_AFTER_FAILURES', 20, { min: 1 }),
    pauseAfterMs: number(env, 'WEBHOOK_PAUSE_AFTER_HOURS', 72) * 3_600_000,
    dispatchIntervalMs: number(env, 'WEBHOOK_DISPATCH_INTERVAL_MS', 500, { min: 10 }),
    concurrency: number(env, 'WEBHOOK_CONCURRENCY', 10, { min: 1 }),
  };
}
