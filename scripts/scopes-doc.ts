import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDirective } from '@graphql-tools/utils';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { projectRoot } from '../src/db/migrate.js';
import { schema } from '../src/schema/index.js';
import { scopeAliases, scopeDescriptionLine, scopeTable } from '../src/scopes.js';

export const scopesDocPath = path.join(projectRoot, 'docs/scopes.md');

const code = (names: string[]) => (names.length ? names.map((name) => `\`${name}\``).join(', ') : '—');

/** Where each scope is required in the built schema: guarded types, root fields, and other fields. */
function guardsOf(built: GraphQLSchema) {
  const guards = new Map<string, { types: string[]; rootFields: string[]; fields: string[] }>(
    scopeTable.map((entry) => [entry.id, { types: [], rootFields: [], fields: [] }]),
  );
  const scopesOf = (node: Parameters<typeof getDirective>[1]) =>
    (getDirective(built, node, 'requiresScopes')?.[0]?.scopes ?? []) as string[];
  const queryType = built.getQueryType();
  const unguardedRootFields: string[] = [];
  const types = Object.values(built.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const type of types) {
    for (const scope of scopesOf(type)) guards.get(scope)?.types.push(type.name);
    for (const field of Object.values(type.getFields()).sort((a, b) => a.name.localeCompare(b.name))) {
      const scopes = scopesOf(field);
      if (type === queryType && scopes.length === 0) unguardedRootFields.push(field.name);
      for (const scope of scopes) {
        const entry = guards.get(scope);
        if (type === queryType) entry?.rootFields.push(field.name);
        else entry?.fields.push(`${type.name}.${field.name}`);
      }
    }
  }
  return { guards, unguardedRootFields };
}

/** docs/scopes.md, from the scope table (ids, titles, descriptions) and the built schema (what each guards). */
export function renderScopesDoc(built: GraphQLSchema = schema): string {
  const { guards, unguardedRootFields } = guardsOf(built);
  const lines = [
    '# Scopes',
    '',
    '<!-- Generated from src/scopes.ts and the built schema by `npm run scopes:doc`; `npm run scopes:doc -- --check` fails on drift. Do not edit. -->',
    '',
    "A request reads what its **effective scopes** allow: the scopes its API key carries, that the clinic granted the app, and that the app declares, all three at once (`me { scopeStatus { scope effective reason } }` shows where the chain breaks).",
    '',
    [
      'The schema says what each guarded type and field needs, in two forms a tool can read: a',
      '`@requiresScopes(scopes: [...])` directive (in `schema.graphql`) and a line in its description',
      `(e.g. \`\` ${scopeDescriptionLine(scopeTable[0].id)} \`\`). A type guarded by a scope needs it wherever it is`,
      'reached: from a root field, a relation, `node` or `nodes`. Without the scope, the field answers `null`',
      'with a `FORBIDDEN` error whose `requiredScopes` names it.',
    ].join(' '),
    '',
    'Two ways to know before shipping:',
    '',
    '- `authorize(document:, variables:, operationName:)` checks an operation without running it: `requiredScopes`, `missingScopes` (with the reason for each), `cost`, and whether it is `valid`. It needs no scope: any valid key may call it.',
    '- Introspection with a key shows only the types and fields that key can read.',
    '',
    '| Scope | Title | Types |',
    '| --- | --- | --- |',
    ...scopeTable.map((entry) => `| \`${entry.id}\` | ${entry.title} | ${code(guards.get(entry.id)!.types)} |`),
  ];
  for (const entry of scopeTable) {
    const guard = guards.get(entry.id)!;
    lines.push(
      '',
      `## \`${entry.id}\`: ${entry.title}`,
      '',
      entry.description,
      '',
      `- Types: ${code(guard.types)}`,
      `- Root fields: ${code(guard.rootFields)}`,
      `- Other fields that need it: ${code(guard.fields)}`,
    );
  }
  lines.push(
    '',
    '## Legacy names',
    '',
    'Holding an alias counts as holding the scope it stands for.',
    '',
    '| Alias | Counts as | Note |',
    '| --- | --- | --- |',
    ...scopeAliases.map((alias) => `| \`${alias.alias}\` | \`${alias.satisfies}\` | ${alias.note} |`),
    '',
    '## Root fields that need no scope',
    '',
    `${code(unguardedRootFields)}. \`node\` and \`nodes\` need the scope of the type each id names.`,
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rendered = renderScopesDoc();
  if (process.argv.includes('--check')) {
    const committed = await readFile(scopesDocPath, 'utf8').catch(() => '');
    if (committed !== rendered) {
      console.error('docs/scopes.md is out of date with the scope table or the schema. Run: npm run scopes:doc');
      process.exit(1);
    }
    console.log('docs/scopes.md matches the scope table and the schema.');
  } else {
    await writeFile(scopesDocPath, rendered);
    console.log(`Wrote ${path.relative(process.cwd(), scopesDocPath)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
