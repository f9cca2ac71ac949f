/**
 * npm run bench:startup — how long `npm start` takes to answer its first query, and what each step costs.
 *
 * Starts the server as a user does (STARTUP_COMMAND, default `node --import tsx src/server.ts`, what
 * `npm start` runs), on a database that already exists (the first, seeding run is measured apart), and
 * polls `{ __typename }` with the demo key every 10 ms. Prints the time to the first answer, the server's
 * own "startup" log line (its steps, in ms since the process began) and the RSS once idle (of the
 * command's own process: with `npm start`, npm's, not the server's).
 * Environment: STARTUP_RUNS (5), DATABASE_URL (the server's; default the embedded ./data/clinicgraph).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoSecret } from '../src/auth/keys.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const command = (process.env.STARTUP_COMMAND ?? 'node --import tsx src/server.ts').split(' ');
const runs = Number(process.env.STARTUP_RUNS ?? 5);
const port = 4470;

interface Run {
  firstAnswerMs: number;
  steps: Record<string, number>;
  idleRssMb: number;
}

async function once(): Promise<Run> {
  const started = performance.now();
  // A process group of its own: `npm start` runs the server as npm's child, and stopping npm alone would leave it holding the database.
  const child = spawn(command[0]!, command.slice(1), { cwd: root, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let firstAnswerMs = Number.NaN;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
    const organization = /X-Organization-Id: (org_\w+)/.exec(stderr)?.[1];
    try {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, ...(organization ? { 'x-organization-id': organization } : {}) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const body = (await response.json()) as { data?: { __typename?: string } };
      if (body.data?.__typename === 'Query') {
        firstAnswerMs = performance.now() - started;
        break;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const idleRssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  const line = stdout.split('\n').find((l) => l.includes('"msg":"startup"'));
  const steps = line ? ((JSON.parse(line) as { stepsMs?: Record<string, number> }).stepsMs ?? {}) : {};
  return { firstAnswerMs, steps, idleRssMb };
}

console.log(`${command.join(' ')}, ${runs} runs, database: ${process.env.DATABASE_URL ?? 'embedded ./data/clinicgraph'}`);
// The first run creates and seeds the database when it does not exist yet; it is reported, not counted.
const first = await once();
console.log(`first run (may create and seed the database): ${first.firstAnswerMs.toFixed(0)} ms`);
const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const run = await once();
  results.push(run);
  console.log(`run ${i + 1}: first answer after ${run.firstAnswerMs.toFixed(0)} ms; idle RSS ${run.idleRssMb.toFixed(0)} MB; steps (ms since process start) ${JSON.stringify(run.steps)}`);
}
const sorted = results.map((r) => r.firstAnswerMs).sort((a, b) => a - b);
console.log(`median first answer ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms (min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}); target ≤ 1,500 ms`);
