import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { authenticate, type Caller } from './auth/authenticate.js';
import { LastUsedRecorder } from './auth/last-used.js';
import type { RequestContext } from './context.js';
import { Loaders } from './data/loaders.js';
import type { Database } from './db/database.js';
import { schema } from './schema/index.js';
import { createHardening, type Hardening, type HardeningOptions } from './http/hardening.js';
import { corsFor } from './http/cors.js';
import { usePhiAudit } from './audit/phi-audit.js';
import { ScopeUsageRecorder } from './audit/scope-usage.js';
import { useScopedIntrospection } from './schema/visibility.js';
import { createPersistedQueries } from './http/persisted-queries.js';
import { traceIdOf, useTracing } from './http/tracing.js';
import { useCompiledExecution, type ExecutionOptions } from './execution.js';
import { RequestCache } from '@pothos/plugin-scope-auth';
import type { AccountsOverrides } from './accounts/config.js';
import { createWebApp, useWebPages } from './web/app.js';

export interface AppOptions {
  db: Database;
  /** Headers GraphiQL starts with (the demo key and clinic), when demo data exists. */
  graphiqlHeaders?: Record<string, string>;
  /** Limits, rate limiting, logging (src/http/config.ts); each defaults to its environment variable. */
  hardening?: HardeningOptions;
  /** The schema served; defaults to clinicgraph's. The benchmark passes one built with scope checks disabled, to price them. */
  schema?: GraphQLSchema;
  /** Clinic admin accounts and sessions (src/accounts/config.ts); each defaults to its environment variable. */
  accounts?: AccountsOverrides;
  /** Whether queries one SQL statement can answer take that path (default: yes); the tests and the benchmark compare both. */
  execution?: ExecutionOptions;
}

export interface App {
  yoga: YogaServerInstance<Record<string, never>, RequestContext>;
  close(): Promise<void>;
  /** Starts a graceful shutdown: /ready answers 503 so no new traffic arrives. */
  drain(): void;
}

export { traceIdOf };

function withTraceId(result: ExecutionResult, traceId: string): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const traced = new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: { ...error.extensions, traceId },
      });
      // The compiled executor reports locations without the AST nodes they came from.
      if (!traced.locations && error.locations) (traced as { locations?: GraphQLError['locations'] }).locations = error.locations;
      return traced;
    }),
  };
}

/**
 * Pothos keeps each request's scope decisions in a WeakMap keyed by the request's context, in an entry
 * that holds the context itself. Released when execution ends, the request's objects (its loaders and
 * every row they read) die young; left to the weak map, they outlived the request.
 */
function useScopeCacheRelease(): Plugin<RequestContext> {
  // One hook object for every request: the payload names the context.
  const release = { onExecuteDone: ({ args }: { args: { contextValue: RequestContext } }) => void RequestCache.clearForContext(args.contextValue) };
  return { onExecute: () => release };
}

/**
 * Every response carries X-Trace-Id, and every error names the same id, so a support request can quote
 * one string; the server log has the cause of each unexpected error under it.
 */
function useTraceId(logUnexpected: (errors: readonly unknown[], traceId: string) => void): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      const traceId = traceIdOf(request);
      if (Symbol.asyncIterator in result) return;
      for (const one of Array.isArray(result) ? result : [result]) if (one.errors) logUnexpected(one.errors, traceId);
      if (Array.isArray(result)) setResult(result.map((r) => withTraceId(r, traceId)));
      else setResult(withTraceId(result, traceId));
    },
    onResponse({ request, response }) {
      response.headers.set('X-Trace-Id', traceIdOf(request));
    },
  };
}

/** What resolvers see of one request whose caller is authenticated. */
export function requestContext(options: { db: Database; hardening: Hardening; request: Request; caller: Caller }): RequestContext {
  const { db, hardening, request, caller } = options;
  return {
    traceId: traceIdOf(request),
    db,
    caller,
    loaders: new Loaders(db.reader(), caller.organization.id, caller.scopes),
    operationLimits: hardening.operationLimits,
  };
}

export function createApp({ db, graphiqlHeaders, hardening: hardeningOptions, schema: served = schema, accounts, execution }: AppOptions): App {
  const lastUsed = new LastUsedRecorder(db.prisma);
  const scopeUsage = new ScopeUsageRecorder(db.prisma);
  const hardening = createHardening({ db, traceIdOf, hardening: hardeningOptions });
  const persistedQueries = createPersistedQueries(hardening.config, hardening.logger);
  const web = createWebApp({
    prisma: db.prisma,
    accounts,
    logger: hardening.logger,
    throttleStore: { redisUrl: hardening.config.rateLimit.redisUrl, keyPrefix: hardening.config.rateLimit.keyPrefix },
  });
  const yoga = createYoga<Record<string, never>, RequestContext>({
    schema: served,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    cors: corsFor,
    maskedErrors: { isDev: false, maskError: hardening.maskError },
    // Enforced by the hardening plugins (src/http/body-limit.ts), without yoga's per-request stream copy.
    maxRequestBodySize: false,
    logging: hardening.yogaLogger,
    graphiql: {
      title: 'clinicgraph',
      headers: graphiqlHeaders ? JSON.stringify(graphiqlHeaders, null, 2) : undefined,
      defaultQuery: '{\n  me {\n    app { slug name }\n    organization { id name }\n    scopes\n  }\n}\n',
    },
    // GraphiQL with its scripts and styles inline (no CDN), loaded on the first page view only.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    plugins: [
      useTracing(),
      useTraceId(hardening.logUnexpected),
      ...hardening.plugins,
      useWebPages(web),
      // After the request guard: a hash is looked up (or a query registered) only for a caller it let through.
      persistedQueries.plugin,
      useCompiledExecution(execution),
      useScopedIntrospection(),
      usePhiAudit({ prisma: db.prisma, scopeUsage, logger: hardening.logger }),
      useScopeCacheRelease(),
    ],
    context: async ({ request }): Promise<RequestContext> => {
      // Authenticated (and rate limited) once, before parsing, by the request guard (src/http/guard.ts).
      const caller = hardening.callerOf(request) ?? (await authenticate(db.prisma, request.headers));
      lastUsed.touch(caller.key.id, caller.installation.id);
      return requestContext({ db, hardening, request, caller });
    },
  });
  return {
    yoga,
    close: async () => void (await Promise.all([lastUsed.flush(), scopeUsage.flush(), hardening.close(), web.close(), persistedQueries.close()])),
    drain: hardening.drain,
  };
}
