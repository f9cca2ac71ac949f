/**
 * What the HTTP hardening (src/http) costs per request: the same schema and context served by a bare
 * yoga, then with each part added. `npx tsx bench/hardening-overhead.ts [requests]` (embedded database,
 * demo data; REDIS_URL adds a run with the limiter on Redis).
 */
import { Writable } from 'node:stream';
import { createYoga, type Plugin } from 'graphql-yoga';
import { authenticate } from '../src/auth/authenticate.js';
import { demoSecret } from '../src/auth/keys.js';
import type { RequestContext } from '../src/context.js';
import { openDatabase } from '../src/db/database.js';
import { seedDemo } from '../src/demo/seed.js';
import { createHardening } from '../src/http/hardening.js';
import { schema } from '../src/schema/index.js';
import { requestContext, traceIdOf } from '../src/yoga.js';

const requests = Number(process.argv[2] ?? 2000);
const db = await openDatabase({ kind: 'pglite', dataDir: null });
await db.migrate();
const { organizations } = await seedDemo(db.prisma, { production: false });
const headers = {
  'content-type': 'application/json',
  authorization: `Bearer ${demoSecret}`,
  'x-organization-id': organizations[0]!.id,
};
const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

type Part = 'guard' | 'limits' | 'logging';

function build(parts: Part[], redisUrl: string | null = null) {
  const hardening = createHardening({
    db,
    traceIdOf,
    hardening: { logDestination: discard, logLevel: 'info', rateLimit: { points: 1_000_000, redisUrl } },
  });
  // plugins: logging, metrics, readiness, guard, then the operation limits, error codes and the cost extension
  const [logging, metrics, readiness, guard, ...limits] = hardening.plugins;
  const chosen: (Plugin | undefined)[] = [
    ...(parts.includes('logging') ? [logging, metrics] : []),
    readiness,
    ...(parts.includes('guard') ? [guard] : []),
    ...(parts.includes('limits') ? limits : []),
  ];
  const yoga = createYoga<Record<string, never>, RequestContext>({
    schema,
    logging: false,
    maskedErrors: { isDev: false, maskError: hardening.maskError },
    maxRequestBodySize: false,
    plugins: chosen.filter((plugin): plugin is Plugin => Boolean(plugin)),
    context: async ({ request }) => {
      const caller = hardening.callerOf(request) ?? (await authenticate(db.prisma, request.headers));
      return requestContext({ db, hardening, request, caller });
    },
  });
  return { yoga, close: () => hardening.close() };
}

const queries = {
  light: '{ me { scopes } }',
  typical: 'query Patients { patients(first: 20) { nodes { id firstName lastName appointments(first: 3) { nodes { id status } } } } }',
};

/** Wall and CPU time (this process, the embedded database included) per request over `count` requests. */
async function time(yoga: ReturnType<typeof build>['yoga'], query: string, count: number): Promise<{ wall: number; cpu: number }> {
  const body = JSON.stringify({ query });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const response = await yoga.fetch('http://bench/graphql', { method: 'POST', headers, body });
    if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
    await response.text();
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: (performance.now() - started) / count, cpu: (cpu.user + cpu.system) / 1000 / count };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const variants: [string, Part[], string | null][] = [
  ['bare yoga (same schema and context)', [], null],
  ['+ limits (armor, cost, error codes)', ['limits'], null],
  ['+ guard (auth before parse, memory limiter)', ['guard'], null],
  ['+ logging and metrics', ['logging'], null],
  ['everything (memory limiter)', ['guard', 'limits', 'logging'], null],
  ...(process.env.REDIS_URL ? [['everything (Redis limiter)', ['guard', 'limits', 'logging'], process.env.REDIS_URL] as [string, Part[], string]] : []),
];
const built = variants.map(([label, parts, redisUrl]) => ({ label, ...build(parts, redisUrl) }));

// Batches of 100 interleave the variants, so load from other processes and drift (GC, caches) spread
// evenly over them; the median batch counts. CPU time is the steadier figure on a shared machine.
const batch = 100;
for (const [name, query] of Object.entries(queries)) {
  for (const variant of built) await time(variant.yoga, query, 200);
  const samples = built.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < Math.ceil(requests / batch); round++) {
    for (const [index, variant] of built.entries()) {
      const { wall, cpu } = await time(variant.yoga, query, batch);
      samples[index]!.wall.push(wall);
      samples[index]!.cpu.push(cpu);
    }
  }
  console.log(`\n${name} query, ${requests} requests per variant: median ms per request over batches of ${batch}`);
  const base = { wall: median(samples[0]!.wall), cpu: median(samples[0]!.cpu) };
  for (const [index, variant] of built.entries()) {
    const wall = median(samples[index]!.wall);
    const cpu = median(samples[index]!.cpu);
    const delta = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
    console.log(`  ${variant.label.padEnd(46)} wall ${wall.toFixed(3)} (${delta(wall - base.wall)})  cpu ${cpu.toFixed(3)} (${delta(cpu - base.cpu)})`);
  }
}
await Promise.all(built.map((variant) => variant.close()));
await db.close();
process.exit(0);
