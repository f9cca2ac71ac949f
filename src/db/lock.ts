import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * PGlite takes no lock of its own, and two processes writing one data directory corrupt it silently.
 * The server holds this lock while it runs; other processes (the CLI) see it and go through the server.
 */
const lockOptions = (dataDir: string) => ({
  lockfilePath: path.join(dataDir, 'clinicgraph.lock'),
  stale: 15_000,
  update: 5_000,
  realpath: false,
});

export class DataDirectoryBusyError extends Error {
  constructor(dataDir: string) {
    super(
      `Another clinicgraph process holds the embedded database in ${dataDir}. ` +
        'Stop it, or point DATABASE_URL at another directory (pglite:<dir>) or at a PostgreSQL server.',
    );
    this.name = 'DataDirectoryBusyError';
  }
}

export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, {
      ...lockOptions(dataDir),
      onCompromised: () => {
        // Losing the lock (e.g. the clock jumped) must not kill a serving process; the next update re-takes it.
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirectoryBusyError(dataDir);
    throw error;
  }
}

export async function isDataDirectoryLocked(dataDir: string): Promise<boolean> {
  await mkdir(dataDir, { recursive: true });
  return lockfile.check(dataDir, lockOptions(dataDir));
}
