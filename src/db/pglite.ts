import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/** Every embedded database loads the extensions the migrations create (trigram search indexes). */
export function newPGlite(dataDir?: string, options: PGliteOptions = {}): PGlite {
  const withExtensions = { ...options, extensions: { ...options.extensions, pg_trgm } };
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
