import { badUserInput } from '../errors.js';
import type { Condition } from '../data/sql.js';

/** A search condition for a free-text argument, or none when the argument is empty. */
export function searchCondition(term: string | null | undefined, columns: readonly string[], arrays?: readonly string[]): Condition[] {
  const trimmed = term?.trim() ?? '';
  if (!trimmed) return [];
  return [{ op: 'search', columns, arrays, term: trimmed }];
}

/** Keeps only the conditions whose argument was given. */
export function given(...conditions: (Condition | false | null | undefined)[]): Condition[] {
  return conditions.filter((c): c is Condition => Boolean(c));
}

export function checkDateRange(from: Date | null | undefined, to: Date | null | undefined): void {
  if (from && to && from > to) throw badUserInput('"dateFrom" is after "dateTo": the range is empty. Swap them.');
}
