/**
 * How much of schema.graphql is described: object and interface fields, arguments (of fields and
 * directives), input fields, enum values and named types, each as described / total.
 * `npx tsx scripts/description-coverage.ts [schema.graphql]`.
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isIntrospectionType,
  type GraphQLArgument,
} from 'graphql';

const schema = buildSchema(readFileSync(process.argv[2] ?? 'schema.graphql', 'utf8'));
const counts: Record<string, [number, number]> = { types: [0, 0], fields: [0, 0], arguments: [0, 0], inputFields: [0, 0], enumValues: [0, 0] };
const count = (kind: string, description: string | null | undefined) => {
  counts[kind]![1]++;
  if (description?.trim()) counts[kind]![0]++;
};
const countArguments = (args: readonly GraphQLArgument[]) => args.forEach((arg) => count('arguments', arg.description));

for (const type of Object.values(schema.getTypeMap())) {
  if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
  count('types', type.description);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      count('fields', field.description);
      countArguments(field.args);
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) count('inputFields', field.description);
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) count('enumValues', value.description);
  }
}
for (const directive of schema.getDirectives()) if (!['skip', 'include', 'deprecated', 'specifiedBy', 'oneOf'].includes(directive.name)) countArguments(directive.args);

for (const [kind, [described, total]] of Object.entries(counts)) {
  console.log(`${kind.padEnd(12)} ${String(described).padStart(4)} / ${String(total).padEnd(4)} ${total ? Math.round((100 * described) / total) : 100}%`);
}
