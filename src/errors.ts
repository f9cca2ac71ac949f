import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
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
