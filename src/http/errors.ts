import { GraphQLError, type ExecutionResult } from 'graphql';
import { maskError as yogaMaskError, type Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../errors.js';
import { stateOf } from './request-state.js';

export const databaseRetryAfterSeconds = 5;

/** The error chain of a failure: GraphQL's originalError, `cause`, and Prisma's driver adapter error. */
function* chainOf(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (!error || typeof error !== 'object' || depth > 6) return;
  const node = error as Record<string, unknown>;
  yield node;
  yield* chainOf(node.originalError, depth + 1);
  yield* chainOf(node.cause, depth + 1);
  const meta = node.meta as Record<string, unknown> | undefined;
  yield* chainOf(meta?.driverAdapterError, depth + 1);
}

const unreachableKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
const unreachablePrismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const unreachableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** PostgreSQL: connection exceptions (class 08), shutting down or starting (57P01-57P03), too many connections. */
const unreachableSqlStates = /^(08...|57P0[123]|53300)$/;
const unreachableMessages = /Connection terminated|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|PGlite is closed|not queryable|terminating connection|Client was closed/i;

/** True when a failure means "the database is not answering", as opposed to a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const node of chainOf(error)) {
    const code = typeof node.code === 'string' ? node.code : undefined;
    const originalCode = typeof node.originalCode === 'string' ? node.originalCode : undefined;
    if (typeof node.kind === 'string' && unreachableKinds.has(node.kind)) return true;
    if (code && (unreachablePrismaCodes.has(code) || unreachableSocketCodes.has(code) || unreachableSqlStates.test(code))) return true;
    if (originalCode && unreachableSqlStates.test(originalCode)) return true;
    if (typeof node.message === 'string' && unreachableMessages.test(node.message)) return true;
  }
  return false;
}

/** Why PostgreSQL cancelled a statement (SQLSTATE 57014): its own timeout, or someone asked (pg_cancel_backend, a failover). */
export function cancelledStatement(error: unknown): 'timeout' | 'cancelled' | null {
  for (const node of chainOf(error)) {
    if (node.code !== '57014' && node.originalCode !== '57014') continue;
    const message = typeof node.message === 'string' ? node.message : '';
    return /statement timeout/i.test(message) ? 'timeout' : 'cancelled';
  }
  return null;
}

const retryHeaders = { 'Retry-After': String(databaseRetryAfterSeconds) };

const databaseFailures = {
  unavailable: { message: `The database is unavailable. Retry in ${databaseRetryAfterSeconds} seconds.`, code: 'SERVICE_UNAVAILABLE', reason: 'DATABASE_UNAVAILABLE' },
  cancelled: {
    message: `The database cancelled the query (an operator or a failover, not your request). Retry in ${databaseRetryAfterSeconds} seconds.`,
    code: 'SERVICE_UNAVAILABLE',
    reason: 'STATEMENT_CANCELLED',
  },
  timeout: {
    message: 'The database took too long to answer and the query was cancelled. Ask for fewer items (a smaller `first`) or narrower filters.',
    code: 'TIMEOUT',
    reason: 'STATEMENT_TIMEOUT',
  },
} as const satisfies Record<string, { message: string; code: ErrorCode; reason: string }>;

/** The reasons a database failure is answered with, for the log to tell them from unexpected errors. */
export const databaseFailureReasons: ReadonlySet<string> = new Set(Object.values(databaseFailures).map((failure) => failure.reason));

/**
 * The error a database failure is answered with, or null when `cause` is no database failure. At a
 * field (`located`) it keeps the path, and the rest of the data returns; for the whole request
 * (authentication) it is a 503 to retry, whichever the failure.
 */
export function databaseFailureError(cause: unknown, located?: GraphQLError): GraphQLError | null {
  const cancelled = cancelledStatement(cause);
  const failure = isDatabaseUnavailable(cause) ? databaseFailures.unavailable : cancelled ? databaseFailures[cancelled] : null;
  if (!failure) return null;
  const unavailable = failure.code === 'SERVICE_UNAVAILABLE' || !located;
  return new GraphQLError(failure.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions: { code: failure.code, reason: failure.reason, ...(unavailable ? { http: { status: 503, headers: retryHeaders } } : {}) },
  });
}

/**
 * Yoga's masking (no message, stack, SQL or internal name leaves the server) with the database
 * failures a caller can act on named plainly: unavailable or cancelled (retry), a timeout (ask for less).
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  let cause = error;
  while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
  // An error written for the caller (its message may quote their input) is never reclassified.
  if (cause instanceof GraphQLError) return yogaMaskError(error, message, isDev);
  return databaseFailureError(cause, error instanceof GraphQLError ? error : undefined) ?? yogaMaskError(error, message, isDev);
}

/** Ours, and the two of the persisted-query protocol, which Apollo's and urql's links recognize. */
const publicCodes = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL_SERVER_ERROR',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_MISMATCH',
]);

/**
 * graphql-js and yoga report parse, validation, variable and HTTP errors with their own codes (or
 * none): each maps to one of ours, by who must act on it.
 */
type PublicCode = ErrorCode | 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_MISMATCH';

function publicCode(error: GraphQLError): PublicCode {
  const code = error.extensions?.code;
  if (typeof code === 'string' && publicCodes.has(code)) return code as PublicCode;
  const http = error.extensions?.http as { status?: number } | undefined;
  if (http?.status && http.status >= 500) return 'INTERNAL_SERVER_ERROR';
  if (error.extensions?.unexpected) return 'INTERNAL_SERVER_ERROR';
  // Yoga's own request errors (BAD_REQUEST, GRAPHQL_PARSE_FAILED, …) and graphql-js's (no code) are the caller's.
  return 'BAD_USER_INPUT';
}

function clearMessage(error: GraphQLError, bodyLimit: number, development: boolean): string {
  if (error.extensions?.code === 'REQUEST_ENTITY_TOO_LARGE') {
    return `Request body is larger than ${bodyLimit} bytes. Send a shorter query or smaller variables, or split the request.`;
  }
  // Enum value suggestions come from variable coercion, which graphql-armor's filter (validation only) does not see.
  return development ? error.message : error.message.replace(/\s*Did you mean [^?]*\?/g, '');
}

/**
 * Yoga attaches the underlying error (a JSON parser's message, an exception's name) as
 * extensions.originalError, and also reads its presence to answer a JSON parsing failure with 400.
 * It stays present for that rule but serializes to nothing.
 */
class Withheld {
  toJSON(): undefined {
    return undefined;
  }
}

function withoutInternals(extensions: GraphQLError['extensions'], development: boolean): GraphQLError['extensions'] {
  if (development || !extensions.originalError || extensions.originalError instanceof Withheld) return extensions;
  return { ...extensions, originalError: new Withheld() };
}

function normalized(result: ExecutionResult, bodyLimit: number, development: boolean, codes: string[]): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const code = publicCode(error);
      codes.push(code);
      const message = clearMessage(error, bodyLimit, development);
      const extensions = withoutInternals(error.extensions, development);
      if (code === error.extensions?.code && message === error.message && extensions === error.extensions) return error;
      return new GraphQLError(message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: { ...extensions, code },
      });
    }),
  };
}

/** Every error leaves with one of the documented codes and a message that says what to do. */
export function useErrorCodes(options: { bodyLimit: number; development: boolean }): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      const state = stateOf(request);
      const codes = state.errorCodes;
      state.answeredData = !Array.isArray(result) && 'data' in result && result.data != null;
      if (Array.isArray(result)) setResult(result.map((r) => normalized(r, options.bodyLimit, options.development, codes)));
      else if (!(Symbol.asyncIterator in result)) setResult(normalized(result, options.bodyLimit, options.development, codes));
    },
  };
}
