import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import RelayPlugin from '@pothos/plugin-relay';
import DirectivesPlugin from '@pothos/plugin-directives';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PhiRecordPlugin from './audit/plugin.js';
import ArgumentRefusalsPlugin from './http/argument-refusals.js';
import type { RequestContext } from './context.js';
import { insufficientScope } from './errors.js';
export { insufficientScope } from './errors.js';
import { typeOfId } from './ids.js';
import { costModel, fieldCost } from './http/cost.js';
import { loadNode } from './data/nodes.js';

/** Marks the fields that return the Node interface through `loadNode`, the guarded node loading (checked at build). */
export const guardedNodeExtension = 'clinicgraphGuardedNode';

/** Most ids one `nodes` call takes: any list argument's bound (MAX_LIST_ARGUMENT). */
export const maxIdsPerList = costModel.maxListArgument;
import {
  allScopes,
  insufficientScopeMessage,
  scopeDescriptionLine,
  scopeOfType,
  type GuardedTypeName,
  type Scope,
} from './scopes.js';

/** Scopes named by a failed check, whatever the nesting of any/all rules. */
function missingScopes(failure: AuthFailure): Scope[] {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return [failure.scope as Scope];
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return [...new Set(failure.failures.flatMap(missingScopes))];
    default:
      return [];
  }
}


export const builder = new SchemaBuilder<{
  Context: RequestContext;
  AuthScopes: Record<Scope, boolean>;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Directives: {
    requiresScopes: { locations: 'OBJECT' | 'FIELD_DEFINITION'; args: { scopes: string[] } };
  };
  Scalars: {
    ID: { Input: string; Output: string };
    Date: { Input: Date; Output: Date | string };
    DateTime: { Input: Date; Output: Date | string };
    Decimal: { Input: string; Output: unknown };
    JSON: { Input: unknown; Output: unknown };
  };
  Connection: { totalCount: () => Promise<number> };
}>({
  // The PHI record observes inside the scope checks: a field a scope denied is not counted as read. A
  // field whose arguments were refused before execution answers its refusal before anything else runs
  // (relay's id decoding included).
  plugins: [ScopeAuthPlugin, RelayPlugin, DirectivesPlugin, ComplexityPlugin, PhiRecordPlugin, ArgumentRefusalsPlugin],
  // Costs are attached to fields here and enforced per operation before execution (src/http/limits.ts).
  complexity: { fieldComplexity: fieldCost, disabled: true },
  defaultFieldNullability: false,
  directives: { useGraphQLToolsUnorderedDirectives: true },
  scopeAuth: {
    // Effective scopes are known once per request; each rule is a plain boolean, evaluated once and cached.
    authScopes: (context) =>
      Object.fromEntries(allScopes.map((scope) => [scope, context.caller.scopes.has(scope)])) as Record<Scope, boolean>,
    // A type's scope is checked on every field that reaches it (a root field, a relation, a list), before
    // anything loads, and by `node`/`nodes` as they load; `assertTypesGuarded` (src/schema/guards.ts)
    // refuses to build a schema with a field that reaches a guarded type without its rule. Not per object
    // in isTypeOf: the compiled executor (src/execution.ts) calls isTypeOf without the request's context.
    runScopesOnType: false,
    unauthorizedError: (_parent, _context, _info, result) => insufficientScope(missingScopes(result.failure)),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesOnConnection: { description: 'The items of this page, in order (the same as `edges { node }`, without cursors).' },
    edgesFieldOptions: { nullable: false, description: 'The items of this page with their cursors, in order.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: { description: 'Opaque position of this item in the list and its order: pass it as `after` or `before`.' },
    pageInfoFieldOptions: { description: 'Where this page sits in the list.' },
    pageInfoTypeOptions: { description: 'Whether pages exist before and after this one, and the cursors to reach them.' },
    hasNextPageFieldOptions: { description: 'More items follow this page (ask with `after: endCursor`).' },
    hasPreviousPageFieldOptions: { description: 'Items precede this page (ask with `before: startCursor`).' },
    startCursorFieldOptions: { description: "The first item's cursor; null when the page is empty." },
    endCursorFieldOptions: { description: "The last item's cursor; null when the page is empty." },
    firstArgOptions: { description: 'Page size from the start or from `after`: 0 to 100, default 20.' },
    lastArgOptions: { description: 'Page size from the end or back from `before`: 0 to 100. Not with `first`.' },
    afterArgOptions: { description: 'Items after this cursor (an `endCursor` of the same list and order); with `first`.' },
    beforeArgOptions: { description: 'Items before this cursor (a `startCursor` of the same list and order); with `last`.' },
    idFieldOptions: { description: 'Global id, prefixed by type (pat_…, apt_…): opaque, stable, unique across types.' },
    defaultConnectionTypeOptions: { description: 'A page of a list (Relay connection): its items, where it sits, and how many items the list holds.' },
    defaultEdgeTypeOptions: { description: 'An item of a page, with its cursor.' },
    // Ids are already global (their prefix names the type), so they pass through unchanged.
    encodeGlobalID: (_typename: string, id: string | number | bigint) => String(id),
    // A malformed id is refused before execution, naming its argument (src/http/arguments.ts), and again by loadNode.
    decodeGlobalID: (globalID: string) => ({ typename: typeOfId(globalID) ?? '', id: globalID }),
    // A node's type is the prefix of its id; node types carry no loaders of their own (src/schema/guards.ts refuses one).
    nodeTypeOptions: {
      description: 'An entity with a global id: refetch any of them with `node(id:)`.',
      resolveType: (row) => typeOfId(String((row as { id?: unknown } | null)?.id)) ?? undefined,
    },
    nodeQueryOptions: {
      args: { id: { description: 'A global id of any type (`pat_…`, `apt_…`); an id that is not a clinicgraph id is BAD_USER_INPUT.' } },
      description: 'Any entity by its id. Null when it does not exist in this organization; an error naming the scope when the key cannot read its type.',
      extensions: { [guardedNodeExtension]: true },
      resolve: (_root, { id }, context) => loadNode(context, id.id),
    },
    nodesQueryOptions: {
      args: { ids: { description: `Global ids of any types, at most ${maxIdsPerList}; answered in the same order.` } },
      description: `Entities by id (at most ${maxIdsPerList}), in the order asked. Null for each id that does not exist in this organization; an error for each id whose type the key cannot read, the others still answer.`,
      extensions: { [guardedNodeExtension]: true },
      // Its length is bounded before execution (src/http/arguments.ts).
      resolve: (_root, { ids }, context) => Promise.all(ids.map(({ id }) => loadNode(context, id))),
    },
  },
});

/**
 * Description line and directive for a guarded type, read from the scope table. The rule itself sits on
 * the fields that reach the type (`fieldGuard`), so it runs once per field, not once per returned object.
 */
export function typeGuard(type: GuardedTypeName, description: string) {
  const scope = scopeOfType[type];
  return {
    description: `${description}\n\n${scopeDescriptionLine(scope)}`,
    directives: { requiresScopes: { scopes: [scope] } },
  };
}

/**
 * For a field listing the parts of a row that the same scope guards (a bill's coding groups): the row
 * was reached only through a field that required that scope, so no check runs again here (it could
 * never refuse); the directive still tells clients which scope the parts need.
 */
export function partGuard(type: GuardedTypeName) {
  return { directives: { requiresScopes: { scopes: [scopeOfType[type]] } } };
}

/** The rule, description line and directive on a field that returns a guarded type: checked before anything loads. */
export function fieldGuard(type: GuardedTypeName, description: string) {
  const scope = scopeOfType[type];
  return {
    ...typeGuard(type, description),
    description: `${description}\n\n${scopeDescriptionLine(scope)} Without it the field is null, with a FORBIDDEN error naming the scope.`,
    authScopes: { [scope]: true } as Partial<Record<Scope, boolean>>,
    nullable: true as const,
  };
}

builder.queryType({ description: 'The clinic graph, as the calling app may read it in the organization named by X-Organization-Id.' });
builder.mutationType({ description: 'What an app may change: its own webhook subscriptions in the organization named by X-Organization-Id.' });
