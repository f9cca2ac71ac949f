import { getOperationAST, Kind, type DocumentNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { getDirective, mapSchema, MapperKind, pruneSchema } from '@graphql-tools/utils';
import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from '../context.js';
import type { Scope } from '../scopes.js';

const cache = new WeakMap<GraphQLSchema, Map<string, GraphQLSchema>>();

/**
 * The schema as a key with `scopes` can read it: guarded types and fields whose scopes it lacks are
 * removed, then whatever only they reached (their connections, edges, enums). Built once per scope set.
 */
export function schemaForScopes(schema: GraphQLSchema, scopes: Iterable<Scope>): GraphQLSchema {
  const held = new Set<string>(scopes);
  const key = [...held].sort().join(' ');
  let perScopes = cache.get(schema);
  if (!perScopes) {
    perScopes = new Map();
    cache.set(schema, perScopes);
  }
  let visible = perScopes.get(key);
  if (!visible) {
    const required = (node: Parameters<typeof getDirective>[1]) => (getDirective(schema, node, 'requiresScopes')?.[0]?.scopes ?? []) as string[];
    const readable = (node: Parameters<typeof getDirective>[1]) => required(node).every((scope) => held.has(scope));
    let hidesSomething = false;
    const hide = () => {
      hidesSomething = true;
      return null;
    };
    const filtered = mapSchema(schema, {
      [MapperKind.OBJECT_TYPE]: (type) => (readable(type) ? type : hide()),
      [MapperKind.OBJECT_FIELD]: (field) => (readable(field) ? field : hide()),
    });
    // A key that can read everything sees the schema itself, not a copy of it.
    visible = hidesSomething ? pruneSchema(filtered) : schema;
    perScopes.set(key, visible);
  }
  return visible;
}

function onlyIntrospection(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): boolean {
  return selectionSet.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value.startsWith('__');
    if (selection.kind === Kind.INLINE_FRAGMENT) return onlyIntrospection(selection.selectionSet, document, seen);
    if (seen.has(selection.name.value)) return true;
    seen.add(selection.name.value);
    const fragment = document.definitions.find(
      (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
    );
    return fragment?.kind === Kind.FRAGMENT_DEFINITION && onlyIntrospection(fragment.selectionSet, document, seen);
  });
}

/** A query whose root fields are all introspection (`__schema`, `__type`, `__typename`). */
export function isIntrospectionOperation(document: DocumentNode, operationName?: string | null): boolean {
  const operation = getOperationAST(document, operationName);
  return operation?.operation === 'query' && onlyIntrospection(operation.selectionSet, document);
}

/**
 * Introspection answers with the schema the caller's effective scopes can read, so tools and GraphiQL
 * show a key what it can use. Only pure introspection operations run on that schema: anything that
 * reads data runs on the full schema, so an unreadable field still answers null with a FORBIDDEN error
 * naming its scope.
 */
export function useScopedIntrospection(): Plugin<RequestContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!isIntrospectionOperation(args.document, args.operationName)) return;
      const visible = schemaForScopes(args.schema, args.contextValue.caller.scopes);
      setExecuteFn((executionArgs) => executeFn({ ...executionArgs, schema: visible }));
    },
  };
}
