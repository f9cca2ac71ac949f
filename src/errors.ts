import { GraphQLError } from 'graphql';
import { insufficientScopeMessage, type Scope } from './scopes.js';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  /** The database (or the PHI record) is not answering: retry after `Retry-After`. */
  | 'SERVICE_UNAVAILABLE'
  /** A statement ran past DATABASE_STATEMENT_TIMEOUT_MS: ask for less. */
  | 'TIMEOUT'
  | 'INTERNAL_SERVER_ERROR';

/** An error meant for the caller: its message says what to fix; `status` is used when it fails the whole request. */
export function clientError(
  code: ErrorCode,
  message: string,
  options: { status?: number; headers?: Record<string, string>; details?: Record<string, unknown> } = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code,
      ...options.details,
      ...(options.status ? { http: { status: options.status, headers: options.headers } } : {}),
    },
  });
}

export function badUserInput(message: string, details?: Record<string, unknown>): GraphQLError {
  return clientError('BAD_USER_INPUT', message, { details });
}

/** The error of a field the caller's scopes do not reach: it names every missing scope. */
export function insufficientScope(required: readonly Scope[]): GraphQLError {
  return clientError('FORBIDDEN', insufficientScopeMessage(required), { details: { requiredScopes: [...required] } });
}
