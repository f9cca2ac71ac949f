/**
 * npm run bench:soak — a steady request rate against a real server process on loopback for a few
 * minutes: do RSS and event-loop delay stay flat? Not a test: it reports figures.
 *
 * The server is `src/server.ts` as `npm start` runs it. Its /metrics carries the process's RSS and
 * heap and the event-loop delay that perf_hooks.monitorEventLoopDelay measured since the previous
 * scrape (prom-client's default metrics); the soak scrapes it every SOAK_SAMPLE seconds.
 *
 * Environment: SOAK_DATABASE_URL (default postgresql://root@127.0.0.1:5432/clinicgraph_soak, created
 * and seeded with the demo data on first use), SOAK_DURATION seconds (180), SOAK_RATE requests/s (40),
 * SOAK_SAMPLE seconds (10), SOAK_PORT (4190). Results: bench/results/soak-<time>.md.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { demoSecret } from '../src/auth/keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const databaseUrl = process.env.SOAK_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/clinicgraph_soak';
const durationSeconds = Number(process.env.SOAK_DURATION ?? 180);
const rate = Number(process.env.SOAK_RATE ?? 40);
const sampleSeconds = Number(process.env.SOAK_SAMPLE ?? 10);
const port = Number(process.env.SOAK_PORT ?? 4190);
const base = `http://127.0.0.1:${port}`;

const queries = [
  '{ me { scopes } }',
  '{ patients(first: 20) { totalCount nodes { id firstName lastName dateOfBirth } } }',
  '{ appointments(first: 20) { nodes { id status scheduledStartDate patient { lastName } provider { displayLastName } } } }',
  '{ bills(first: 10) { nodes { billNumber codingGroups { diagnoses { code } lineItems { code units } } } } }',
];

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

async function ensureDatabase(): Promise<void> {
  if (!databaseUrl.startsWith('postgres')) return;
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
}

interface Sample {
  atSeconds: number;
  rssMB: number;
  heapUsedMB: number;
  loopP50ms: number;
  loopP99ms: number;
  loopMaxms: number;
  requests: number;
  errors: number;
  p50ms: number;
  p99ms: number;
}

function gauge(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

const percentile = (values: number[], p: number) => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

async function main() {
  await ensureDatabase();
  const startLoad = load();
  console.log(`Load average at start: ${startLoad} (other work on the machine skews the figures)`);
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: path.join(here, '..'),
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, NODE_ENV: 'development', RATE_LIMIT_POINTS: '100000000', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const organization = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(async () => {
      const org = /X-Organization-Id: (org_\w+)/.exec(output)?.[1];
      if (!org) return;
      try {
        if ((await fetch(`${base}/health`)).ok) {
          clearInterval(timer);
          resolve(org);
        }
      } catch {
        // Not listening yet.
      }
    }, 200);
    server.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });

  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let inFlight = 0;
  const fire = async () => {
    const query = queries[sent++ % queries.length]!;
    inFlight++;
    const started = performance.now();
    try {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': organization },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (response.status !== 200 || body.errors) errors++;
    } catch {
      errors++;
    } finally {
      latencies.push(performance.now() - started);
      inFlight--;
    }
  };

  const samples: Sample[] = [];
  const scrape = async (atSeconds: number) => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const window = latencies.splice(0);
    const sample: Sample = {
      atSeconds,
      rssMB: gauge(text, 'process_resident_memory_bytes') / 2 ** 20,
      heapUsedMB: gauge(text, 'nodejs_heap_size_used_bytes') / 2 ** 20,
      loopP50ms: gauge(text, 'nodejs_eventloop_lag_p50_seconds') * 1000,
      loopP99ms: gauge(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      loopMaxms: gauge(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
      requests: window.length,
      errors,
      p50ms: percentile(window, 50),
      p99ms: percentile(window, 99),
    };
    errors = 0;
    samples.push(sample);
    console.log(
      `${String(atSeconds).padStart(4)} s  RSS ${sample.rssMB.toFixed(0)} MB  heap ${sample.heapUsedMB.toFixed(0)} MB  ` +
        `loop delay p50 ${sample.loopP50ms.toFixed(1)} p99 ${sample.loopP99ms.toFixed(1)} max ${sample.loopMaxms.toFixed(1)} ms  ` +
        `${sample.requests} requests, p50 ${sample.p50ms.toFixed(1)} p99 ${sample.p99ms.toFixed(1)} ms, ${sample.errors} errors, ${inFlight} in flight`,
    );
  };

  // Open loop: requests leave at the rate whatever the answers take, as independent clients would send them.
  await scrape(0);
  const started = performance.now();
  const ticker = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (sent < due) void fire();
  }, 5);
  for (let at = sampleSeconds; at <= durationSeconds; at += sampleSeconds) {
    await new Promise((resolve) => setTimeout(resolve, started + at * 1000 - performance.now()));
    await scrape(at);
  }
  clearInterval(ticker);
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));

  const endLoad = load();
  const first = samples[1]!;
  const last = samples[samples.length - 1]!;
  const rows = samples
    .map((s) => `| ${s.atSeconds} | ${s.rssMB.toFixed(0)} | ${s.heapUsedMB.toFixed(0)} | ${s.loopP50ms.toFixed(1)} | ${s.loopP99ms.toFixed(1)} | ${s.loopMaxms.toFixed(1)} | ${s.requests} | ${s.p50ms.toFixed(1)} | ${s.p99ms.toFixed(1)} | ${s.errors} |`)
    .join('\n');
  const markdown = `# Soak: ${rate} requests/s for ${durationSeconds} s

Server: src/server.ts on ${databaseUrl.replace(/\/\/[^@]*@/, '//')}, loopback; queries: ${queries.length} (me, patients, appointments with references, bills with coding), round robin.
Load average at start: ${startLoad}; at end: ${endLoad} (2 cores shared with other work: figures are indicative).

Start (after the first ${sampleSeconds} s) → end: RSS ${first.rssMB.toFixed(0)} → ${last.rssMB.toFixed(0)} MB, heap ${first.heapUsedMB.toFixed(0)} → ${last.heapUsedMB.toFixed(0)} MB, event-loop delay p99 ${first.loopP99ms.toFixed(1)} → ${last.loopP99ms.toFixed(1)} ms (max ${first.loopMaxms.toFixed(1)} → ${last.loopMaxms.toFixed(1)} ms).

| s | RSS MB | heap MB | loop p50 ms | loop p99 ms | loop max ms | requests | p50 ms | p99 ms | errors |
|---|---|---|---|---|---|---|---|---|---|
${rows}
`;
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '').replace(/^(\d{8})/, '$1-');
  await mkdir(path.join(here, 'results'), { recursive: true });
  await writeFile(path.join(here, 'results', `soak-${stamp}.md`), markdown);
  console.log(`\n${markdown}\nSaved bench/results/soak-${stamp}.md`);
  process.exit(0);
}

await main();
