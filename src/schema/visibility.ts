import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
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

/** The request header that asks for the per-key view of the schema, and the value that asks for it. */
export const schemaViewHeader = 'x-schema-view';
export const scopedSchemaView = 'scoped';

const schemaFields = new Set(['__schema', '__type']);

/**
 * The root selections of an operation that read the schema (`__schema`, `__type`), fragments at the
 * root inlined: what the per-key view answers. Undefined when the operation has none.
 */
function schemaSelections(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): SelectionNode[] {
  const kept: SelectionNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (schemaFields.has(selection.name.value)) kept.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = schemaSelections(selection.selectionSet, document, seen);
      if (inner.length) kept.push({ ...selection, selectionSet: { ...selection.selectionSet, selections: inner } });
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
      );
      const inner = fragment ? schemaSelections(fragment.selectionSet, document, seen) : [];
      if (inner.length) {
        kept.push({ kind: Kind.INLINE_FRAGMENT, typeCondition: fragment!.typeCondition, directives: selection.directives, selectionSet: { kind: Kind.SELECTION_SET, selections: inner } });
      }
    }
  }
  return kept;
}

interface SchemaPart {
  /** The operation with only its schema-reading root fields (and every fragment, for their insides). */
  document: DocumentNode;
  /** Whether that is the whole operation (nothing else to run on the full schema). */
  whole: boolean;
}

const parts = new WeakMap<DocumentNode, Map<string, SchemaPart | null>>();

/** The schema-reading part of the operation, cached per document and operation name. */
export function schemaPartOf(document: DocumentNode, operationName?: string | null): SchemaPart | null {
  let byName = parts.get(document);
  if (!byName) parts.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let part = byName.get(key);
  if (part !== undefined) return part;
  const operation = getOperationAST(document, operationName);
  const selections = operation?.operation === 'query' ? schemaSelections(operation.selectionSet, document) : [];
  part = null;
  if (operation && selections.length) {
    const only: OperationDefinitionNode = { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } };
    const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
    const whole = operation.selectionSet.selections.every(
      (selection) => selection.kind === Kind.FIELD && (schemaFields.has(selection.name.value) || selection.name.value === '__typename'),
    );
    part = { document: { kind: Kind.DOCUMENT, definitions: [only, ...fragments] }, whole };
  }
  byName.set(key, part);
  return part;
}

function requestOf(context: RequestContext): Request | undefined {
  return (context as RequestContext & { request?: Request }).request;
}

/**
 * Introspection describes the schema that validates the request: the whole schema, identical to
 * schema.graphql whatever the key's scopes, so codegen, schema checks and GraphiQL's docs work with
 * any key (a field the key cannot read still validates, and answers null with FORBIDDEN naming its
 * scope). A request that sends `X-Schema-View: scoped` asks instead for the schema as its key can read
 * it: every `__schema` and `__type` of the operation answers from that view, mixed with data fields or
 * not; the data fields still run on the whole schema.
 */
export function useScopedIntrospection(): Plugin<RequestContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (requestOf(args.contextValue)?.headers.get(schemaViewHeader)?.trim().toLowerCase() !== scopedSchemaView) return;
      const part = schemaPartOf(args.document, args.operationName);
      if (!part) return;
      const visible = schemaForScopes(args.schema, args.contextValue.caller.scopes);
      if (visible === args.schema) return;
      setExecuteFn(async (executionArgs) => {
        const scoped = executeFn({ ...executionArgs, schema: visible, document: part.document });
        if (part.whole) return scoped;
        const [full, view] = (await Promise.all([executeFn(executionArgs), scoped])) as ExecutionResult[];
        return {
          ...full,
          data: full!.data ? { ...full!.data, ...view!.data } : full!.data,
          errors: [...(full!.errors ?? []), ...(view!.errors ?? [])].length ? [...(full!.errors ?? []), ...(view!.errors ?? [])] : undefined,
        };
      });
    },
  };
}
