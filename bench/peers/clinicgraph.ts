/**
 * Peers (a), (b) and (e): clinicgraph as src/server.ts runs it, over the bench database.
 * BENCH_SCOPE_CHECKS=off builds the schema with Pothos's scope-auth disabled, to price the checks.
 * BENCH_FAST_PATHS=off (peer e, on request only) serves the schema as Pothos builds it, without reference
 * prefetching and synchronous node ids, and reads clinic data through Prisma's `$queryRaw`: the code
 * before issue 5's optimizations, for a before/after in one run.
 */
import { createServer } from 'node:http';
import { builder } from '../../src/builder.js';
import { prefetchReferences } from '../../src/data/prefetch.js';
import { openDatabase } from '../../src/db/database.js';
import { requiresScopesDirective, schema } from '../../src/schema/index.js';
import { synchronousNodeIds } from '../../src/schema/node-ids.js';
import { createApp } from '../../src/yoga.js';
import { countStatement, runPeer } from './child.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required.');
const scopeChecks = process.env.BENCH_SCOPE_CHECKS !== 'off';
const fastPaths = process.env.BENCH_FAST_PATHS !== 'off';

const db = await openDatabase({ kind: 'postgres', url }, { replicaUrls: [] });
const built = () => builder.toSchema({ directives: [requiresScopesDirective], disableScopeAuth: !scopeChecks });
const served = !fastPaths
  ? built()
  : scopeChecks
    ? schema
    : prefetchReferences(synchronousNodeIds(built(), builder.options.relay?.encodeGlobalID));
// A client the database module did not open has no direct read path (src/db/database.ts, directReadOf).
const reader = fastPaths ? db.reader : () => new Proxy(db.prisma, {});
// The bench sends far more than the per-installation limit allows; the limiter still runs (in memory).
const app = createApp({ db: { ...db, reader }, schema: served, hardening: { rateLimit: { points: 1_000_000_000 } } });
db.onStatement(countStatement);
runPeer(createServer(app.yoga), async () => {
  await app.close();
  await db.close();
});
