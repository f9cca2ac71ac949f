import { badUserInput } from '../errors.js';
import { idPrefixes, typeOfId, type IdentifiedType } from '../ids.js';
import type { Condition } from '../data/sql.js';
import { maxIdsPerList } from '../builder.js';

export const maxSearchLength = 100;

/** An id argument that must name a given type; another type's id or garbage is the caller's mistake, not "not found". */
export function parseId(value: string, type: IdentifiedType, argument = 'id'): string {
  if (typeOfId(value) !== type) {
    throw badUserInput(
      `"${argument}" must be a ${type} id (${idPrefixes[type]}_…); got "${value.slice(0, 64)}".`,
      { argument },
    );
  }
  return value;
}

export function parseIds(values: readonly string[], type: IdentifiedType, argument: string): string[] {
  if (values.length > maxIdsPerList) {
    throw badUserInput(`"${argument}" takes at most ${maxIdsPerList} ids; got ${values.length}.`, { argument, max: maxIdsPerList });
  }
  return values.map((value) => parseId(value, type, argument));
}

/** A search condition for a free-text argument, or none when the argument is empty. */
export function searchCondition(term: string | null | undefined, columns: readonly string[], arrays?: readonly string[]): Condition[] {
  const trimmed = term?.trim() ?? '';
  if (!trimmed) return [];
  if (trimmed.length > maxSearchLength) {
    throw badUserInput(`"search" takes at most ${maxSearchLength} characters; got ${trimmed.length}.`, { argument: 'search' });
  }
  return [{ op: 'search', columns, arrays, term: trimmed }];
}

/** Keeps only the conditions whose argument was given. */
export function given(...conditions: (Condition | false | null | undefined)[]): Condition[] {
  return conditions.filter((c): c is Condition => Boolean(c));
}

export function checkDateRange(from: Date | null | undefined, to: Date | null | undefined): void {
  if (from && to && from > to) throw badUserInput('"dateFrom" is after "dateTo": the range is empty. Swap them.');
}
