import { describeTarget, openDatabase, parseDatabaseUrl, preparedStatementsFromEnv } from './db/database.js';
import { lockDataDirectory } from './db/lock.js';
import { oneStatementFromEnv } from './env.js';
import { startTelemetry } from './telemetry.js';
import { readHardeningConfig, readServerConfig } from './http/config.js';
import { createLogger } from './http/logging.js';
import { createHttpServer } from './http/server.js';
import { closeGracefully } from './http/shutdown.js';
import type { WebhookWorker } from './webhooks/worker.js';
import { secretKeyFromEnv } from './webhooks/secrets.js';

/** Milliseconds since the process began, per start-up step: `npm run bench:startup` reads them from the log. */
const stepsMs: Record<string, number> = { modulesLoaded: Math.round(performance.now()) };
const step = (name: string) => (stepsMs[name] = Math.round(performance.now()));

// Before anything is served, so every request's spans are exported (only when an OTLP endpoint is configured).
const telemetry = await startTelemetry();

const port = Number(process.env.PORT ?? 4000);
const production = process.env.NODE_ENV === 'production';
const target = parseDatabaseUrl();
/**
 * Settings read before anything opens: a wrong or missing one (WEBHOOK_SECRET_KEY in production, a
 * timeout that is not a number) ends the start with one line naming it, not a stack trace, and not a
 * server that runs without it (creating a webhook subscription needs the key too).
 */
function readSettings() {
  try {
    secretKeyFromEnv();
    preparedStatementsFromEnv();
    oneStatementFromEnv();
    return { serverConfig: readServerConfig(), hardeningConfig: readHardeningConfig() };
  } catch (error) {
    console.error(`clinicgraph cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
const { serverConfig, hardeningConfig } = readSettings();
// Everything on stdout is a JSON line (pino); the demo banner, for a person, goes to stderr.
const logger = createLogger(hardeningConfig.logLevel);

const releaseLock = target.kind === 'pglite' && target.dataDir ? await lockDataDirectory(target.dataDir) : null;
// The database opens while the app's modules load and its schema is built: PGlite compiles its WASM off
// the main thread and reads its files meanwhile (the two, one after the other, were most of a start).
const [{ db, applied }, { createApp }, { seedDemo }, { printDemoBanner }, { demoSecret }, { startAdminSocket }] =
  await Promise.all([
    (async () => {
      const db = await openDatabase(target);
      const applied = await db.migrate();
      step('databaseReady');
      return { db, applied };
    })(),
    import('./yoga.js').then((module) => (step('appLoaded'), module)),
    import('./demo/seed.js'),
    import('./demo/banner.js'),
    import('./auth/keys.js'),
    import('./cli/admin-socket.js'),
  ]);
logger.info({ database: describeTarget(target), appliedMigrations: applied }, 'database ready');

const demo = await seedDemo(db.prisma, { production, logger: (line) => logger.info(line) });
const demoOrganizations = production ? [] : demo.organizations;
step('demoChecked');

const app = createApp({
  db,
  graphiqlHeaders: demoOrganizations[0]
    ? { Authorization: `Bearer ${demoSecret}`, 'X-Organization-Id': demoOrganizations[0].id }
    : undefined,
  hardening: { logger },
});
// Webhook delivery runs in the server unless WEBHOOK_WORKER=off (then `npm run worker` processes deliver, on PostgreSQL).
if (process.env.WEBHOOK_WORKER === 'off' && target.kind === 'pglite') {
  console.warn('WEBHOOK_WORKER=off on the embedded database: no webhook is delivered (a separate worker cannot open it).');
}
const adminSocket = target.kind === 'pglite' && target.dataDir ? await startAdminSocket(target.dataDir, db.prisma) : null;
const server = createHttpServer(app.yoga, serverConfig);
const { shutdownTimeoutMs } = serverConfig;
// Delivery starts once the API answers: queued deliveries wait in the database a moment longer, queries do not.
let webhookWorker: Promise<WebhookWorker | null> = Promise.resolve(null);
server.listen(port, () => {
  step('listening');
  logger.info({ stepsMs }, 'startup');
  if (process.env.WEBHOOK_WORKER !== 'off') {
    webhookWorker = import('./webhooks/worker.js').then(({ startWebhookWorker }) => startWebhookWorker({ db })).catch((error: unknown) => {
      logger.error({ err: error }, 'webhook worker did not start; no webhook is delivered until a restart');
      return null;
    });
  }
  const base = `http://localhost:${port}`;
  const url = `${base}/graphql`;
  if (demoOrganizations.length > 0) {
    printDemoBanner({ base, secret: demoSecret, organizations: demoOrganizations, admins: demo.demoAdmins, oauthAppId: demo.demoOAuthAppId });
  }
  logger.info(
    { url, keepAliveTimeoutMs: serverConfig.keepAliveTimeoutMs, headersTimeoutMs: serverConfig.headersTimeoutMs, requestTimeoutMs: serverConfig.requestTimeoutMs },
    'listening',
  );
});

async function shutdown(signal: string) {
  logger.info({ signal, shutdownTimeoutMs }, 'shutting down: finishing in-flight requests');
  // Whatever happens below (a database that no longer answers, a close that never returns), the process ends.
  setTimeout(() => {
    logger.error({ signal }, 'shutdown did not finish in time; exiting');
    logger.flush();
    process.exit(1);
  }, shutdownTimeoutMs + 10_000).unref();
  app.drain();
  adminSocket?.close();
  if (!(await closeGracefully(server, shutdownTimeoutMs))) logger.warn({ signal }, 'requests still running at the deadline were cut');
  try {
    await (await webhookWorker)?.stop();
    await app.close();
    await db.close();
    await releaseLock?.();
    await telemetry?.shutdown();
  } catch (error) {
    logger.error({ signal, err: error }, 'closing failed');
    logger.flush();
    process.exit(1);
  }
  logger.info({ signal }, 'stopped');
  logger.flush();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
