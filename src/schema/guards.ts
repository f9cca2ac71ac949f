import { getNamedType, isInterfaceType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
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
      if (isInterfaceType(returned)) continue;
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
