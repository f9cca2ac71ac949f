import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Kind, getOperationAST, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Completed } from './logging.js';

/** The `root_field` label of each operation, per parsed document (yoga's parse cache hands the same one back). */
const rootFieldLabels = new WeakMap<DocumentNode, Map<string, string | null>>();

/** The operation's one root field, `(several)`, or null when it selects none (or the document has no such operation). */
function rootFieldLabel(document: DocumentNode, operationName: string | null | undefined): string | null {
  let byName = rootFieldLabels.get(document);
  if (!byName) rootFieldLabels.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let label = byName.get(key);
  if (label === undefined) {
    const fields = rootFieldsOf(document, operationName);
    label = fields.size === 0 ? null : fields.size === 1 ? [...fields][0]! : '(several)';
    byName.set(key, label);
  }
  return label;
}

/** The schema fields an operation selects at its root (through fragments), aliases aside. */
function rootFieldsOf(document: DocumentNode, operationName: string | null | undefined): Set<string> {
  const fields = new Set<string>();
  const operation = getOperationAST(document, operationName);
  if (!operation) return fields;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return fields;
}

export interface Metrics {
  registry: Registry;
  observe(completed: Completed): void;
  plugin: Plugin;
}

/**
 * Prometheus metrics at /metrics, one registry per app. Labels carry the root field, outcome and
 * status only. Not the operation name: callers choose it, so any key could create series without
 * bound (and a first-come allow-list would let early names crowd out the rest). The root field is
 * the schema's (`patients`, `me`; `(several)` for more than one), so the series count is bounded by
 * the schema and says which part of the API is slow or failing; the request log line has the
 * operation name of each request. No clinic, app or key id, no argument value.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'clinicgraph_requests_total',
    help: 'HTTP requests, by root field of the GraphQL operation, outcome and status.',
    labelNames: ['root_field', 'outcome', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'clinicgraph_request_duration_seconds',
    help: 'Time from request to response, by root field of the GraphQL operation and outcome.',
    labelNames: ['root_field', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rootFields = new WeakMap<Request, string>();
  const rootFieldOf = (completed: Completed): string => {
    const executed = rootFields.get(completed.request);
    if (executed) return executed;
    return completed.state.caller ? '(not executed)' : '(none)';
  };

  return {
    registry,
    observe(completed) {
      const path = new URL(completed.request.url, 'http://localhost').pathname;
      if (path === '/metrics' || path === '/health' || path === '/ready') return;
      const rootField = rootFieldOf(completed);
      requests.inc({ root_field: rootField, outcome: completed.outcome, status: String(completed.response.status) });
      duration.observe({ root_field: rootField, outcome: completed.outcome }, completed.durationMs / 1000);
    },
    plugin: {
      onExecute({ args }) {
        // After validation: every name is a field of the schema's root type.
        const label = rootFieldLabel(args.document, args.operationName);
        const request = (args.contextValue as { request?: Request }).request;
        if (request && label) rootFields.set(request, label);
      },
      onRequest({ request, url, endResponse, fetchAPI }) {
        if (request.method !== 'GET' || url.pathname !== '/metrics') return;
        return registry.metrics().then((text) => endResponse(new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType } })));
      },
    },
  };
}
