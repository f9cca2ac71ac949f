import type { GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { resourceOf } from '../resources.js';
import { referenceExtension, rowSelections, type ReferenceExtension, type Shape } from './prefetch.js';
import type { Table } from './sql.js';

const tableColumns = (table: Table): ReadonlySet<string> => resourceOf[table].columns;

/**
 * The columns a field reads from its row: the one it exposes, the foreign key it follows, or, for a
 * list of the row's children (a guarded field that is not a reference), its id.
 * Undefined when not known (a field computed from the row): the list then reads every column.
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

const cache = new WeakMap<object, readonly string[] | null>();

/**
 * The columns a page of `table` must read for the fields the query selects on its rows, or null for
 * all of them. A 500-row page of appointments selecting three fields parses five columns, not eleven
 * (four of them timestamps). Always read: the id, and the column that leads to the row's patient (the
 * access record names it). Fields under @skip/@include count as selected, so a variable never asks for
 * a column that was not read. Rows read this way are partial: Loaders keeps them out of its by-id cache.
 */
export function columnsFor(table: Table, info: GraphQLResolveInfo, shape: Shape, type: GraphQLObjectType): readonly string[] | null {
  const key = info.fieldNodes[0]!;
  let columns = cache.get(key);
  if (columns !== undefined) return columns;
  const wanted = new Set<string>(['id']);
  const link = resourceOf[table].patient;
  if (link) wanted.add(link.column);
  let known = true;
  for (const name of rowSelections(info, shape).keys()) {
    const read = columnsOfField(info.schema, type, name, table);
    if (!read) known = false;
    else for (const column of read) wanted.add(column);
  }
  columns = known && wanted.size < tableColumns(table).size ? [...wanted] : null;
  cache.set(key, columns);
  return columns;
}
