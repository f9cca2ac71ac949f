import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startAdminSocket } from '../../src/cli/admin-socket.js';
import { lockDataDirectory } from '../../src/db/lock.js';
import type { DiskDatabase } from './database.js';

/** Runs the CLI in process as `npm run cli -- …args` would, capturing what it prints. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  try {
    const code = await main(['node', 'clinicgraph', ...args]);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/**
 * Holds an on-disk test database the way a running server does (the data-directory lock and the admin
 * socket, on the embedded database) and points the CLI's DATABASE_URL at it; resolves with the undo.
 */
export async function holdAsServer(disk: DiskDatabase): Promise<() => Promise<void>> {
  const previousUrl = process.env.DATABASE_URL;
  const releaseLock = disk.dataDir ? await lockDataDirectory(disk.dataDir) : null;
  const adminSocket = disk.dataDir ? await startAdminSocket(disk.dataDir, disk.db.prisma) : null;
  process.env.DATABASE_URL = disk.databaseUrl;
  return async () => {
    process.env.DATABASE_URL = previousUrl;
    adminSocket?.close();
    // The lock lives in the data directory, which closing the test database deletes.
    await releaseLock?.();
  };
}
