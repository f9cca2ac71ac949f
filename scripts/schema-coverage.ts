/**
 * How much of the served schema is described, per kind: named types, object and interface fields,
 * arguments (of fields and of our directives), input fields and enum values, each as described / total.
 * Reads the schema src/schema builds, not schema.graphql, so it measures the working tree.
 * `npm run schema:coverage` (`-- --missing` also lists what lacks a description).
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  type GraphQLArgument,
} from 'graphql';
import { schema } from '../src/schema/index.js';

const kinds = ['types', 'fields', 'arguments', 'inputFields', 'enumValues'] as const;
type Kind = (typeof kinds)[number];
const coverage = Object.fromEntries(kinds.map((kind) => [kind, { described: 0, missing: [] as string[] }])) as Record<
  Kind,
  { described: number; missing: string[] }
>;

function count(kind: Kind, coordinate: string, description: string | null | undefined) {
  if (description?.trim()) coverage[kind].described++;
  else coverage[kind].missing.push(coordinate);
}
const countArguments = (owner: string, args: readonly GraphQLArgument[]) =>
  args.forEach((arg) => count('arguments', `${owner}(${arg.name}:)`, arg.description));

for (const type of Object.values(schema.getTypeMap())) {
  if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
  count('types', type.name, type.description);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      count('fields', `${type.name}.${field.name}`, field.description);
      countArguments(`${type.name}.${field.name}`, field.args);
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) count('inputFields', `${type.name}.${field.name}`, field.description);
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) count('enumValues', `${type.name}.${value.name}`, value.description);
  }
}
for (const directive of schema.getDirectives()) if (!isSpecifiedDirective(directive)) countArguments(`@${directive.name}`, directive.args);

const listMissing = process.argv.includes('--missing');
for (const kind of kinds) {
  const { described, missing } = coverage[kind];
  const total = described + missing.length;
  console.log(`${kind.padEnd(12)} ${String(described).padStart(4)} / ${String(total).padEnd(4)} ${total ? Math.floor((100 * described) / total) : 100}%`);
  if (listMissing) for (const coordinate of missing) console.log(`  ${coordinate}`);
}
process.exit(0);
