import type { Server } from 'node:http';

/**
 * Stops accepting connections, closes idle keep-alive ones, and waits for in-flight requests to
 * finish; after `timeoutMs` the remaining connections are cut. Resolves with whether every request
 * finished in time.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let finished = false;
    const timer = setTimeout(() => {
      if (finished) return;
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      finished = true;
      clearTimeout(timer);
      resolve(true);
    });
    server.closeIdleConnections();
    // Keep-alive connections that finish their request while closing become idle: close those too.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
  });
}
