import { createServer, type RequestListener, type Server } from 'node:http';
import type { ServerConfig } from './config.js';

/** The HTTP server around the app, with the socket timeouts of the configuration. */
export function createHttpServer(handler: RequestListener, config: Pick<ServerConfig, 'keepAliveTimeoutMs' | 'headersTimeoutMs' | 'requestTimeoutMs'>): Server {
  const server = createServer({ requestTimeout: config.requestTimeoutMs, headersTimeout: config.headersTimeoutMs }, handler);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  return server;
}
