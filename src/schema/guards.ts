import { getNamedType, isInterfaceType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { clinicTables, isClinicType } from '../resources.js';
import { guardedNodeExtension } from '../builder.js';
import { resourceExtension } from './connections.js';
import { scopeOfType, type Scope } from '../scopes.js';
import { connectionParts } from './selection.js';

const guardedScope = (name: string): Scope | undefined => (scopeOfType as Partial<Record<string, Scope>>)[name];

/**
 * A guarded type is guarded wherever it is reached, because every field that reaches it (returns it,
 * a list of it or a connection of it) carries its scope rule, or sits on a type the same scope guards
 * (so the rule ran on the way in); this refuses to build a schema where neither holds. Inside a connection (edges, node, nodes) the connection field carries it. Fields returning
 * an interface load through `loadNodes`, which checks each node's own type (src/schema/connections.ts).
 */
export function assertTypesGuarded(schema: GraphQLSchema): GraphQLSchema {
  const problems: string[] = [];
  const types = Object.values(schema.getTypeMap());
  const connectionMachinery = new Set<GraphQLNamedType>();
  for (const type of types) {
    const parts = connectionParts(type);
    if (parts) connectionMachinery.add(type).add(parts.edge);
  }
  for (const type of types) {
    if (!isObjectType(type) || type.name.startsWith('__') || connectionMachinery.has(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const returned = getNamedType(field.type);
      if (isInterfaceType(returned)) {
        // A field returning Node loads each id through loadNode, which checks the scope of the id's type.
        if (field.extensions[guardedNodeExtension] !== true) {
          problems.push(`${type.name}.${field.name} returns ${returned.name} without loading through loadNode (use nodeByIdField).`);
        }
        continue;
      }
      const target = connectionParts(returned)?.node ?? returned;
      const scope = guardedScope(target.name);
      if (!scope) continue;
      // A part of a row guarded by the same scope (a bill's coding groups) was reached through that rule already.
      if (guardedScope(type.name) === scope) continue;
      const rule = (field.extensions.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes;
      if (!rule || typeof rule !== 'object' || (rule as Partial<Record<Scope, boolean>>)[scope] !== true) {
        problems.push(`${type.name}.${field.name} reaches ${target.name} without requiring ${scope} (use fieldGuard).`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`Unguarded fields:\n${problems.join('\n')}`);
  return schema;
}

/**
 * Node types and resources match one to one: each Node type was declared with `resourceNode` for the
 * resource of its name, carries that resource's scope directive, and has no loader of its own (a
 * hand-written `loadMany` is how patients once leaked through `node`).
 */
export function assertResourceNodes(schema: GraphQLSchema): GraphQLSchema {
  const problems = nodeProblems(schema);
  if (problems.length > 0) throw new Error(`Node types that do not match the resource declarations:\n${problems.join('\n')}`);
  return schema;
}

interface NodeLoaderOptions {
  loadOne?: unknown;
  loadMany?: unknown;
  loadWithoutCache?: unknown;
  loadManyWithoutCache?: unknown;
}

function nodeProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const nodeTypes = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((iface) => iface.name === 'Node')) continue;
    nodeTypes.add(type.name);
    if (!isClinicType(type.name)) {
      problems.push(`${type.name} implements Node but is not a clinic resource (declare it in src/resources.ts).`);
      continue;
    }
    if (type.extensions[resourceExtension] !== type.name) problems.push(`${type.name} is a Node not declared with resourceNode().`);
    const options = (type.extensions.pothosOptions ?? {}) as NodeLoaderOptions;
    if (options.loadOne || options.loadMany || options.loadWithoutCache || options.loadManyWithoutCache) {
      problems.push(`${type.name} has a loader of its own; nodes load only through loadNode (src/data/nodes.ts).`);
    }
    const scopes = getDirective(schema, type, 'requiresScopes')?.[0]?.scopes as string[] | undefined;
    if (scopes?.length !== 1 || scopes[0] !== guardedScope(type.name)) {
      problems.push(`${type.name} does not carry @requiresScopes(scopes: ["${guardedScope(type.name)}"]).`);
    }
  }
  for (const name of clinicTables) if (!nodeTypes.has(name)) problems.push(`Resource ${name} has no Node type in the schema.`);
  return problems;
}
