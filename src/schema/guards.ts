import { getNamedType, isInterfaceType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { scopeOfType, type Scope } from '../scopes.js';

/** The node type of a Relay connection type, or of its edge type; undefined for any other type. */
function nodeTypeOf(type: GraphQLNamedType): GraphQLNamedType | undefined {
  if (!isObjectType(type)) return undefined;
  const fields = type.getFields();
  if (fields.cursor && fields.node) return getNamedType(fields.node.type);
  const edge = fields.edges && fields.pageInfo ? getNamedType(fields.edges.type) : undefined;
  return edge && isObjectType(edge) && edge.getFields().node ? getNamedType(edge.getFields().node!.type) : undefined;
}

const guardedScope = (name: string): Scope | undefined => (scopeOfType as Partial<Record<string, Scope>>)[name];

/**
 * A guarded type is guarded wherever it is reached, because every field that reaches it (returns it,
 * a list of it or a connection of it) carries its scope rule, or sits on a type the same scope guards
 * (so the rule ran on the way in); this refuses to build a schema where neither holds. Inside a connection (edges, node, nodes) the connection field carries it. Fields returning
 * an interface load through `loadNodes`, which checks each node's own type (src/schema/connections.ts).
 */
export function assertTypesGuarded(schema: GraphQLSchema): GraphQLSchema {
  const problems: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || nodeTypeOf(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const returned = getNamedType(field.type);
      if (isInterfaceType(returned)) continue;
      const target = nodeTypeOf(returned) ?? returned;
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
