import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema } from 'graphql';
import { projectRoot } from '../src/db/migrate.js';
import { schema } from '../src/schema/index.js';

const file = path.join(projectRoot, 'schema.graphql');
const printed = `${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`;

if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== printed) {
    console.error('schema.graphql is out of date with src/schema. Run: npm run schema');
    process.exit(1);
  }
  console.log('schema.graphql matches src/schema.');
} else {
  await writeFile(file, printed);
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
}
