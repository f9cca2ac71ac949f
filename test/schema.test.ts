import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printSchemaWithDirectives, getDirective } from '@graphql-tools/utils';
import { isObjectType, lexicographicSortSchema } from 'graphql';
import { pendingSchemaChangeSql, projectRoot } from '../src/db/migrate.js';
import { requiresScopesDirective, schema } from '../src/schema/index.js';
import { scopeOfType, scopeTable } from '../src/scopes.js';

describe('schema and migrations', () => {
  it('schema.graphql is the printed schema (run `npm run schema` after changing src/schema)', async () => {
    const committed = await readFile(path.join(projectRoot, 'schema.graphql'), 'utf8');
    expect(committed).toBe(`${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`);
  });

  it('every type of the scope table is in the schema, guarded by its scope, and says so', () => {
    for (const entry of scopeTable) {
      for (const typeName of entry.guards) {
        const type = schema.getType(typeName);
        expect(type && isObjectType(type), typeName).toBe(true);
        if (!type || !isObjectType(type)) continue;
        expect(getDirective(schema, type, requiresScopesDirective.name)?.[0]?.scopes, typeName).toEqual([entry.id]);
        expect(type.description, typeName).toContain(`Requires scope \`${entry.id}\`.`);
        expect(scopeOfType[typeName]).toBe(entry.id);
      }
    }
  });

  it('prisma/migrations carries everything schema.prisma describes (run `npm run db:migration -- <name>` otherwise)', async () => {
    expect(await pendingSchemaChangeSql()).toBe('');
  }, 120_000);
});
