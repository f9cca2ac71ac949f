import type { ArgBuilder } from '@pothos/core';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';
import type { Condition, SortKey } from '../data/sql.js';

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Which way a list is sorted.',
  values: {
    ASC: { value: 'asc', description: 'Smallest, earliest or A first.' },
    DESC: { value: 'desc', description: 'Largest, latest or Z first.' },
  } as const,
});

type Direction = 'asc' | 'desc';

/** A sort a list offers: the columns it sorts by, in order (each in the chosen direction); id breaks ties. */
export interface OrderKey {
  description: string;
  columns: readonly string[];
}

/** The creation and update orders every list of a type with those columns offers. */
export const timeOrders = {
  CREATED_AT: { description: 'When the record was created (`createdAt`).', columns: ['createdAt'] },
  UPDATED_AT: {
    description: 'When the record last changed (`updatedAt`): with `updatedAfter`, the order to sync by.',
    columns: ['updatedAt'],
  },
} as const satisfies Record<string, OrderKey>;

/**
 * An `orderBy` argument for a list of `typeName`: an input `<Type>Order { field, direction }` over the
 * keys the list offers, the default when none is given, and the sort keys it means. Every order ends in
 * the row id (src/data/sql.ts `withTiebreaker`), so keyset pages stay stable while rows are added, and a
 * cursor is valid only with the order that produced it.
 */
export function listOrder<Field extends string>(
  typeName: string,
  keys: Record<Field, OrderKey>,
  defaults: { field: NoInfer<Field>; direction: Direction },
) {
  const fieldEnum = builder.enumType(`${typeName}OrderField`, {
    description: `What a list of ${typeName} can be sorted by; ties are broken by id.`,
    values: Object.fromEntries(Object.entries<OrderKey>(keys).map(([name, key]) => [name, { value: name, description: key.description }])) as Record<
      Field,
      { value: Field; description: string }
    >,
  });
  const input = builder.inputType(`${typeName}Order`, {
    description: `How to sort a list of ${typeName}. Cursors are valid only with the order that produced them.`,
    fields: (t) => ({
      field: t.field({ type: fieldEnum, required: true, description: 'The key to sort by.' }),
      direction: t.field({ type: OrderDirection, defaultValue: 'asc', description: 'Ascending (the default) or descending.' }),
    }),
  });
  const description = `Sort order; by default ${defaults.field} ${defaults.direction.toUpperCase()}. Ties are broken by id, so pages are stable.`;
  return {
    input,
    description,
    sortKeys(orderBy: { field: Field; direction?: Direction | null } | null | undefined): SortKey[] {
      const field = orderBy?.field ?? defaults.field;
      const descending = (orderBy ? (orderBy.direction ?? 'asc') : defaults.direction) === 'desc';
      return keys[field].columns.map((column) => ({ column, descending }));
    },
  };
}

export interface ChangedSinceArgs {
  updatedAfter?: Date | null;
  updatedBefore?: Date | null;
}

export const changedSinceDescriptions = {
  updatedAfter:
    'Only records changed strictly after this instant (`updatedAt` > it). To keep in sync, page with `orderBy: { field: UPDATED_AT }` and keep the last cursor.',
  updatedBefore: 'Only records changed strictly before this instant (`updatedAt` < it).',
} as const;

/** `updatedAfter` / `updatedBefore` as conditions on `updatedAt`; an empty window is the caller's mistake. */
export function changedSince(args: ChangedSinceArgs): Condition[] {
  if (args.updatedAfter && args.updatedBefore && args.updatedAfter >= args.updatedBefore) {
    throw badUserInput('"updatedAfter" is not before "updatedBefore": no record can match. Swap them or widen the window.', {
      argument: 'updatedAfter',
    });
  }
  return [
    ...(args.updatedAfter ? [{ op: 'gt' as const, column: 'updatedAt', value: args.updatedAfter }] : []),
    ...(args.updatedBefore ? [{ op: 'lt' as const, column: 'updatedAt', value: args.updatedBefore }] : []),
  ];
}

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The arguments of a list whose rows change: `updatedAfter`, `updatedBefore` and its `orderBy`. */
export function changeAndOrderArgs<Field extends string>(arg: ArgBuilder<Types>, order: ReturnType<typeof listOrder<Field>>) {
  return {
    updatedAfter: arg({ type: 'DateTime', description: changedSinceDescriptions.updatedAfter }),
    updatedBefore: arg({ type: 'DateTime', description: changedSinceDescriptions.updatedBefore }),
    orderBy: arg({ type: order.input, description: order.description }),
  };
}
