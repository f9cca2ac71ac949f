import { PgBoss, fromPglite, fromPrisma, type JobResult } from 'pg-boss';
import type { Database } from '../db/database.js';
import { purgeChanges, retentionDaysFromEnv } from '../changes/log.js';
import { webhookConfigFromEnv, type WebhookConfig } from './config.js';
import { deliver } from './deliver.js';
import { dispatchDue, dispatchOnce, skipWhenNoSubscriptions, type DispatchResult } from './dispatch.js';
import { secretKeyFromEnv } from './secrets.js';

export const deliveryQueue = 'webhook-delivery';
const purgeQueue = 'change-log-purge';
const dispatchBatch = 500;
/** Jobs a queue worker takes at once; the slowest endpoint of a batch holds the next fetch. */
const deliveriesPerFetch = 5;

export interface WebhookWorker {
  /** Runs the dispatcher now, until it has caught up with the log (tests, the benchmark). */
  dispatchNow(): Promise<DispatchResult>;
  stop(): Promise<void>;
}

export interface WebhookWorkerOptions {
  db: Database;
  config?: WebhookConfig;
  log?: (line: string) => void;
}

/**
 * The job queue is pg-boss, in the clinic database's `pgboss` schema. On PostgreSQL it has its own
 * small pool; on the embedded database it runs on the PGlite instance itself through pg-boss's own
 * PGlite adapter (one connection, LISTEN/NOTIFY in process), next to the Prisma client.
 */
function queueOf(db: Database, log: (line: string) => void): PgBoss {
  const boss = db.pglite
    ? new PgBoss({ db: fromPglite(db.pglite), backend: 'pglite', schema: 'pgboss' })
    : new PgBoss({ connectionString: db.target.kind === 'postgres' ? db.target.url : undefined, schema: 'pgboss', max: 4 });
  boss.on('error', (error: Error) => log(`webhook queue: ${error.message}`));
  return boss;
}

/**
 * Creates (or brings up to date) the queue's schema without running a worker: pg-boss does this on
 * start, and it takes seconds on the embedded database, so a database meant to be copied (the test
 * template) gets it once.
 */
export async function prepareWebhookQueue(db: Database): Promise<void> {
  const boss = queueOf(db, () => {});
  await boss.start();
  await boss.stop({ graceful: false, close: !db.pglite });
}

/**
 * The webhook worker: the dispatcher turns settled changes into deliveries and jobs, pg-boss runs the
 * jobs (retries with exponential backoff and jitter), and a daily job applies the change log's
 * retention. Everything it needs is in the database, so stopping it anywhere loses nothing.
 */
export async function startWebhookWorker({ db, config = webhookConfigFromEnv(), log = (line) => console.error(line) }: WebhookWorkerOptions): Promise<WebhookWorker> {
  const secretKey = secretKeyFromEnv();
  const boss = queueOf(db, log);
  await boss.start();
  const policy = {
    retryLimit: config.retryLimit,
    retryDelay: config.retryDelaySeconds,
    retryDelayMax: config.retryDelayMaxSeconds,
    retryBackoff: true,
    // An attempt that outlives this (a process killed mid-request) is retried.
    expireInSeconds: Math.ceil(config.timeoutMs / 1000) + 60,
    // Longer than the retries take, so a job is never dropped while it still has attempts left.
    retentionSeconds: 7 * 86_400,
  };
  await boss.createQueue(deliveryQueue, policy);
  await boss.updateQueue(deliveryQueue, policy);
  await boss.createQueue(purgeQueue);

  const context = { prisma: db.prisma, config, secretKey };
  // pg-boss waits its polling interval after every fetch unless the fetch came back full with
  // burstWhenBatchFull (ignored at batchSize 1): one job per fetch capped a process at
  // concurrency ÷ 0.5 s, 20 deliveries a second (bench/changes.ts). A few jobs per fetch, delivered
  // side by side with a result each, keep it fetching while the queue is behind.
  const batchSize = Math.min(config.concurrency, deliveriesPerFetch);
  const workOptions = {
    includeMetadata: true,
    batchSize,
    localConcurrency: Math.ceil(config.concurrency / batchSize),
    pollingIntervalSeconds: 0.5,
    burstWhenBatchFull: true,
    perJobResults: true,
  } as const;
  await boss.work<{ deliveryId: string }, void, typeof workOptions>(deliveryQueue, workOptions, (jobs) =>
    Promise.all(
      jobs.map(async (job): Promise<JobResult> => {
        try {
          const outcome = await deliver(context, { deliveryId: job.data.deliveryId, retryCount: job.retryCount, retryLimit: job.retryLimit });
          // A failed job is how pg-boss learns to retry it later, with backoff.
          if (outcome === 'retry') return { id: job.id, status: 'failed', output: { message: 'The endpoint did not accept the event; retrying with backoff.' } };
          return { id: job.id, status: 'completed' };
        } catch (error) {
          log(`webhook delivery ${job.data.deliveryId}: ${(error as Error).message}`);
          return { id: job.id, status: 'failed', output: { message: (error as Error).message } };
        }
      }),
    ),
  );
  await boss.schedule(purgeQueue, '17 3 * * *');
  await boss.work(purgeQueue, async () => {
    const result = await purgeChanges(db.prisma, new Date(Date.now() - retentionDaysFromEnv() * 86_400_000));
    log(`change log retention: deleted ${result.changes} entries and ${result.deliveries} finished deliveries from before ${result.before.toISOString()}`);
  });

  const enqueue = async (tx: Parameters<typeof fromPrisma>[0], deliveryIds: readonly string[]) =>
    void (await boss.insert(deliveryQueue, deliveryIds.map((deliveryId) => ({ data: { deliveryId } })), { db: fromPrisma(tx) }));

  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let running: Promise<DispatchResult> | null = null;
  const catchUp = async (): Promise<DispatchResult> => {
    const total: DispatchResult = { ran: false, changes: 0, created: 0, requeued: 0 };
    await skipWhenNoSubscriptions(db.prisma);
    if (!(await dispatchDue(db.prisma))) return total;
    for (;;) {
      const step = await dispatchOnce(db.prisma, enqueue, dispatchBatch);
      total.ran ||= step.ran;
      total.changes += step.changes;
      total.created += step.created;
      total.requeued += step.requeued;
      if (stopping || (step.changes < dispatchBatch && step.requeued < dispatchBatch)) return total;
    }
  };
  const dispatchNow = () => {
    running ??= catchUp().finally(() => (running = null));
    return running;
  };
  const loop = () => {
    dispatchNow()
      .catch((error: Error) => log(`webhook dispatcher: ${error.message}`))
      .finally(() => {
        if (!stopping) timer = setTimeout(loop, config.dispatchIntervalMs);
      });
  };
  loop();

  return {
    dispatchNow,
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      await boss.stop({ graceful: true, timeout: config.timeoutMs + 1000, close: !db.pglite });
    },
  };
}
