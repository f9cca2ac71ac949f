import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/**
 * PostgreSQL's default buffer cache (128 MB, sized for a server) lives inside PGlite's WebAssembly memory,
 * and PostgreSQL touches all of it at start: the embedded server held 420 MB of RSS idle. Pages it
 * evicts are read again from the data directory through the OS's page cache, outside the process;
 * patient pages (Q2's shape) cost the same CPU with 16 MB (about 50 ms each either way on the demo
 * database, 99 MB on disk), and PGlite alone holds 145 MB less (287 → 142 MB in a bare process).
 */
const sharedBuffers = '16MB';

/** Every embedded database loads the extensions the migrations create (trigram search indexes). */
export function newPGlite(dataDir?: string, options: PGliteOptions = {}): PGlite {
  const withExtensions = {
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
    ...options,
    extensions: { ...options.extensions, pg_trgm },
  };
  // PGlite reads its options from the first argument when no directory is given.
  return dataDir ? new PGlite(dataDir, withExtensions) : new PGlite(withExtensions);
}

/**
 * The PGlite adapter factory, with a shadow database that loads the same extensions: the stock one
 * opens a bare PGlite, on which replaying `CREATE EXTENSION pg_trgm` fails.
 */
export function pgliteAdapterFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPGlite(pglite);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => factory.connect(),
    connectToShadowDb: () => new PrismaPGlite(newPGlite()).connect(),
  };
}
