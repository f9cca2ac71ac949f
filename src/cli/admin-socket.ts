import { createServer, request, type Server } from 'node:http';
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '../generated/prisma/client.js';
import { MarketplaceError } from '../marketplace/service.js';
import { isOperationName, runOperation } from '../marketplace/operations.js';

/**
 * The running server owns the embedded database (PGlite allows one process per directory), so CLI
 * commands reach it through a unix socket inside the data directory: only users who can read the
 * directory can use it, and nothing listens on the network.
 */
export function adminSocketPath(dataDir: string): string {
  return path.join(dataDir, 'admin.sock');
}

interface OperationReply {
  ok: boolean;
  result?: unknown;
  error?: { message: string; code: string };
}

export async function startAdminSocket(dataDir: string, prisma: PrismaClient): Promise<Server> {
  const socketPath = adminSocketPath(dataDir);
  await rm(socketPath, { force: true });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      let reply: OperationReply;
      try {
        const { operation, input } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { operation: string; input: unknown };
        if (!isOperationName(operation)) throw new MarketplaceError(`Unknown operation "${operation}".`);
        reply = { ok: true, result: await runOperation(prisma, operation, input) };
      } catch (error) {
        reply =
          error instanceof MarketplaceError
            ? { ok: false, error: { message: error.message, code: error.code } }
            : { ok: false, error: { message: 'The server could not run the command; see its log.', code: 'internal' } };
        if (!(error instanceof MarketplaceError)) console.error('admin operation failed', error);
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  await chmod(socketPath, 0o600);
  return server;
}

export function callAdminSocket(dataDir: string, operation: string, input: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: adminSocketPath(dataDir), path: '/operation', method: 'POST' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OperationReply;
          if (reply.ok) resolve(reply.result);
          else reject(new MarketplaceError(reply.error?.message ?? 'The server refused the command.'));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', (error) =>
      reject(
        new Error(
          `The embedded database in ${dataDir} is held by a running server, but its admin socket did not answer (${error.message}). Is that server still starting?`,
        ),
      ),
    );
    req.end(JSON.stringify({ operation, input }));
  });
}
