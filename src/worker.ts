import { describeTarget, openDatabase, parseDatabaseUrl } from './db/database.js';
import { webhookConfigFromEnv } from './webhooks/config.js';
import { startWebhookWorker } from './webhooks/worker.js';

/**
 * `npm run worker`: webhook delivery in a process of its own, beside servers started with
 * WEBHOOK_WORKER=off. PostgreSQL only: the embedded database is one process's, and its worker runs
 * inside the server. Several workers may run at once (the dispatcher takes a row lock, pg-boss hands
 * each job to one of them).
 */
const target = parseDatabaseUrl();
if (target.kind !== 'postgres') {
  console.error(
    'The embedded database allows one process, so its webhook worker runs inside the server (npm start). ' +
      'To run workers as their own processes, use PostgreSQL: DATABASE_URL=postgres://…',
  );
  process.exit(2);
}
const config = webhookConfigFromEnv();
// A connection for each delivery in flight and one for the dispatcher: fewer, and deliveries queue for them.
const db = await openDatabase(target, { poolSize: config.concurrency + 1 });
await db.migrate();
const worker = await startWebhookWorker({ db, config, log: (line) => console.error(line) });
console.log(`clinicgraph webhook worker on ${describeTarget(target)}`);

async function stop(signal: string) {
  console.log(`${signal}: finishing deliveries in flight`);
  setTimeout(() => process.exit(1), 30_000).unref();
  await worker.stop();
  await db.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
