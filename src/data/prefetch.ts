import {
  defaultFieldResolver,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { RequestContext } from '../context.js';
import { scopeOfType, type GuardedTypeName } from '../scopes.js';
import type { Table } from './sql.js';

/** What a reference field (a foreign key to one row) declares in its extensions, for `prefetchReferences`. */
export interface ReferenceExtension {
  table: Table & GuardedTypeName;
  foreignKey: (row: never) => string | null | undefined;
  /** The column `foreignKey` reads, so a list reads it when the reference is selected (src/data/columns.ts). */
  column: string;
}
export const referenceExtension = 'clinicgraphReference';

export interface Reference extends ReferenceExtension {
  field: string;
}

function referencesOf(type: GraphQLObjectType): Map<string, Reference> {
  const references = new Map<string, Reference>();
  for (const field of Object.values(type.getFields())) {
    const reference = field.extensions[referenceExtension] as ReferenceExtension | undefined;
    if (reference) references.set(field.name, { ...reference, field: field.name });
  }
  return references;
}

const unwrap = (type: GraphQLOutputType): GraphQLOutputType => (isNonNullType(type) ? type.ofType : type);

/** The rows a field returns: a list's items, or a connection's nodes. */
export type Shape = { kind: 'list' } | { kind: 'connection' };

function listedType(field: GraphQLField<unknown, unknown>): { shape: Shape; type: GraphQLObjectType } | null {
  const type = unwrap(field.type);
  if (isListType(type)) {
    const item = getNamedType(type);
    return isObjectType(item) ? { shape: { kind: 'list' }, type: item } : null;
  }
  if (!isObjectType(type)) return null;
  const nodes = type.getFields().nodes;
  const edges = type.getFields().edges;
  const node = nodes ? getNamedType(nodes.type) : null;
  return edges && node && isObjectType(node) ? { shape: { kind: 'connection' }, type: node } : null;
}

function fieldNames(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: Map<string, FieldNode[]>): void {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const list = out.get(selection.name.value);
      if (list) list.push(selection);
      else out.set(selection.name.value, [selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldNames(selection.selectionSet, info, out);
    } else {
      fieldNames(info.fragments[selection.name.value]?.selectionSet, info, out);
    }
  }
}

/** The fields selected on the rows: under `nodes` and `edges { node }` of a connection, or directly on a list. */
export function rowSelections(info: GraphQLResolveInfo, shape: Shape): Map<string, FieldNode[]> {
  const top = new Map<string, FieldNode[]>();
  for (const node of info.fieldNodes) fieldNames(node.selectionSet, info, top);
  if (shape.kind === 'list') return top;
  const rows = new Map<string, FieldNode[]>();
  for (const nodes of top.get('nodes') ?? []) fieldNames(nodes.selectionSet, info, rows);
  const edges = new Map<string, FieldNode[]>();
  for (const edge of top.get('edges') ?? []) fieldNames(edge.selectionSet, info, edges);
  for (const node of edges.get('node') ?? []) fieldNames(node.selectionSet, info, rows);
  return rows;
}

/** The rows a field returned: a list's items, or a connection's nodes. */
function rowsOf(result: unknown, shape: Shape): readonly unknown[] {
  if (!result || typeof result !== 'object') return [];
  if (shape.kind === 'list') return Array.isArray(result) ? result : [];
  const edges = (result as { edges?: { node?: unknown }[] }).edges ?? [];
  return edges.map((edge) => edge?.node);
}

/**
 * Reference prefetching. A list of 500 appointments selecting `provider` would otherwise resolve 500
 * provider fields each through a promise (DataLoader batches them into one statement, but the
 * promises, and the execution state they keep alive, dominated the CPU profile of such queries).
 * Fields that return a list or a connection are wrapped: once their rows are read, the references the
 * query selects on those rows are read too, one statement per referenced table for all rows
 * (`Loaders.preload`), before the list is returned; the reference fields then find their rows already
 * read and resolve synchronously (`Loaders.byId`). Statements stay as many as before, only earlier.
 * Scopes still apply field by field: a reference whose scope the caller lacks is not preloaded, and
 * its field refuses as before. A failed preload is ignored: the reference fields load and report the
 * error themselves, as without prefetching.
 */
export function prefetchReferences(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const listed = listedType(field);
      if (!listed || referencesOfType(listed.type).size === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: RequestContext, info) => {
        const result: unknown = resolve(source, args, context, info);
        const references = readableReferences(info, listed.shape, listed.type, context);
        if (references.length === 0) return result;
        const preload = async (value: unknown) => {
          // Connections built by rootConnection/childConnection read them with the page, for all parents at once.
          if ((value as { [preloaded]?: boolean } | null)?.[preloaded]) return value;
          await context.loaders.preloadReferences(rowsOf(value, listed.shape), references);
          return value;
        };
        return typeof (result as PromiseLike<unknown> | null)?.then === 'function' ? (result as PromiseLike<unknown>).then(preload) : preload(result);
      };
    }
  }
  return schema;
}

/** Set on a connection whose page already read the references its rows' selection needs. */
export const preloaded = Symbol('preloaded');

const referencesByType = new WeakMap<GraphQLObjectType, Map<string, Reference>>();

function referencesOfType(type: GraphQLObjectType): Map<string, Reference> {
  let references = referencesByType.get(type);
  if (!references) referencesByType.set(type, (references = referencesOf(type)));
  return references;
}

const selectedByField = new WeakMap<FieldNode, Reference[]>();

/** The references the query selects on the rows a field returns (per field node: the document decides) that the caller may read. */
export function readableReferences(info: GraphQLResolveInfo, shape: Shape, type: GraphQLObjectType, context: RequestContext): Reference[] {
  const key = info.fieldNodes[0]!;
  let selected = selectedByField.get(key);
  if (!selected) {
    const rows = rowSelections(info, shape);
    selected = [...referencesOfType(type).values()].filter((reference) => rows.has(reference.field));
    selectedByField.set(key, selected);
  }
  return selected.length === 0 ? selected : selected.filter((reference) => context.caller.scopes.has(scopeOfType[reference.table]));
}
