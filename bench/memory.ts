/**
 * npm run bench:memory — the server's memory as `npm start` runs it (node scripts/start.mjs), on
 * PostgreSQL and on the embedded database: RSS, V8 heap, external and array buffers once idle after
 * the start, the peak RSS while the bench queries run, and the same readings once idle again.
 *
 * The server reports its own process.memoryUsage() over the IPC channel of a preloaded module (a
 * data: URL, so the server's code is the one `npm start` runs); RSS is also read from /proc, every
 * 20 ms while requests run. Each database is started once beforehand, and that start is not the one
 * measured: it builds dist/ when src/ has changed (esbuild would run in the measured process) and
 * seeds a new database.
 *
 * Idle is read twice: 3 s after the start, and MEMORY_IDLE_SECONDS later, once V8's memory reducer
 * (which runs on its own when the allocation rate drops, some 20-30 s into a quiet spell) has given
 * back the young generation the start grew; a server that has been idle a while holds the second.
 * Environment: MEMORY_DATABASE_URL (postgresql://root@127.0.0.1:5432/clinicgraph_memory, created if
 * missing), MEMORY_DATA_DIR (./data/bench-memory, the embedded database), MEMORY_TARGETS
 * (postgres,pglite), MEMORY_REQUESTS (requests per query, 500), MEMORY_CONCURRENCY (10),
 * MEMORY_QUERIES (Q0,Q1,Q2,Q3), MEMORY_IDLE_SECONDS (40).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoSecret } from '../src/auth/keys.js';
import { benchQueries, type BenchQuery } from './queries.js';
import { createDatabaseIfMissing } from './database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const postgresUrl = process.env.MEMORY_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/clinicgraph_memory';
const dataDir = path.resolve(root, process.env.MEMORY_DATA_DIR ?? 'data/bench-memory');
const targets = (process.env.MEMORY_TARGETS ?? 'postgres,pglite').split(',').map((name) => name.trim());
const requestsPerQuery = Number(process.env.MEMORY_REQUESTS ?? 500);
const concurrency = Number(process.env.MEMORY_CONCURRENCY ?? 10);
const queryIds = new Set((process.env.MEMORY_QUERIES ?? 'Q0,Q1,Q2,Q3').split(',').map((id) => id.trim()));
const port = 4471;
/** The first reading, once timers that run once after the start (the webhook worker's) have run. */
const settleMs = 3000;
const idleMs = Number(process.env.MEMORY_IDLE_SECONDS ?? 40) * 1000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers `memory` with the server's own readings. Unreferenced after the listener (which references it): the channel must not keep a stopping server alive. */
const probe = `data:text/javascript,${encodeURIComponent(`
process.on('message', (message) => {
  if (message === 'memory') process.send({ memory: process.memoryUsage() });
});
process.channel?.unref();`)}`;

interface Reading {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

interface Phase {
  name: string;
  reading: Reading;
}

interface LoadRun {
  query: string;
  requests: number;
  failures: number;
  peakRssMb: number;
  seconds: number;
}

interface TargetResult {
  target: string;
  phases: Phase[];
  loads: LoadRun[];
  load1: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;

class Server {
  private stderr = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk));
    child.stdout!.resume();
    this.exited = new Promise((resolve) => child.once('exit', resolve));
  }

  static async start(databaseUrl: string): Promise<Server> {
    const child = fork(path.join(root, 'scripts/start.mjs'), [], {
      cwd: root,
      execArgv: ['--import', probe],
      // The requests come from one installation, far past its per-minute limit; the limiter still runs.
      env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development', RATE_LIMIT_POINTS: '1000000000' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const server = new Server(child);
    await server.untilAnswering();
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The demo clinic the banner names first. */
  get organizationId(): string {
    const id = /X-Organization-Id: (org_\w+)/.exec(this.stderr)?.[1];
    if (!id) throw new Error(`the server printed no demo clinic (is NODE_ENV production?): ${this.stderr.slice(-1000)}`);
    return id;
  }

  private async untilAnswering(): Promise<void> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`the server exited with ${this.child.exitCode}: ${this.stderr.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`the server did not answer within 180 s: ${this.stderr.slice(-2000)}`);
      const organization = /X-Organization-Id: (org_\w+)/.exec(this.stderr)?.[1];
      if (organization) {
        try {
          const answer = await graphql<{ __typename: string }>(organization, { query: '{ __typename }' });
          if (answer.data?.__typename === 'Query') return;
        } catch {
          // Not listening yet.
        }
      }
      await pause(50);
    }
  }

  async memory(): Promise<Reading> {
    const answer = new Promise<Reading>((resolve) =>
      this.child.once('message', (message: { memory: Reading }) => resolve(message.memory)),
    );
    this.child.send('memory');
    return answer;
  }

  async rssFromProc(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) * 1024;
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

interface Answer<Data> {
  data?: Data;
  errors?: { message: string }[];
}

async function graphql<Data>(organizationId: string, body: { query: string; variables?: Record<string, unknown> }): Promise<Answer<Data>> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': organizationId },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Answer<Data>;
}

/** Runs one query `requestsPerQuery` times, `concurrency` at once, sampling the server's RSS every 20 ms. */
async function load(server: Server, query: BenchQuery): Promise<LoadRun> {
  let peak = await server.rssFromProc();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await server.rssFromProc());
      await pause(20);
    }
  })();
  const started = performance.now();
  let next = 0;
  let failures = 0;
  const organizationId = server.organizationId;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requestsPerQuery) {
        const n = next++;
        const answer = await graphql(organizationId, { query: query.graphql, variables: query.variables(n) });
        if (answer.errors?.length || !answer.data) {
          if (failures === 0) console.error(`${query.id}: ${JSON.stringify(answer).slice(0, 300)}`);
          failures += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  return { query: query.id, requests: requestsPerQuery, failures, peakRssMb: mb(peak), seconds };
}

async function measure(target: string, databaseUrl: string, fresh: boolean): Promise<TargetResult> {
  console.log(`${target}: a first start${fresh ? ', seeding the demo clinics' : ''} (not measured)`);
  await (await Server.start(databaseUrl)).stop();
  const server = await Server.start(databaseUrl);
  try {
    await pause(settleMs);
    const phases: Phase[] = [{ name: `${settleMs / 1000} s after the start`, reading: await server.memory() }];
    await pause(idleMs);
    phases.push({ name: `idle, ${(settleMs + idleMs) / 1000} s after the start`, reading: await server.memory() });
    const organizationId = server.organizationId;
    const page = await graphql<{ patients: { nodes: { id: string }[] } }>(organizationId, { query: '{ patients(first: 100) { nodes { id } } }' });
    const patientIds = page.data?.patients.nodes.map((patient) => patient.id) ?? [];
    if (patientIds.length === 0) throw new Error(`${target}: the demo clinic returned no patients: ${JSON.stringify(page.errors)}`);
    const loads: LoadRun[] = [];
    for (const query of benchQueries(patientIds).filter((q) => queryIds.has(q.id))) {
      const run = await load(server, query);
      loads.push(run);
      console.log(
        `${target} ${run.query}: ${run.requests} requests at concurrency ${concurrency} in ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB${run.failures ? `, ${run.failures} FAILED` : ''}`,
      );
    }
    phases.push({ name: 'right after the requests', reading: await server.memory() });
    await pause(idleMs);
    phases.push({ name: `idle, ${idleMs / 1000} s after the requests`, reading: await server.memory() });
    return { target, phases, loads, load1: loadavg()[0]! };
  } finally {
    await server.stop();
  }
}

const results: TargetResult[] = [];
for (const target of targets) {
  if (target === 'postgres') {
    const fresh = await createDatabaseIfMissing(postgresUrl);
    const url = new URL(postgresUrl);
    results.push(await measure(`PostgreSQL (${url.host}${url.pathname})`, postgresUrl, fresh));
  } else if (target === 'pglite') {
    const fresh = !existsSync(dataDir);
    await mkdir(dataDir, { recursive: true });
    results.push(await measure(`embedded PGlite (${path.relative(root, dataDir)})`, `pglite:${dataDir}`, fresh));
  } else {
    throw new Error(`MEMORY_TARGETS takes postgres and/or pglite; got "${target}".`);
  }
}

const fixed = (bytes: number) => mb(bytes).toFixed(0);
function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'scripts'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${head} with changes in src/ or scripts/` : head;
  } catch {
    return 'an unknown commit';
  }
}
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
const lines = [
  `# Memory, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `\`node scripts/start.mjs\` (as \`npm start\`) at ${commit()}, Node ${process.version}. ${requestsPerQuery} requests per query at concurrency ${concurrency}; MB = 2^20 bytes.`,
  '',
  '| database | when | RSS MB | heap total MB | heap used MB | external MB | array buffers MB |',
  '|---|---|---|---|---|---|---|',
  ...results.flatMap((result) =>
    result.phases.map(
      ({ name, reading }) =>
        `| ${result.target} | ${name} | ${fixed(reading.rss)} | ${fixed(reading.heapTotal)} | ${fixed(reading.heapUsed)} | ${fixed(reading.external)} | ${fixed(reading.arrayBuffers)} |`,
    ),
  ),
  '',
  '| database | query | requests | seconds | peak RSS MB | load (1 min) |',
  '|---|---|---|---|---|---|',
  ...results.flatMap((result) =>
    result.loads.map(
      (run) =>
        `| ${result.target} | ${run.query} | ${run.requests}${run.failures ? ` (${run.failures} failed)` : ''} | ${run.seconds.toFixed(1)} | ${run.peakRssMb.toFixed(0)} | ${result.load1.toFixed(2)} |`,
    ),
  ),
  '',
  'Heap used right after the requests still holds their garbage; the idle readings are the ones to compare.',
  'On PGlite, "external" includes the WebAssembly memory of the embedded PostgreSQL (its size, not what is resident).',
  '',
];
const report = lines.join('\n');
console.log(`\n${report}`);
await mkdir(path.join(root, 'bench/results'), { recursive: true });
const file = path.join(root, `bench/results/memory-${stamp}.md`);
await writeFile(file, report);
console.log(`written to ${path.relative(root, file)}`);
