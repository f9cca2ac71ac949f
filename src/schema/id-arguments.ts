import type { ArgBuilder } from '@pothos/core';
import type { builder } from '../builder.js';
import { idPrefixes, type IdentifiedType } from '../ids.js';
import { idOfExtension } from '../http/arguments.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** A type's name as prose: "inventory change" for InventoryChange. */
export const typeLabel = (type: string) => type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** How an id of a type looks, e.g. `pat_…`. */
export const idShape = (type: IdentifiedType) => `\`${idPrefixes[type]}_…\``;

/** The `id` argument of a field that reads one record by id. */
export function byIdArgument(arg: ArgBuilder<Types>, type: IdentifiedType) {
  return arg.id({
    required: true,
    description: `The ${typeLabel(type)}'s id (${idShape(type)}); another type's id is refused as BAD_USER_INPUT.`,
    extensions: { [idOfExtension]: type },
  });
}

/** An optional argument that keeps a list to the records of one related record (`patientId`). */
export function idFilterArgument(arg: ArgBuilder<Types>, type: IdentifiedType) {
  return arg.id({ description: `Only those of this ${typeLabel(type)} (an id ${idShape(type)}); all when omitted.`, extensions: { [idOfExtension]: type } });
}
