import { badUserInput } from '../errors.js';
import { typeOfId, type IdentifiedType } from '../ids.js';
import type { SortKey } from './sql.js';

export const maxPageSize = 100;
export const defaultPageSize = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageRequest {
  limit: number;
  /** Id of the row the page starts after (or ends before). */
  cursor: string | null;
  backward: boolean;
  /**
   * Whether to read one row past the page, to tell whether more follow: only when the query selects
   * the `hasNextPage` (forwards) or `hasPreviousPage` (backwards) that says so. Without it, that flag
   * answers false, unread. Default: read it.
   */
  lookAhead?: boolean;
}

export interface PageInfoReads {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** The LIMIT of a page's statement: the page, and the look-ahead row when asked for. */
export const rowsToRead = (request: PageRequest): number => request.limit + (request.lookAhead === false ? 0 : 1);

export interface Page<Row> {
  rows: Row[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

const signature = (order: readonly SortKey[]) => order.map((k) => `${k.column}${k.descending ? '-' : '+'}`).join(',');

/** A cursor names a row of the list and the order it was read in; the row's sort values stay in the database. */
export function encodeCursor(row: { id: string }, order: readonly SortKey[]): string {
  return Buffer.from(JSON.stringify({ o: signature(order), id: row.id })).toString('base64url');
}

/**
 * A cursor's content, when it is a cursor of a list of `rowType` rows; run on every `after`/`before`
 * before the operation executes (src/http/arguments.ts), and again by the page to read its position.
 */
export function readCursor(cursor: string, rowType: IdentifiedType, argument: string): { order: unknown; id: string } {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    payload = null;
  }
  const candidate = payload as { o?: unknown; id?: unknown } | null;
  if (!candidate || typeof candidate !== 'object' || typeof candidate.id !== 'string' || candidate.id.length > 64) {
    throw badUserInput(`"${argument}" is not a cursor of this list. Pass an endCursor or startCursor this list returned.`, {
      argument,
    });
  }
  // The id goes into SQL: only an id of this list's rows, never arbitrary text (NUL, another type's id).
  if (typeOfId(candidate.id) !== rowType) {
    throw badUserInput(`"${argument}" is a cursor of another list. Pass an endCursor or startCursor this list returned.`, { argument });
  }
  return { order: candidate.o, id: candidate.id };
}

function decodeCursor(cursor: string, order: readonly SortKey[], rowType: IdentifiedType, argument: string): string {
  const read = readCursor(cursor, rowType, argument);
  if (read.order !== signature(order)) {
    throw badUserInput(
      `"${argument}" is a cursor of this list in another order. Cursors are valid only with the orderBy that produced them.`,
      { argument },
    );
  }
  return read.id;
}

/**
 * Relay arguments to one keyset page request. `first` and `last` together are refused: their meaning is
 * ambiguous. `rowType` is the list's row type (a cursor must name one of its rows); `reads` says which
 * of hasNextPage and hasPreviousPage the query selects (default: both).
 */
export function pageRequest(
  args: PageArgs,
  order: readonly SortKey[],
  { rowType, reads = { hasNextPage: true, hasPreviousPage: true } }: { rowType: IdentifiedType; reads?: PageInfoReads },
): PageRequest {
  // Their bounds are checked before the operation runs (src/http/arguments.ts).
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first !== null && last !== null) throw badUserInput('Pass "first" (with "after") or "last" (with "before"), not both.');
  if (args.after && args.before) throw badUserInput('Pass "after" or "before", not both.');
  if (last !== null && args.after) throw badUserInput('"last" pages backwards: combine it with "before", not "after".');
  if (first !== null && args.before) throw badUserInput('"first" pages forwards: combine it with "after", not "before".');
  const backward = last !== null || Boolean(args.before);
  const cursorArg = backward ? 'before' : 'after';
  const cursor = args[cursorArg] ? decodeCursor(args[cursorArg], order, rowType, cursorArg) : null;
  const lookAhead = backward ? reads.hasPreviousPage : reads.hasNextPage;
  return { limit: (backward ? last : first) ?? defaultPageSize, cursor, backward, lookAhead };
}

/** Rows were fetched with `rowsToRead` in the page's direction; trims the probe row and restores display order. */
export function toPage<Row>(fetched: Row[], request: PageRequest): Page<Row> {
  const hasMore = fetched.length > request.limit;
  const rows = fetched.slice(0, request.limit);
  if (request.backward) rows.reverse();
  return {
    rows,
    hasNextPage: request.backward ? request.cursor !== null : hasMore,
    hasPreviousPage: request.backward ? hasMore : request.cursor !== null,
  };
}
