import { randomUUID } from 'node:crypto';
import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Spans go through the OpenTelemetry API. Without an SDK (src/telemetry.ts starts one only when an OTLP
 * endpoint is configured) the API's tracer is a no-op: a span is a small object that records nothing,
 * and no context is propagated, so tracing costs about nothing.
 */
export const tracer = trace.getTracer('clinicgraph');

/** W3C Trace Context, read here whether or not an SDK is registered: the trace id reaches the logs either way. */
const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** A proxy's or client's request id, used as the trace id when no `traceparent` came: printable, at most 128 characters. */
const requestIdPattern = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

interface RequestTrace {
  traceId: string;
  span: Span;
  /**
   * Whether the request belongs to a trace: an SDK started its span, or the caller sent one. Otherwise
   * every span below it is a no-op too, and neither spans nor their context are worth a step.
   */
  live: boolean;
}

/** 32 hex digits from a random UUID: Node draws UUIDs from a buffered pool, a tenth of randomBytes' cost; its last 7 bytes are random, as W3C Trace Context asks. */
const newTraceId = () => randomUUID().replaceAll('-', '');

const traces = new WeakMap<Request, RequestTrace>();

function startRequestTrace(request: Request): RequestTrace {
  const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
  const path = new URL(request.url, 'http://localhost').pathname;
  const span = tracer.startSpan(
    `${request.method} ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path } },
    parent,
  );
  const incoming = trace.getSpanContext(parent);
  const requestId = request.headers.get('x-request-id');
  const validRequestId = requestId && requestIdPattern.test(requestId) ? requestId : null;
  if (validRequestId) span.setAttribute('http.request.header.x-request-id', validRequestId);
  const own = span.spanContext();
  const traceId =
    incoming && isSpanContextValid(incoming)
      ? incoming.traceId
      : (validRequestId ?? (isSpanContextValid(own) ? own.traceId : newTraceId()));
  const started = { traceId, span, live: isSpanContextValid(own) };
  traces.set(request, started);
  return started;
}

/**
 * The id that ties a request's log line, its errors, its X-Trace-Id header and its spans together: the
 * trace id of a W3C `traceparent` the caller sent, else its `X-Request-Id`, else the trace id of the
 * request's span when an SDK records it, else a new W3C-shaped trace id (32 hex digits).
 */
export function traceIdOf(request: Request): string {
  return (traces.get(request) ?? startRequestTrace(request)).traceId;
}

const executionSpans = new WeakMap<object, Span>();

function ended<T>(span: Span, run: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    throw error;
  };
  let result: T;
  try {
    result = run();
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise) {
    return result.then((value) => {
      span.end();
      return value;
    }, fail) as T;
  }
  span.end();
  return result;
}

/**
 * A span for each request (a child of the caller's `traceparent`), one for its execution, and, through
 * the database (src/db/database.ts), one for each SQL statement, each the child of the one that
 * caused it. The document and variables are never recorded: they can hold patient data.
 */
export function useTracing(): Plugin<{ request: Request }> {
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const { span, live } = traces.get(request) ?? startRequestTrace(request);
        if (!live) return wrapped();
        return context.with(trace.setSpan(context.active(), span), () => ended(span, wrapped));
      },
      execute: ({ context: graphqlContext }, wrapped) => {
        const request = (graphqlContext as { request?: Request }).request;
        if (request && traces.get(request)?.live === false) return wrapped();
        const span = tracer.startSpan('graphql.execute', { kind: SpanKind.INTERNAL });
        executionSpans.set(graphqlContext, span);
        return context.with(trace.setSpan(context.active(), span), () => ended(span, wrapped));
      },
    },
    onExecute({ args }) {
      const span = executionSpans.get(args.contextValue);
      if (!span?.isRecording()) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      span.updateName(`${operation.operation} ${operation.name?.value ?? ''}`.trim());
      span.setAttribute('graphql.operation.type', operation.operation);
      if (operation.name) span.setAttribute('graphql.operation.name', operation.name.value);
    },
    onResponse({ request, response }) {
      const span = traces.get(request)?.span;
      if (!span?.isRecording()) return;
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    },
  };
}

/** Runs one SQL statement inside a span (a child of the execution or request that sent it). */
export function tracedStatement<T>(sql: string, run: () => Promise<T>): Promise<T> {
  const span = tracer.startSpan('postgresql', { kind: SpanKind.CLIENT });
  // Without an SDK nothing records: the statement runs as it would untraced (no name, no extra promise).
  if (!span.isRecording()) return run();
  const operation = /^\s*(\w+)/.exec(sql)?.[1];
  span.updateName(operation ? operation.toUpperCase() : 'SQL');
  // Parameterized text only: values (patient data among them) travel separately and are not recorded.
  span.setAttributes({ 'db.system.name': 'postgresql', 'db.query.text': sql.slice(0, 2000) });
  return ended(span, run);
}
