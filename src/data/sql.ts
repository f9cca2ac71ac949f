import { Prisma } from '../generated/prisma/client.js';
import { clinicTables, type ClinicType } from '../resources.js';

/** The tables the API reads (src/resources.ts). Identifiers reach SQL only from this list, never from a request. */
export const tables: readonly ClinicType[] = clinicTables;
export type Table = ClinicType;

/** A filter, compiled to SQL in one place so root lists and per-parent lists filter alike. */
export type Condition =
  | { op: 'eq' | 'gte' | 'lte' | 'lt' | 'gt'; column: string; value: unknown }
  | { op: 'in'; column: string; values: readonly unknown[] }
  | { op: 'isNull' | 'notNull'; column: string }
  | { op: 'arrayHas'; column: string; value: string }
  | { op: 'search'; columns: readonly string[]; arrays?: readonly string[]; term: string };

export interface SortKey {
  column: string;
  descending?: boolean;
}

const column = (name: string, alias = 't') => Prisma.raw(`${alias}."${name.replace(/"/g, '')}"`);
export const table = (name: Table) => Prisma.raw(`"${name}"`);

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function conditionSql(condition: Condition): Prisma.Sql {
  switch (condition.op) {
    case 'eq':
      return Prisma.sql`${column(condition.column)} = ${condition.value}`;
    case 'gte':
      return Prisma.sql`${column(condition.column)} >= ${condition.value}`;
    case 'lte':
      return Prisma.sql`${column(condition.column)} <= ${condition.value}`;
    case 'gt':
      return Prisma.sql`${column(condition.column)} > ${condition.value}`;
    case 'lt':
      return Prisma.sql`${column(condition.column)} < ${condition.value}`;
    case 'in':
      return condition.values.length === 0
        ? Prisma.sql`FALSE`
        : Prisma.sql`${column(condition.column)} IN (${Prisma.join(condition.values)})`;
    case 'isNull':
      return Prisma.sql`${column(condition.column)} IS NULL`;
    case 'notNull':
      return Prisma.sql`${column(condition.column)} IS NOT NULL`;
    case 'arrayHas':
      // Containment rather than = ANY(), so the GIN index on the array column serves it.
      return Prisma.sql`${column(condition.column)} @> ARRAY[${condition.value}]::text[]`;
    case 'search': {
      // Every word must match some column, so "jane smith" finds Jane Smith and "smith 555" finds her by phone.
      const words = condition.term.split(/\s+/).filter(Boolean).slice(0, 5);
      const perWord = words.map((word) => {
        const pattern = `%${escapeLike(word)}%`;
        const parts = [
          ...condition.columns.map((name) => Prisma.sql`${column(name)} ILIKE ${pattern}`),
          ...(condition.arrays ?? []).map((name) => Prisma.sql`array_to_string(${column(name)}, ' ') ILIKE ${pattern}`),
        ];
        return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
      });
      return Prisma.sql`(${Prisma.join(perWord, ' AND ')})`;
    }
  }
}

export function whereSql(organizationId: string, conditions: readonly Condition[]): Prisma.Sql {
  return Prisma.join(
    [Prisma.sql`t."organizationId" = ${organizationId}`, ...conditions.map(conditionSql)],
    ' AND ',
  );
}

/** Sort keys always end in id, so the order is total and cursors are stable. */
export function withTiebreaker(order: readonly SortKey[]): SortKey[] {
  const last = order[order.length - 1];
  return order.some((key) => key.column === 'id') ? [...order] : [...order, { column: 'id', descending: last?.descending }];
}

export function orderSql(order: readonly SortKey[], reverse = false, alias = 't'): Prisma.Sql {
  return Prisma.join(
    order.map((key) => Prisma.sql`${column(key.column, alias)} ${Prisma.raw(Boolean(key.descending) !== reverse ? 'DESC' : 'ASC')}`),
    ', ',
  );
}

/**
 * Rows strictly after (or before) the cursor row in `order`:
 * (k1 > c1) OR (k1 = c1 AND k2 > c2) OR ... — works for mixed directions, where a row comparison does not.
 * The cursor's sort values are read from the cursor row itself, within the organization, so cursors carry
 * only an id (no patient data) and another clinic's id positions nothing.
 */
export function keysetSql(name: Table, organizationId: string, order: readonly SortKey[], cursorId: string, before: boolean): Prisma.Sql {
  const cursorValue = (key: SortKey) =>
    Prisma.sql`(SELECT c.${Prisma.raw(`"${key.column}"`)} FROM ${table(name)} c WHERE c."organizationId" = ${organizationId} AND c."id" = ${cursorId})`;
  const alternatives = order.map((key, i) => {
    const equalities = order.slice(0, i).map((prev) => Prisma.sql`${column(prev.column)} = ${cursorValue(prev)}`);
    const forward = Boolean(key.descending) === before;
    const comparison = forward
      ? Prisma.sql`${column(key.column)} > ${cursorValue(key)}`
      : Prisma.sql`${column(key.column)} < ${cursorValue(key)}`;
    return Prisma.sql`(${Prisma.join([...equalities, comparison], ' AND ')})`;
  });
  return Prisma.sql`(${Prisma.join(alternatives, ' OR ')})`;
}
