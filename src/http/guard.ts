import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { authenticate, type Caller } from '../auth/authenticate.js';
import { clientError } from '../errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { HardeningConfig } from './config.js';
import { databaseFailureError } from './errors.js';
import { inputSizeError } from './limits.js';
import { rateLimitHeaders, type Limiters } from './rate-limit.js';
import { stateOf, type RateLimitState } from './request-state.js';

export interface RequestGuard {
  plugin: Plugin;
  /** The caller the guard authenticated for this request (the context reads it instead of authenticating again). */
  callerOf(request: Request): Caller | undefined;
}

export function clientAddress(request: Request, serverContext: unknown, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  const socket = (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket;
  return socket?.remoteAddress ?? 'unknown';
}

/** Its headers (Retry-After, X-RateLimit-*) are set once, on the response, like every rate-limited response's. */
function rateLimited(message: string, state: RateLimitState): GraphQLError {
  return clientError('RATE_LIMITED', message, { status: 429, details: { retryAfterSeconds: state.retryAfterSeconds } });
}

/**
 * Runs once per GraphQL request before anything is parsed: size bounds, then the failed-authentication
 * limit of the client address, authentication, and the installation's rate limit. An unauthenticated
 * caller learns nothing about the schema (not even from validation errors), and a flood is refused
 * before it costs a parse.
 */
export function createRequestGuard(options: {
  prisma: PrismaClient;
  config: HardeningConfig;
  limiters: Limiters;
  logger: Logger;
  traceIdOf: (request: Request) => string;
}): RequestGuard {
  const { prisma, config, limiters, logger, traceIdOf } = options;
  const callers = new WeakMap<Request, Caller>();
  const { points, durationSeconds, authFailurePoints, authFailureDurationSeconds } = config.rateLimit;

  async function guard(request: Request, serverContext: unknown, params: Parameters<typeof inputSizeError>[0]): Promise<GraphQLError | null> {
    const tooLarge = inputSizeError(params, config.limits);
    if (tooLarge) return tooLarge;

    await limiters.ready;
    const address = clientAddress(request, serverContext, config.trustProxy);
    const failures = await limiters.authFailures.get(address).catch(() => null);
    if (failures && failures.consumedPoints >= authFailurePoints && failures.msBeforeNext > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(failures.msBeforeNext / 1000));
      return clientError(
        'RATE_LIMITED',
        `Too many failed authentications from this address (${authFailurePoints} per ${authFailureDurationSeconds} s). Retry in ${retryAfterSeconds} s.`,
        { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) }, details: { retryAfterSeconds } },
      );
    }

    let caller: Caller;
    try {
      caller = await authenticate(prisma, request.headers);
    } catch (error) {
      if (error instanceof GraphQLError) {
        if (error.extensions.code === 'UNAUTHENTICATED') {
          await limiters.authFailures.penalty(address).catch(() => undefined);
        }
        return error;
      }
      const failure = databaseFailureError(error);
      if (failure) return failure;
      logger.error({ traceId: traceIdOf(request), err: error }, 'unexpected error');
      return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } } });
    }

    const state = stateOf(request);
    state.caller = caller;
    callers.set(request, caller);
    state.rateLimit = await limiters.installation.consume(caller.installation.id);
    if (state.rateLimit.retryAfterSeconds) {
      return rateLimited(
        `Rate limit exceeded: ${points} requests per ${durationSeconds} s for this app in this clinic. Retry in ${state.rateLimit.retryAfterSeconds} s.`,
        state.rateLimit,
      );
    }
    return null;
  }

  return {
    callerOf: (request) => callers.get(request),
    plugin: {
      async onParams({ request, params, setResult, context }) {
        const refusal = await guard(request, context, params);
        if (refusal) setResult({ errors: [refusal] });
      },
      onResponse({ request, response }) {
        const rateLimit = stateOf(request).rateLimit;
        if (!rateLimit) return;
        for (const [name, value] of Object.entries(rateLimitHeaders(rateLimit))) response.headers.set(name, value);
      },
    },
  };
}
