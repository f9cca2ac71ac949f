import { describeTarget, openDatabase, parseDatabaseUrl } from './db/database.js';
import { lockDataDirectory } from './db/lock.js';
import { seedDemo } from './demo/seed.js';
import { printDemoBanner } from './demo/banner.js';
import { demoSecret } from './auth/keys.js';
import { createApp } from './yoga.js';
import { startAdminSocket } from './cli/admin-socket.js';
import { closeGracefully } from './http/shutdown.js';
import { startWebhookWorker } from './webhooks/worker.js';
import { startTelemetry } from './telemetry.js';
import { readHardeningConfig, readServerConfig } from './http/config.js';
import { createLogger } from './http/logging.js';
import { createHttpServer } from './http/server.js';

// Before anything is served, so every request's spans are exported (only when an OTLP endpoint is configured).
const telemetry = await startTelemetry();

const port = Number(process.env.PORT ?? 4000);
const production = process.env.NODE_ENV === 'production';
const target = parseDatabaseUrl();
const serverConfig = readServerConfig();
// Everything on stdout is a JSON line (pino); the demo banner, for a person, goes to stderr.
const logger = createLogger(readHardeningConfig().logLevel);

const releaseLock = target.kind === 'pglite' && target.dataDir ? await lockDataDirectory(target.dataDir) : null;
const db = await openDatabase(target);
const applied = await db.migrate();
logger.info({ database: describeTarget(target), appliedMigrations: applied }, 'database ready');

const demo = await seedDemo(db.prisma, { production, logger: (line) => logger.info(line) });
const demoOrganizations = production ? [] : demo.organizations;

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
const webhookWorker = process.env.WEBHOOK_WORKER === 'off' ? null : await startWebhookWorker({ db });
const adminSocket = target.kind === 'pglite' && target.dataDir ? await startAdminSocket(target.dataDir, db.prisma) : null;
const server = createHttpServer(app.yoga, serverConfig);
const { shutdownTimeoutMs } = serverConfig;
server.listen(port, () => {
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
    await webhookWorker?.stop();
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
