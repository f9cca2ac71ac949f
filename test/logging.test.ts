import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { createApp, type App } from '../src/yoga.js';
import { startTestServer, type TestServer } from './support/app.js';

let server: TestServer;
let app: App;
const lines: string[] = [];

/** pino writes one JSON object per line; the stream keeps them all. */
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

beforeAll(async () => {
  server = await startTestServer();
  app = createApp({ db: server.db, hardening: { logDestination: capture, logLevel: 'debug', rateLimit: { points: 40, durationSeconds: 60 } } });
});
afterAll(async () => {
  await app.close();
  await server.close();
});

async function call(body: unknown, headers: Record<string, string> = {}) {
  const response = await app.yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${demoSecret}`,
      'x-organization-id': server.clinics[0]!.id,
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: unknown[] }, traceId: response.headers.get('x-trace-id') };
}

const patientFields = 'id mrn firstName middleName lastName gender dateOfBirth email phone';

describe('structured logs of a full request cycle', () => {
  const traceIds: string[] = [];
  let patients: Record<string, string | null>[] = [];
  let otherSecret = '';
  let brokenTraceId = '';

  beforeAll(async () => {
    otherSecret = await server.keyWith({ keyScopes: ['read:patients', 'read:appointments', 'read:marketplace'] });
    const page = await call({ query: `query PatientList { patients(first: 50) { nodes { ${patientFields} } } }` });
    expect(page.status).toBe(200);
    patients = page.body.data.patients.nodes;
    traceIds.push(page.traceId!);
    const someone = patients[0]!;
    // Patient values as variables and arguments: none of them may be logged.
    traceIds.push((await call({ query: `query Search($s: String) { patients(search: $s) { nodes { ${patientFields} } } }`, variables: { s: someone.lastName } })).traceId!);
    await call({ query: `{ patients(search: ${JSON.stringify(someone.email)}) { totalCount } }` });
    await call({ query: `query One($id: ID!) { patient(id: $id) { ${patientFields} appointments(first: 5) { nodes { id status } } } }`, variables: { id: someone.id } });
    await call({ query: 'query Bills { bills(first: 20) { nodes { billNumber patient { firstName lastName dateOfBirth } } } }' });
    await call({ query: `query Other { patients(first: 10) { nodes { ${patientFields} } } }` }, { authorization: `Bearer ${otherSecret}` });
    // Failures: a wrong key, a secret in the wrong header shape, a validation error, a field error, a cost refusal.
    await call({ query: '{ me { scopes } }' }, { authorization: `Bearer ${otherSecret.slice(0, -4)}AAAA` });
    await call({ query: '{ me { scopes } }' }, { authorization: otherSecret });
    await call({ query: '{ patients { nodes { ssn } } }' });
    await call({ query: `{ patient(id: ${JSON.stringify(`${someone.firstName}`)}) { id } }` });
    await call({ query: '{ patients(first: 100) { nodes { appointments(first: 100) { nodes { patient { lastName } } } } } }' });
    // A masked internal failure goes through yoga's logger.
    const broken = createApp({
      db: { ...server.db, reader: () => ({}) as never } as typeof server.db,
      hardening: { logDestination: capture, logLevel: 'debug' },
    });
    const brokenResponse = await broken.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id },
      body: JSON.stringify({ query: `{ patients(search: ${JSON.stringify(someone.phone)}) { totalCount } }` }),
    });
    brokenTraceId = brokenResponse.headers.get('x-trace-id')!;
    await broken.close();
    // Exhaust the rate limit.
    for (let i = 0; i < 40; i++) await call({ query: '{ me { scopes } }' });
    await app.yoga.fetch('http://yoga/health');
    await app.yoga.fetch('http://yoga/ready');
    await app.yoga.fetch('http://yoga/metrics');
  });

  it('writes one JSON object per line', () => {
    expect(lines.length).toBeGreaterThan(50);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('never a secret, an Authorization header or a variable', () => {
    const text = lines.join('\n');
    for (const secret of [demoSecret, otherSecret, otherSecret.slice(9, -4)]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/bearer/i);
    expect(text).not.toContain('cgk_');
  });

  it('never a patient field value', () => {
    const text = lines.join('\n');
    expect(patients.length).toBe(50);
    const values = patients.flatMap((p) => [p.mrn, p.firstName, p.middleName, p.lastName, p.email, p.phone, p.dateOfBirth]);
    const checked = values.filter((value): value is string => typeof value === 'string' && value.length >= 3);
    expect(checked.length).toBeGreaterThan(200);
    for (const value of checked) {
      const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(text, value).not.toMatch(new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^A-Za-z0-9])`));
    }
  });

  it('each request line says who, what, how long and how it ended', () => {
    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    const list = requests.find((entry) => entry.traceId === traceIds[0]);
    expect(list).toMatchObject({
      level: 30,
      service: 'clinicgraph',
      method: 'POST',
      path: '/graphql',
      status: 200,
      outcome: 'ok',
      operationName: 'PatientList',
      operationType: 'query',
      clinicId: server.clinics[0]!.id,
      app: 'clinicgraph-demo',
      cost: 1 + 50 * 1,
    });
    expect(list.appId).toMatch(/^app_/);
    expect(list.installationId).toBeTruthy();
    expect(list.durationMs).toBeGreaterThan(0);

    const outcomes = new Set(requests.map((entry) => `${entry.status} ${entry.outcome}`));
    expect(outcomes).toContain('401 client_error');
    expect(outcomes).toContain('429 rate_limited');
    expect(requests.some((entry) => entry.errorCodes?.includes('BAD_USER_INPUT'))).toBe(true);
  });

  it('logs an unexpected error with the trace id its response carries, and its cause', () => {
    const failures = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'unexpected error');
    expect(brokenTraceId).toMatch(/^[0-9a-f]{32}$/);
    const failure = failures.find((entry) => entry.traceId === brokenTraceId);
    expect(failure, JSON.stringify(failures)).toBeTruthy();
    expect(failure.level).toBe(50);
    expect(failure.path).toBe('patients');
    expect(failure.err.type).toBe('TypeError');
    for (const entry of failures) expect(entry.traceId).toBeTruthy();
  });
});

describe('health, readiness and metrics (no API key)', () => {
  it('/metrics series stay bounded by the schema, whatever operation names callers send', async () => {
    const metered = createApp({ db: server.db, hardening: { logLevel: 'silent' } });
    const seriesCount = async () => (await (await metered.yoga.fetch('http://yoga/metrics')).text()).split('\n').filter((line) => line.startsWith('clinicgraph_')).length;
    const ask = (query: string) =>
      metered.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demoSecret}`, 'x-organization-id': server.clinics[0]!.id },
        body: JSON.stringify({ query }),
      });
    await ask('query Rnd0 { me { scopes } }');
    await ask('query Two { me { scopes } patients(first: 1) { totalCount } }');
    const before = await seriesCount();
    for (let i = 1; i <= 60; i++) await ask(`query Rnd${i} { me { scopes } }`);
    await ask('query Again { me { scopes } patients(first: 1) { totalCount } }');
    expect(await seriesCount()).toBe(before);
    const text = await (await metered.yoga.fetch('http://yoga/metrics')).text();
    expect(text).toMatch(/clinicgraph_requests_total\{root_field="me",outcome="ok",status="200"\} 61/);
    expect(text).toMatch(/clinicgraph_requests_total\{root_field="\(several\)",outcome="ok",status="200"\} 2/);
    expect(text).not.toMatch(/Rnd\d/);
    await metered.close();
  });

  it('/health answers 200 while the process serves', async () => {
    expect((await app.yoga.fetch('http://yoga/health')).status).toBe(200);
  });

  it('/ready answers 200 when the database answers, 503 while draining or when it does not', async () => {
    const ready = await app.yoga.fetch('http://yoga/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const down = createApp({ db: { ...server.db, ping: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')) }, hardening: { logLevel: 'silent' } });
    const unavailable = await down.yoga.fetch('http://yoga/ready');
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).toBe('{"status":"unavailable","reason":"database unavailable"}');

    const hanging = createApp({ db: { ...server.db, ping: () => new Promise<void>(() => {}) }, hardening: { logLevel: 'silent', readyTimeoutMs: 100 } });
    const started = performance.now();
    expect((await hanging.yoga.fetch('http://yoga/ready')).status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);

    down.drain();
    expect(await (await down.yoga.fetch('http://yoga/ready')).json()).toEqual({ status: 'draining' });
    await Promise.all([down.close(), hanging.close()]);
  });

  it('/metrics is Prometheus text with requests by operation and outcome, and no clinic, app or key id', async () => {
    const response = await app.yoga.fetch('http://yoga/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/clinicgraph_requests_total\{root_field="patients",outcome="ok",status="200"\} \d+/);
    expect(text).toMatch(/clinicgraph_requests_total\{root_field="\(not executed\)",outcome="rate_limited",status="429"\} \d+/);
    expect(text).toMatch(/clinicgraph_request_duration_seconds_bucket\{le="0.1",root_field="patients",outcome="ok"\} \d/);
    // Operation names are the caller's: none becomes a label.
    expect(text).not.toContain('PatientList');
    expect(text).toContain('process_cpu_user_seconds_total');
    for (const clinic of server.clinics) expect(text).not.toContain(clinic.id);
    expect(text).not.toMatch(/app_[0-9a-z]{8}|org_|key_/);
  });
});
