import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { GuardedTypeName } from '../scopes.js';
import { selectedFields } from '../schema/selection.js';
import type { Table } from './sql.js';

/**
 * What a reference field (a foreign key to one row) declares in its extensions. A list whose rows
 * select the reference reads the referenced rows with the list, one statement per referenced table for
 * all rows (`Loaders.preloadReferences`): 500 appointments selecting `provider` then resolve their
 * providers without 500 promises (`Loaders.byId` returns rows it has read as they are).
 */
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

/** The rows a field returns: a list's items (or one object's fields), or a connection's nodes. */
export type Shape = { kind: 'list' } | { kind: 'connection' };

/**
 * The fields selected on the rows, by name: under `nodes` and `edges { node }` of a connection, or
 * directly on a list. Every fragment and every @skip/@include field counts: this decides what to read.
 */
export function rowSelections(info: GraphQLResolveInfo, shape: Shape): Map<string, FieldNode[]> {
  const byName = (nodes: readonly FieldNode[], out = new Map<string, FieldNode[]>()) => {
    for (const { name, nodes: fields } of selectedFields(info, nodes).values()) {
      const known = out.get(name);
      if (known) known.push(...fields);
      else out.set(name, [...fields]);
    }
    return out;
  };
  const top = byName(info.fieldNodes);
  if (shape.kind === 'list') return top;
  const rows = byName(top.get('nodes') ?? []);
  return byName(byName(top.get('edges') ?? []).get('node') ?? [], rows);
}
