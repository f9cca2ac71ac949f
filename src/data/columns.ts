import { getNamedType, isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import type { RequestContext } from '../context.js';
import { resourceOf } from '../resources.js';
import { scopeOfType } from '../scopes.js';
import { selectedFields } from '../schema/selection.js';
import { referenceExtension, rowSelections, type Reference, type ReferenceExtension, type Shape } from './prefetch.js';
import type { Table } from './sql.js';

/** Column names, or null for every column of the table (`t.*`). */
export type Columns = readonly string[] | null;

const tableColumns = (table: Table): ReadonlySet<string> => resourceOf[table].columns;

/**
 * The columns a field reads from its row: the one it exposes, the foreign key it follows, or, for a
 * list of the row's children (a guarded field that is not a reference), its id.
 * Undefined when not known (a field computed from the row): the level then reads every column.
 */
function columnsOfField(schema: GraphQLSchema, type: GraphQLObjectType, name: string, table: Table): string[] | undefined {
  if (name === '__typename' || name === 'id') return ['id'];
  const field = type.getFields()[name];
  if (!field) return [];
  const exposed = field.extensions.pothosExposedField;
  if (typeof exposed === 'string' && tableColumns(table).has(exposed)) return [exposed];
  const reference = field.extensions[referenceExtension] as ReferenceExtension | undefined;
  if (reference) return tableColumns(table).has(reference.column) ? [reference.column] : undefined;
  // A guarded field that is not a reference lists the row's children, which are found by the row's id.
  if (getDirective(schema, field, 'requiresScopes')?.length) return ['id'];
  return undefined;
}

/**
 * The columns rows of `table` must read for the fields selected on them (by field name), or null for
 * all of them. Always read: the id, the column that leads to the row's patient (the access record names
 * it) and `also` (the parent column a batch groups by).
 */
function columnsOfSelection(schema: GraphQLSchema, table: Table, type: GraphQLObjectType, names: Iterable<string>, also?: string): Columns {
  const wanted = new Set<string>(['id']);
  const link = resourceOf[table].patient;
  if (link) wanted.add(link.column);
  if (also) wanted.add(also);
  for (const name of names) {
    const read = columnsOfField(schema, type, name, table);
    if (!read) return null;
    for (const column of read) wanted.add(column);
  }
  return wanted.size < tableColumns(table).size ? [...wanted] : null;
}

const levelCache = new WeakMap<FieldNode, Columns>();

/**
 * The columns a list, a page or a child list of `table` must read for the fields the query selects on
 * its rows (per field node: the document decides). A 500-row page of appointments selecting three
 * fields parses five columns, not eleven (four of them timestamps). Fields under @skip/@include count
 * as selected, so a variable never asks for a column that was not read. `also` is always read.
 */
export function columnsFor(table: Table, info: GraphQLResolveInfo, shape: Shape, type: GraphQLObjectType, also?: string): Columns {
  const key = info.fieldNodes[0]!;
  let columns = levelCache.get(key);
  if (columns === undefined) {
    columns = columnsOfSelection(info.schema, table, type, rowSelections(info, shape).keys(), also);
    levelCache.set(key, columns);
  }
  return columns;
}

const objectCache = new WeakMap<FieldNode, Columns>();

/** The columns a field that returns one row of `table` (by id, or a reference) needs for its selection. */
export function columnsOfObject(table: Table, info: GraphQLResolveInfo): Columns {
  const key = info.fieldNodes[0]!;
  let columns = objectCache.get(key);
  if (columns === undefined) {
    const type = getNamedType(info.returnType);
    columns = isObjectType(type) ? columnsOfSelection(info.schema, table, type, names(selectedFields(info, info.fieldNodes).values())) : null;
    objectCache.set(key, columns);
  }
  return columns;
}

function* names(selected: Iterable<{ name: string }>): Iterable<string> {
  for (const { name } of selected) yield name;
}

/** A reference the query selects on a level's rows, with the columns its rows must read. */
export interface SelectedReference extends Reference {
  columns: Columns;
}

const referencesByType = new WeakMap<GraphQLObjectType, Map<string, Reference>>();

function referencesOf(type: GraphQLObjectType): Map<string, Reference> {
  let references = referencesByType.get(type);
  if (!references) {
    references = new Map();
    for (const field of Object.values(type.getFields())) {
      const reference = field.extensions[referenceExtension] as ReferenceExtension | undefined;
      if (reference) references.set(field.name, { ...reference, field: field.name });
    }
    referencesByType.set(type, references);
  }
  return references;
}

const selectedByField = new WeakMap<FieldNode, SelectedReference[]>();

/**
 * The references the query selects on the rows a field returns (per field node: the document decides)
 * that the caller may read, each with the columns every selection of it (aliases included) reads, so
 * the rows read ahead serve each reference field (`Loaders.byId` checks the columns).
 */
export function readableReferences(info: GraphQLResolveInfo, shape: Shape, type: GraphQLObjectType, context: RequestContext): SelectedReference[] {
  const key = info.fieldNodes[0]!;
  let selected = selectedByField.get(key);
  if (!selected) {
    const rows = rowSelections(info, shape);
    selected = [];
    for (const reference of referencesOf(type).values()) {
      const nodes = rows.get(reference.field);
      if (!nodes) continue;
      const target = getNamedType(type.getFields()[reference.field]!.type);
      const columns = isObjectType(target)
        ? columnsOfSelection(info.schema, reference.table, target, names(selectedFields(info, nodes).values()))
        : null;
      selected.push({ ...reference, columns });
    }
    selectedByField.set(key, selected);
  }
  return selected.length === 0 ? selected : selected.filter((reference) => context.caller.scopes.has(scopeOfType[reference.table]));
}

/** Whether a row read with `read` columns holds every column in `wanted` (null: all columns). */
export function covers(read: ReadonlySet<string> | null, wanted: Columns): boolean {
  if (read === null) return true;
  if (wanted === null) return false;
  for (const column of wanted) if (!read.has(column)) return false;
  return true;
}
