import type { Plugin } from 'graphql-yoga';
import type { Database } from '../db/database.js';

export interface Readiness {
  plugin: Plugin;
  /** From now on /ready answers 503, so a load balancer stops sending new requests (graceful shutdown). */
  drain(): void;
}

function json(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/**
 * /ready: 200 when the database answers a round trip within the timeout, 503 otherwise (or while
 * draining). /health (yoga's) only says the process serves HTTP. Neither needs an API key, and neither
 * says more than "database unavailable".
 */
export function createReadiness(db: Database, timeoutMs: number): Readiness {
  let draining = false;
  const check = async (): Promise<Response> => {
    if (draining) return json(503, { status: 'draining' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    try {
      await Promise.race([db.ping(), timeout]);
      return json(200, { status: 'ready' });
    } catch {
      return json(503, { status: 'unavailable', reason: 'database unavailable' });
    } finally {
      clearTimeout(timer);
    }
  };
  // Yoga's useReadinessCheck answers the same, but also matches every other request's URL against a
  // URLPattern (a JavaScript polyfill, about 1.5 µs a request) to learn what its pathname already says.
  const plugin: Plugin = {
    onRequest({ url, endResponse }) {
      if (url.pathname === '/ready') return check().then(endResponse);
    },
  };
  return {
    plugin,
    drain: () => {
      draining = true;
    },
  };
}
