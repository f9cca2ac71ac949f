import type { RequestContext } from '../context.js';
import type { Rows, ListQuery, LinkedRows } from '../data/loaders.js';
import { encodeCursor, pageRequest, type Page, type PageArgs, type PageInfoReads } from '../data/pagination.js';
import { withTiebreaker, type SortKey, type Table } from '../data/sql.js';
import { referenceExtension, type ReferenceExtension, type Shape } from '../data/prefetch.js';
import { connectionParts, selectedFields } from './selection.js';
import type { ObjectFieldsShape, ObjectRef } from '@pothos/core';
import { getNamedType, isObjectType, type FieldNode, type GraphQLField, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { columnsFor, columnsOfObject, readableReferences } from '../data/columns.js';
import { builder, fieldGuard, guardedNodeExtension, typeGuard } from '../builder.js';
import type { GuardedTypeName } from '../scopes.js';
import { resourceOf, type ClinicType } from '../resources.js';
import { loadNode } from '../data/nodes.js';

type RequestContextTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'How many items the list holds across all pages, with its filters applied.',
    resolve: (connection) => connection.totalCount(),
  }),
);

/** An edge encodes its cursor only if the query reads it: most list queries select nodes, not cursors. */
class Edge<Row extends { id: string }> {
  constructor(
    readonly node: Row,
    private readonly order: readonly SortKey[],
  ) {}

  get cursor(): string {
    return encodeCursor(this.node, this.order);
  }
}

function connectionOf<Row extends { id: string }>(page: Page<Row>, order: readonly SortKey[], totalCount: () => Promise<number>) {
  const edges = page.rows.map((node) => new Edge(node, order));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
    totalCount,
  };
}

/** The row type of the list or connection a field returns. */
function rowTypeOf(info: GraphQLResolveInfo, shape: Shape): GraphQLObjectType | undefined {
  const returned = getNamedType(info.returnType);
  const type = shape.kind === 'connection' ? connectionParts(returned)?.node : returned;
  return type && isObjectType(type) ? type : undefined;
}

/** What rows must read for this query: the columns their fields use, and the references they follow. */
function readsOf(context: RequestContext, table: Table, info: GraphQLResolveInfo, shape: Shape, parentColumn?: string) {
  const type = rowTypeOf(info, shape);
  if (!type) return { columns: null, references: [] };
  return { columns: columnsFor(table, info, shape, type, parentColumn), references: readableReferences(info, shape, type, context) };
}

const pageInfoReadsCache = new WeakMap<FieldNode, PageInfoReads>();

/** Which of a connection's look-ahead flags the query selects (any alias, fragment or @include counts). */
function pageInfoReads(info: GraphQLResolveInfo): PageInfoReads {
  const key = info.fieldNodes[0]!;
  let reads = pageInfoReadsCache.get(key);
  if (!reads) {
    reads = { hasNextPage: false, hasPreviousPage: false };
    for (const top of selectedFields(info, info.fieldNodes).values()) {
      if (top.name !== 'pageInfo') continue;
      for (const { name } of selectedFields(info, top.nodes).values()) {
        if (name === 'hasNextPage' || name === 'hasPreviousPage') reads[name] = true;
      }
    }
    pageInfoReadsCache.set(key, reads);
  }
  return reads;
}

/**
 * Where a field's rows come from, kept on the very resolver that reads them, so the one-statement
 * path (src/data/document-statement.ts) reads the same list the resolver does: same table, parent
 * column, filters and order, from the same function of the arguments.
 */
export type RowsSource =
  | { kind: 'pages'; table: Table; parentColumn: string | null; list: (args: never) => ListQuery }
  | { kind: 'list'; table: Table; parentColumn: string; order: readonly SortKey[] }
  | { kind: 'byId'; table: Table }
  | { kind: 'count'; table: Table; parentColumn: string }
  | ({ kind: 'linked' } & LinkedRows);

const rowsSourceKey = Symbol('rows source');

function withSource<Resolve extends object>(resolve: Resolve, source: RowsSource): Resolve {
  return Object.assign(resolve, { [rowsSourceKey]: source });
}

/** The rows source of a field declared through `rootPages`, `childPages`, `childRows` or `byIdRoot`. */
export function rowsSourceOf(field: GraphQLField<unknown, unknown>): RowsSource | undefined {
  const resolve = field.extensions.pothosOriginalResolve as { [rowsSourceKey]?: RowsSource } | undefined;
  return resolve?.[rowsSourceKey];
}

/** The resolver of a root list of `table`, filtered and ordered as `list` says for the field's arguments. */
export function rootPages<T extends Table, Args extends PageArgs>(table: T, list: (args: Args) => ListQuery) {
  return withSource(
    (_root: unknown, args: Args, context: RequestContext, info: GraphQLResolveInfo) => rootConnection(context, table, list(args), args, info),
    { kind: 'pages', table, parentColumn: null, list: list as (args: never) => ListQuery },
  );
}

/** The resolver of a paged list of `table` under each parent row, whose `parentColumn` holds the parent's id. */
export function childPages<T extends Table, Args extends PageArgs>(table: T, parentColumn: string, list: (args: Args) => ListQuery) {
  return withSource(
    (parent: { id: string }, args: Args, context: RequestContext, info: GraphQLResolveInfo) =>
      childConnection(context, table, parentColumn, parent.id, list(args), args, info),
    { kind: 'pages', table, parentColumn, list: list as (args: never) => ListQuery },
  );
}

/** The resolver of all rows of `table` under each parent row (short lists), in `order`. */
export function childRows<T extends Table>(table: T, parentColumn: string, order: readonly SortKey[]) {
  return withSource(
    (parent: { id: string }, _args: object, context: RequestContext, info: GraphQLResolveInfo) =>
      childList(context, table, parentColumn, parent.id, order, info),
    { kind: 'list', table, parentColumn, order },
  );
}

/** The resolver of a count of the rows of `table` under each parent row (all parents' counts in one statement). */
export function childCount<T extends Table>(table: T, parentColumn: string) {
  return withSource(
    (parent: { id: string }, _args: object, context: RequestContext) => context.loaders.countOf(table, parentColumn, parent.id, []),
    { kind: 'count', table, parentColumn },
  );
}

/** The resolver of the rows of `table` a parent row points at through a link table, in the links' order. */
export function linkedRows<T extends Table>(link: LinkedRows & { table: T }) {
  return withSource((parent: { id: string }, _args: object, context: RequestContext) => context.loaders.linked(link, parent.id), { kind: 'linked', ...link });
}

/** The resolver of a root field that returns one row of `table` by its `id` argument. */
export function byIdRoot<T extends Table>(table: T) {
  return withSource(
    (_root: unknown, args: { id: string }, context: RequestContext, info: GraphQLResolveInfo) => rowById(context, table, args.id, info),
    { kind: 'byId', table },
  );
}

/** A root list: one statement for the page (and one per referenced table it follows), one more only if totalCount is selected. */
async function rootConnection<T extends Table>(context: RequestContext, table: T, list: ListQuery, args: PageArgs, info: GraphQLResolveInfo) {
  const order = withTiebreaker(list.order);
  const request = pageRequest(args, order, { rowType: table, reads: pageInfoReads(info) });
  const reads = readsOf(context, table, info, { kind: 'connection' });
  const page = await context.loaders.page(table, { ...list, order }, request, reads.columns, reads.references);
  return connectionOf(page as Page<Rows[T] & { id: string }>, order, () => context.loaders.count(table, list));
}

/** A list under each parent of a level: one statement for all parents' pages, one for their counts if selected. */
async function childConnection<T extends Table>(
  context: RequestContext,
  table: T,
  parentColumn: string,
  parentId: string,
  list: ListQuery,
  args: PageArgs,
  info: GraphQLResolveInfo,
) {
  const order = withTiebreaker(list.order);
  const request = pageRequest(args, order, { rowType: table, reads: pageInfoReads(info) });
  const reads = readsOf(context, table, info, { kind: 'connection' }, parentColumn);
  const page = await context.loaders.pageOf(table, { column: parentColumn, id: parentId }, { ...list, order }, request, {
    ...reads,
    asker: info.fieldNodes[0],
  });
  return connectionOf(page as Page<Rows[T] & { id: string }>, order, () =>
    context.loaders.countOf(table, parentColumn, parentId, list.conditions),
  );
}

/**
 * All children of a parent (short lists such as a bill's coding groups), in the given order, for all
 * parents of a level in one statement, with the columns and references their selection reads.
 */
function childList<T extends Table>(
  context: RequestContext,
  table: T,
  parentColumn: string,
  parentId: string,
  order: readonly SortKey[],
  info: GraphQLResolveInfo,
): Promise<Rows[T][]> {
  const reads = readsOf(context, table, info, { kind: 'list' }, parentColumn);
  return context.loaders.childrenOf(table, parentColumn, parentId, order, reads);
}

/** A row by id with the columns the query selects on it (a root field such as `patient(id)`). */
function rowById<T extends Table>(context: RequestContext, table: T, id: string, info: GraphQLResolveInfo) {
  return context.loaders.byId(table, id, columnsOfObject(table, info));
}

/**
 * A GraphQL enum over a database enum: GraphQL-style names (CHECKED_IN), the stored value (checked_in)
 * underneath, and a description for each stored value (the type demands one per value, so a value the
 * database gains cannot reach the schema undescribed).
 */
export function enumOf<Value extends string>(
  name: string,
  stored: Record<string, Value>,
  options: { description: string; values: Record<NoInfer<Value>, string> },
) {
  return builder.enumType(name, {
    description: options.description,
    values: Object.fromEntries(
      Object.values(stored).map((value) => [value.toUpperCase(), { value, description: options.values[value] }]),
    ) as Record<string, { value: Value; description: string }>,
  });
}

/** The record timestamps, described once for every type that carries them. */
export const recordTimes = {
  createdAt: { type: 'DateTime', description: 'When the record was created (UTC).' },
  updatedAt: {
    type: 'DateTime',
    description: 'When the record last changed (UTC); `updatedAfter` and `orderBy: { field: UPDATED_AT }` read it.',
  },
} as const;

/** Marks each Node type declared through `resourceNode`, with the resource it serves (checked at build). */
export const resourceExtension = 'clinicgraphResource';

/**
 * The one way to declare a clinic resource's Node type: its description and scope directive from the
 * scope table, its id, its record timestamps, and no loader of its own (`node`, `nodes` and every Node-returning field load
 * through `loadNode`, src/data/nodes.ts). The schema build refuses a Node type declared otherwise.
 */
export function resourceNode<T extends ClinicType>(
  name: T,
  ref: ObjectRef<RequestContextTypes, Rows[T]>,
  options: { description: string; fields: ObjectFieldsShape<RequestContextTypes, Rows[T]> },
) {
  const timestamps = (Object.keys(recordTimes) as (keyof typeof recordTimes)[]).filter((column) => resourceOf[name].columns.has(column));
  return builder.node(ref, {
    ...typeGuard(name, options.description),
    extensions: { [resourceExtension]: name },
    id: { resolve: (row: Rows[T]) => (row as { id: string }).id },
    // Every resource with a creation or change time serves it under the table's column name. Rows[T] is
    // generic here, so TypeScript cannot check the name against it: the table's columns just did.
    fields: (t) => ({
      ...Object.fromEntries(timestamps.map((column) => [column, t.expose(column as never, recordTimes[column] as never)])),
      ...options.fields(t),
    }),
  });
}

/**
 * A field that returns the Node interface for an id its parent holds (a change feed entry's entity):
 * loaded the way `node` loads, so the id's type decides the scope checked.
 */
export function nodeByIdField<Parent>(description: string, idOf: (parent: Parent) => string | null) {
  return {
    type: builder.nodeInterfaceRef(),
    nullable: true as const,
    description,
    extensions: { [guardedNodeExtension]: true },
    resolve: (parent: Parent, _args: object, context: RequestContext) => {
      const id = idOf(parent);
      return id === null ? null : loadNode(context, id);
    },
  };
}

/** One Connection and Edge type per node type, shared by every list of it (root or nested). */
export function connectionType<Shape extends { id: string }>(ref: ObjectRef<RequestContextTypes, Shape>, name: string) {
  return builder.connectionObject({ type: ref, name: `${name}Connection` }, { name: `${name}Edge` });
}

/**
 * The property a foreign-key accessor (`(appointment) => appointment.patientId`) reads, found by calling
 * it once on a recording object: call sites keep a typed accessor, and lists still learn the column.
 */
function columnRead(foreignKey: (row: never) => unknown): string {
  let read: string | undefined;
  foreignKey(new Proxy({}, { get: (_target, property) => (read ??= String(property)) }) as never);
  if (!read) throw new Error('A reference must read its foreign key from the row.');
  return read;
}

/**
 * A field that follows a foreign key to a guarded type: it demands the target's scope before loading,
 * and loads through the organization-filtered, batched by-id loader. Lists of its parent type read the
 * referenced rows ahead when the query selects the field (src/data/prefetch.ts).
 */
export function referenceTo<T extends Table & GuardedTypeName, Parent>(
  table: T,
  ref: ObjectRef<RequestContextTypes, Rows[T]>,
  foreignKey: (parent: Parent) => string,
  description: string,
) {
  return {
    ...fieldGuard(table, description),
    type: ref,
    extensions: { [referenceExtension]: { table, foreignKey, column: columnRead(foreignKey) } satisfies ReferenceExtension },
    resolve: (parent: Parent, _args: object, context: RequestContext, info: GraphQLResolveInfo) =>
      context.loaders.byId(table, foreignKey(parent), columnsOfObject(table, info)),
  };
}
