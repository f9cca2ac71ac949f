import { randomUUID } from 'node:crypto';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { authenticate } from './auth/authenticate.js';
import { LastUsedRecorder } from './auth/last-used.js';
import type { RequestContext } from './context.js';
import { Loaders } from './data/loaders.js';
import type { Database } from './db/database.js';
import { schema } from './schema/index.js';

export interface AppOptions {
  db: Database;
  /** Headers GraphiQL starts with (the demo key and clinic), when demo data exists. */
  graphiqlHeaders?: Record<string, string>;
}

export interface App {
  yoga: YogaServerInstance<Record<string, never>, RequestContext>;
  close(): Promise<void>;
}

const traceIds = new WeakMap<Request, string>();

export function traceIdOf(request: Request): string {
  let traceId = traceIds.get(request);
  if (!traceId) {
    traceId = randomUUID();
    traceIds.set(request, traceId);
  }
  return traceId;
}

function withTraceId(result: ExecutionResult, traceId: string): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map(
      (error) =>
        new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          path: error.path,
          originalError: error.originalError,
          extensions: { ...error.extensions, traceId },
        }),
    ),
  };
}

/** Every response carries X-Trace-Id, and every error names the same id, so a support request can quote one string. */
function useTraceId(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      const traceId = traceIdOf(request);
      if (Array.isArray(result)) setResult(result.map((r) => withTraceId(r, traceId)));
      else if (!(Symbol.asyncIterator in result)) setResult(withTraceId(result, traceId));
    },
    onResponse({ request, response }) {
      response.headers.set('X-Trace-Id', traceIdOf(request));
    },
  };
}

export function createApp({ db, graphiqlHeaders }: AppOptions): App {
  const lastUsed = new LastUsedRecorder(db.prisma);
  const yoga = createYoga<Record<string, never>, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    maskedErrors: { isDev: false },
    graphiql: {
      title: 'clinicgraph',
      headers: graphiqlHeaders ? JSON.stringify(graphiqlHeaders, null, 2) : undefined,
      defaultQuery: '{\n  me {\n    app { slug name }\n    organization { id name }\n    scopes\n  }\n}\n',
    },
    plugins: [useTraceId()],
    context: async ({ request }): Promise<RequestContext> => {
      const caller = await authenticate(db.prisma, request.headers);
      lastUsed.touch(caller.key.id);
      return {
        traceId: traceIdOf(request),
        db,
        caller,
        loaders: new Loaders(db.prisma, caller.organization.id),
      };
    },
  });
  return { yoga, close: () => lastUsed.flush() };
}
