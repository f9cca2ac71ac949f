import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoSecret } from '../src/auth/keys.js';
import { tracingConfigured } from '../src/telemetry.js';
import { createApp, type App } from '../src/yoga.js';
import { startTestServer, type TestServer } from './support/app.js';

// The SDK a deployment starts with an OTLP endpoint, here with an exporter the test can read.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

let server: TestServer;
let app: App;
const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

beforeAll(async () => {
  server = await startTestServer();
  app = createApp({ db: server.db, hardening: { logDestination: capture, logLevel: 'info' } });
});
afterAll(async () => {
  await app.close();
  await server.close();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

async function call(query: string, headers: Record<string, string> = {}) {
  const response = await server.fetchAs({ headers }, app)('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { response, body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } };
}

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentSpanId = '00f067aa0ba902b7';
const traceparent = `00-${traceId}-${parentSpanId}-01`;

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('trace context', () => {
  it("a traceparent's trace id is the one in the log line, the error and the X-Trace-Id header", async () => {
    const { response, body } = await call('query Broken { patient(id: "not-an-id") { id } }', { traceparent });
    expect(response.headers.get('x-trace-id')).toBe(traceId);
    expect(body.errors?.[0]?.extensions?.traceId).toBe(traceId);
    const line = lines.find((entry) => entry.traceId === traceId);
    expect(line).toMatchObject({ msg: 'request', operationName: 'Broken' });
  });

  it('without traceparent, X-Request-Id is the trace id; a malformed one is ignored', async () => {
    expect((await call('{ me { scopes } }', { 'x-request-id': 'lb-7f3a-0042' })).response.headers.get('x-trace-id')).toBe('lb-7f3a-0042');
    const ignored = (await call('{ me { scopes } }', { 'x-request-id': 'two words' })).response.headers.get('x-trace-id');
    expect(ignored).toMatch(/^[0-9a-f]{32}$/);
    const malformedParent = (await call('{ me { scopes } }', { traceparent: '00-zz-00-01' })).response.headers.get('x-trace-id');
    expect(malformedParent).toMatch(/^[0-9a-f]{32}$/);
    expect(malformedParent).not.toBe(ignored);
  });
});

describe('OpenTelemetry spans', () => {
  it('one for the request (child of the caller span), one for execution, one per SQL statement beneath them', async () => {
    const { body } = await call('query Schedule { appointments(first: 3) { nodes { id patient { lastName } } } }', { traceparent });
    expect(body.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([traceId]));

    const request = spans.find((span) => span.kind === SpanKind.SERVER)!;
    expect(request.name).toBe('POST /graphql');
    expect(parentOf(request)).toBe(parentSpanId);
    expect(request.attributes['http.response.status_code']).toBe(200);

    const execution = spans.find((span) => span.name === 'query Schedule')!;
    expect(execution).toBeDefined();
    expect(parentOf(execution)).toBe(request.spanContext().spanId);
    expect(execution.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Schedule' });

    const statements = spans.filter((span) => span.kind === SpanKind.CLIENT);
    const ofExecution = statements.filter((span) => parentOf(span) === execution.spanContext().spanId);
    // The page of appointments, and their patients: each a statement inside the execution.
    expect(ofExecution.map((span) => span.attributes['db.query.text'])).toEqual(
      expect.arrayContaining([expect.stringContaining('"Appointment"'), expect.stringContaining('"Patient"')]),
    );
    // Authentication runs before execution, inside the request.
    expect(statements.some((span) => parentOf(span) === request.spanContext().spanId)).toBe(true);
    // Statements are recorded as parameterized text: no value a query was given.
    for (const span of statements) expect(String(span.attributes['db.query.text'])).not.toContain(demoSecret);
  });

  it('without a traceparent the SDK starts the trace: the request span is a root, execution and statements beneath it', async () => {
    const { response, body } = await call('query Me { me { scopes } }');
    expect(body.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.kind === SpanKind.SERVER)!;
    expect(parentOf(request)).toBeUndefined();
    expect(response.headers.get('x-trace-id')).toBe(request.spanContext().traceId);
    const execution = spans.find((span) => span.name === 'query Me')!;
    expect(parentOf(execution)).toBe(request.spanContext().spanId);
    expect(spans.some((span) => span.kind === SpanKind.CLIENT && parentOf(span) === request.spanContext().spanId)).toBe(true);
  });

  it('an SDK starts only when an OTLP endpoint is configured', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });
});
