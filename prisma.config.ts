import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma's CLI insists on a native schema engine path before `generate`, then never runs it.
// Pointing it at a stub keeps `npm ci` offline; migrations run through the WASM engine (src/db/migrate.ts).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve('prisma/schema-engine-unavailable.sh');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
