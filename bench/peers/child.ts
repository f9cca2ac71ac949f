/**
 * The measuring side of a peer process: counts requests and SQL statements, samples RSS, and answers
 * the orchestrator over IPC with CPU time (process.cpuUsage deltas), counts and peak RSS since the last reset.
 */
import type { Server } from 'node:http';

export interface PeerStats {
  cpuUserMs: number;
  cpuSystemMs: number;
  requests: number;
  statements: number;
  rssPeakMb: number;
  heapUsedMb: number;
}

export type ToPeer = { type: 'reset' } | { type: 'stats' } | { type: 'exit' };
export type FromPeer = { type: 'ready'; port: number } | { type: 'reset' } | { type: 'stats'; stats: PeerStats };

const counters = { requests: 0, statements: 0 };

/** Called by the peer for every SQL statement it sends. */
export function countStatement(): void {
  counters.statements += 1;
}

/** Listens on the port the orchestrator names and serves the IPC protocol until told to exit. */
export function runPeer(server: Server, close: () => Promise<void>): void {
  const port = Number(process.env.BENCH_PORT);
  if (!process.send || !port) throw new Error('Peers run as child processes of bench/run.ts (IPC and BENCH_PORT).');
  server.on('request', (_request, response) => response.on('finish', () => (counters.requests += 1)));
  server.keepAliveTimeout = 60_000;

  let cpu = process.cpuUsage();
  let rssPeak = process.memoryUsage.rss();
  // Sampling is cheap (one syscall per 20 ms) and catches the peak between stats requests.
  setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 20).unref();

  process.on('message', (message: ToPeer) => {
    if (message.type === 'reset') {
      counters.requests = 0;
      counters.statements = 0;
      cpu = process.cpuUsage();
      rssPeak = process.memoryUsage.rss();
      process.send!({ type: 'reset' } satisfies FromPeer);
    } else if (message.type === 'stats') {
      const used = process.cpuUsage(cpu);
      const stats: PeerStats = {
        cpuUserMs: used.user / 1000,
        cpuSystemMs: used.system / 1000,
        requests: counters.requests,
        statements: counters.statements,
        rssPeakMb: Math.max(rssPeak, process.memoryUsage.rss()) / 2 ** 20,
        heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
      };
      process.send!({ type: 'stats', stats } satisfies FromPeer);
    } else if (message.type === 'exit') {
      server.close();
      server.closeAllConnections();
      void close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(port, '127.0.0.1', () => process.send!({ type: 'ready', port } satisfies FromPeer));
}
