import type { DestinationStream, Logger } from 'pino';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { Caller } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { readHardeningConfig, withOverrides, type HardeningConfig, type HardeningOverrides } from './config.js';
import { maskError, useErrorCodes } from './errors.js';
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
  /** Yoga plugins, in order: request logging and metrics, readiness, guard, limits, error codes, cost. */
  plugins: Plugin[];
  maskError: typeof maskError;
  yogaLogger: YogaLogger;
  maxRequestBodySize: number;
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
  const guard = createRequestGuard({ prisma: db.prisma, config, limiters, logger });
  const operationLimits = createOperationLimits(config);
  const cost: Plugin = {
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      const requested = stateOf(request).cost;
      if (requested === undefined) return;
      setResult({ ...result, extensions: { ...result.extensions, cost: { requested, limit: config.limits.cost } } });
    },
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
      ...(useOperationLimits(operationLimits, config) as Plugin[]),
      useErrorCodes({ bodyLimit: config.limits.bodyBytes, development: config.fieldSuggestions }),
      cost,
    ],
    maskError,
    yogaLogger: yogaLoggerOf(logger),
    maxRequestBodySize: config.limits.bodyBytes,
    callerOf: guard.callerOf,
    drain: readiness.drain,
    close: () => limiters.close(),
  };
}
