import { createServer } from 'node:http';
import { describeTarget, openDatabase, parseDatabaseUrl } from './db/database.js';
import { lockDataDirectory } from './db/lock.js';
import { demoOAuthApp, seedDemo } from './demo/seed.js';
import { demoSecret } from './auth/keys.js';
import { createApp } from './yoga.js';
import { startAdminSocket } from './cli/admin-socket.js';
import { closeGracefully } from './http/shutdown.js';
import { startTelemetry } from './telemetry.js';

// Before anything is served, so every request's spans are exported (only when an OTLP endpoint is configured).
const telemetry = await startTelemetry();

const port = Number(process.env.PORT ?? 4000);
const production = process.env.NODE_ENV === 'production';
const target = parseDatabaseUrl();

const releaseLock = target.kind === 'pglite' && target.dataDir ? await lockDataDirectory(target.dataDir) : null;
const db = await openDatabase(target);
const applied = await db.migrate();
console.log(`Database: ${describeTarget(target)}${applied.length ? ` (applied ${applied.join(', ')})` : ''}`);

const demo = await seedDemo(db.prisma, { production, logger: (line) => console.log(line) });
const demoOrganizations = production ? [] : demo.organizations;
if (demoOrganizations.length > 0) {
  console.log('\nDemo app key (demo data only; never created when NODE_ENV=production). Paste into GraphiQL or curl:');
  console.log(`Authorization: Bearer ${demoSecret}`);
  for (const organization of demoOrganizations) console.log(`X-Organization-Id: ${organization.id}   # ${organization.name}`);
}
if (!production && demo.demoAdmins?.length) {
  const base = `http://localhost:${port}`;
  console.log(`\nDemo clinic admins (demo data only; never created when NODE_ENV=production). Sign in at ${base}/console:`);
  for (const admin of demo.demoAdmins) {
    const clinic = demoOrganizations.find((organization) => organization.id === admin.organizationId)?.name ?? admin.organizationId;
    console.log(`${admin.email}  password: ${admin.password}   # ${clinic}`);
  }
  if (demo.demoOAuthAppId) {
    console.log(`Demo OAuth app "${demoOAuthApp.slug}": client_id ${demo.demoOAuthAppId}, client_secret ${demoOAuthApp.clientSecret}, redirect_uri ${demoOAuthApp.redirectUris[0]}`);
  }
}

const app = createApp({
  db,
  graphiqlHeaders: demoOrganizations[0]
    ? { Authorization: `Bearer ${demoSecret}`, 'X-Organization-Id': demoOrganizations[0].id }
    : undefined,
});
const adminSocket = target.kind === 'pglite' && target.dataDir ? await startAdminSocket(target.dataDir, db.prisma) : null;
const server = createServer(app.yoga);
// A client that trickles its request (slowloris) is cut after this long; 30 s by default.
server.requestTimeout = Number(process.env.REQUEST_TIMEOUT_MS ?? 30_000);
const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
server.listen(port, () => console.log(`\nclinicgraph listening on http://localhost:${port}/graphql`));

async function shutdown(signal: string) {
  console.log(`${signal}: finishing in-flight requests (at most ${shutdownTimeoutMs} ms)`);
  // Whatever happens below (a database that no longer answers, a close that never returns), the process ends.
  setTimeout(() => {
    console.error(`${signal}: shutdown did not finish in time; exiting`);
    process.exit(1);
  }, shutdownTimeoutMs + 10_000).unref();
  app.drain();
  adminSocket?.close();
  if (!(await closeGracefully(server, shutdownTimeoutMs))) console.log(`${signal}: requests still running were cut`);
  try {
    await app.close();
    await db.close();
    await releaseLock?.();
    await telemetry?.shutdown();
  } catch (error) {
    console.error(`${signal}: closing failed: ${(error as Error).message}`);
    process.exit(1);
  }
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
