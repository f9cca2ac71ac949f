import { GraphQLError } from 'graphql';
import type { DestinationStream, Logger } from 'pino';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { Caller } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { readHardeningConfig, withOverrides, type HardeningConfig, type HardeningOverrides } from './config.js';
import { databaseFailureReasons, maskError, useErrorCodes } from './errors.js';
import { useRequestBodyLimit } from './body-limit.js';
import { createRequestGuard } from './guard.js';
import { createReadiness } from './health.js';
import { createOperationLimits, useOperationLimits, type OperationLimits } from './limits.js';
import { createLogger, useRequestLogging, yogaLoggerOf } from './logging.js';
import { createMetrics } from './metrics.js';
import { createLimiters } from './rate-limit.js';
import { stateOf } from './request-state.js';

export interface HardeningOptions extends HardeningOverrides {
  /** Where JSON log lines go (stdout by default); tests pass a stream to read them. */
  logDestination?: DestinationStream;
  logger?: Logger;
}

export interface Hardening {
  config: HardeningConfig;
  /** The operation limits the pipeline enforces, for the dry run (`authorize`) to run the same ones. */
  operationLimits: OperationLimits;
  logger: Logger;
  /** Yoga plugins, in order: request logging and metrics, readiness, guard, limits (the body's first), error codes, cost. Yoga's own body limit must be off. */
  plugins: Plugin[];
  /** Yoga's masking (src/http/errors.ts), remembering the cause of each error it masks. */
  maskError: typeof maskError;
  /** Logs the cause of every masked error of a result under the request's trace id. */
  logUnexpected(errors: readonly unknown[], traceId: string): void;
  yogaLogger: YogaLogger;
  callerOf(request: Request): Caller | undefined;
  /** /ready answers 503 from now on. */
  drain(): void;
  close(): Promise<void>;
}

/** The HTTP layer's protections and operations around the GraphQL schema (issue 6). */
export function createHardening(options: {
  db: Database;
  traceIdOf: (request: Request) => string;
  hardening?: HardeningOptions;
}): Hardening {
  const { db, traceIdOf, hardening = {} } = options;
  const config = withOverrides(readHardeningConfig(), hardening);
  const logger = hardening.logger ?? createLogger(config.logLevel, hardening.logDestination);
  const limiters = createLimiters(config.rateLimit, logger);
  const metrics = createMetrics();
  const logging = useRequestLogging({ logger, traceIdOf, onCompleted: (completed) => metrics.observe(completed) });
  const readiness = createReadiness(db, config.readyTimeoutMs);
  const guard = createRequestGuard({ prisma: db.prisma, config, limiters, logger, traceIdOf });
  const operationLimits = createOperationLimits(config);
  const cost: Plugin = {
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      const requested = stateOf(request).cost;
      if (requested === undefined) return;
      setResult({ ...result, extensions: { ...result.extensions, cost: { requested, limit: config.limits.cost } } });
    },
  };
  // Yoga masks an error without knowing its request; the result it lands in does (useTraceId, src/yoga.ts).
  const causes = new WeakMap<object, unknown>();
  const maskAndRemember: typeof maskError = (error, message, isDev) => {
    const masked = maskError(error, message, isDev);
    if (masked !== error) causes.set(masked, error);
    return masked;
  };
  const logUnexpected = (errors: readonly unknown[], traceId: string) => {
    for (const error of errors) {
      if (!error || typeof error !== 'object' || !causes.has(error)) continue;
      let cause = causes.get(error);
      causes.delete(error);
      // The located GraphQLError around a resolver's exception says less than the exception itself.
      while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
      const path = (error as { path?: readonly (string | number)[] }).path?.join('.');
      const reason = (error as { extensions?: { reason?: unknown } }).extensions?.reason;
      // A database that stopped answering is an operations event, not a defect: warned under its own message.
      if (typeof reason === 'string' && databaseFailureReasons.has(reason)) logger.warn({ traceId, path, reason, err: cause }, 'database failure');
      else logger.error({ traceId, path, err: cause }, 'unexpected error');
    }
  };
  return {
    config,
    operationLimits,
    logger,
    plugins: [
      logging,
      metrics.plugin,
      readiness.plugin,
      guard.plugin,
      useRequestBodyLimit(config.limits.bodyBytes),
      ...(useOperationLimits(operationLimits, config) as Plugin[]),
      useErrorCodes({ bodyLimit: config.limits.bodyBytes, development: config.fieldSuggestions }),
      cost,
    ],
    maskError: maskAndRemember,
    logUnexpected,
    yogaLogger: yogaLoggerOf(logger),
    callerOf: guard.callerOf,
    drain: readiness.drain,
    close: () => limiters.close(),
  };
}
