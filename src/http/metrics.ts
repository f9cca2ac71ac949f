import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Plugin } from 'graphql-yoga';
import type { Completed } from './logging.js';

const operationNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Operation names are chosen by callers: past this many distinct ones, new names count as "other". */
const maxOperationLabels = 200;

export interface Metrics {
  registry: Registry;
  observe(completed: Completed): void;
  plugin: Plugin;
}

/**
 * Prometheus metrics at /metrics, one registry per app. Labels carry operation names, outcomes and
 * status codes only: no clinic, app or key id, no argument (clinic ids in labels would also make
 * the series count grow with customers).
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'clinicgraph_requests_total',
    help: 'HTTP requests, by GraphQL operation name, outcome and status.',
    labelNames: ['operation', 'outcome', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'clinicgraph_request_duration_seconds',
    help: 'Time from request to response, by GraphQL operation name and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const seen = new Set<string>();
  const operationLabel = (completed: Completed): string => {
    const name = completed.state.operationName;
    if (name === undefined) return completed.state.caller ? '(not executed)' : '(none)';
    if (name === null) return '(anonymous)';
    if (!operationNamePattern.test(name)) return '(other)';
    if (!seen.has(name)) {
      if (seen.size >= maxOperationLabels) return '(other)';
      seen.add(name);
    }
    return name;
  };

  return {
    registry,
    observe(completed) {
      const path = new URL(completed.request.url, 'http://localhost').pathname;
      if (path === '/metrics' || path === '/health' || path === '/ready') return;
      const operation = operationLabel(completed);
      requests.inc({ operation, outcome: completed.outcome, status: String(completed.response.status) });
      duration.observe({ operation, outcome: completed.outcome }, completed.durationMs / 1000);
    },
    plugin: {
      onRequest({ request, url, endResponse, fetchAPI }) {
        if (request.method !== 'GET' || url.pathname !== '/metrics') return;
        return registry.metrics().then((text) => endResponse(new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType } })));
      },
    },
  };
}
