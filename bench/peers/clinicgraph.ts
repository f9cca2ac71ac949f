/**
 * Peers (a) and (b): clinicgraph as src/server.ts runs it, over the bench database.
 * BENCH_SCOPE_CHECKS=off builds the schema with Pothos's scope-auth disabled, to price the checks;
 * BENCH_ONE_STATEMENT=off (peer g) answers every query through the executor, to price the one-statement path.
 */
import { createServer } from 'node:http';
import { openDatabase } from '../../src/db/database.js';
import { buildSchema, schema } from '../../src/schema/index.js';
import { createApp } from '../../src/yoga.js';
import { countStatement, runPeer } from './child.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required.');
const scopeChecks = process.env.BENCH_SCOPE_CHECKS !== 'off';

const db = await openDatabase({ kind: 'postgres', url }, { replicaUrls: [] });
const served = scopeChecks ? schema : buildSchema({ scopeChecks: false });
// The bench sends far more than the per-installation limit allows; the limiter still runs (in memory).
const app = createApp({
  db,
  schema: served,
  hardening: { rateLimit: { points: 1_000_000_000 } },
  execution: { oneStatement: process.env.BENCH_ONE_STATEMENT !== 'off' },
});
db.onStatement(countStatement);
runPeer(createServer(app.yoga), async () => {
  await app.close();
  await db.close();
});
