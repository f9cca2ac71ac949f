import { getNamedType, isLeafType, isListType, isNonNullType, type GraphQLField, type GraphQLOutputType } from 'graphql';
import { badUserInput } from '../errors.js';
import { defaultPageSize } from '../data/pagination.js';

/**
 * How an operation's cost is counted, roughly "rows it may load", before it runs:
 * - a field that returns an object (a reference, a node) costs 1; scalars, enums and `pageInfo`
 *   are free, except `totalCount`, which is a COUNT statement;
 * - a connection costs 1 and multiplies what it selects by `first` or `last` (default 20);
 *   its `nodes`/`edges` cost 1 each and do not multiply again (the plugin multiplies the whole
 *   selection, so a `totalCount` beside them counts `first` times: an overestimate);
 * - `nodes(ids:)` multiplies by the number of ids;
 * - any other list of objects (the coding groups of a bill, a claim's insurance) multiplies by
 *   COST_LIST_MULTIPLIER (default 3): they are bounded by the data, not by the caller.
 * Pothos's complexity plugin walks the operation (fragments, variables) with these rules.
 */
export const costModel = {
  listMultiplier: positiveInteger(process.env.COST_LIST_MULTIPLIER, 3),
  /** Longest string any argument takes (`search` has its own, smaller limit). */
  maxStringArgument: positiveInteger(process.env.MAX_STRING_ARGUMENT, 1000),
  /** Most items any list argument takes. */
  maxListArgument: positiveInteger(process.env.MAX_LIST_ARGUMENT, 100),
};

function positiveInteger(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw && Number.isInteger(value) && value > 0 ? value : fallback;
}

const unwrap = (type: GraphQLOutputType): GraphQLOutputType => (isNonNullType(type) ? type.ofType : type);

function checkArgumentBounds(fieldName: string, argument: string, value: unknown): void {
  if (typeof value === 'string' && value.length > costModel.maxStringArgument) {
    throw badUserInput(
      `"${argument}" of ${fieldName} takes at most ${costModel.maxStringArgument} characters; got ${value.length}.`,
      { argument, max: costModel.maxStringArgument },
    );
  }
  if (Array.isArray(value)) {
    if (value.length > costModel.maxListArgument) {
      throw badUserInput(`"${argument}" of ${fieldName} takes at most ${costModel.maxListArgument} items; got ${value.length}.`, {
        argument,
        max: costModel.maxListArgument,
      });
    }
    for (const item of value) checkArgumentBounds(fieldName, argument, item);
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) checkArgumentBounds(fieldName, `${argument}.${key}`, item);
  }
}

function pageSize(args: Record<string, unknown>): number {
  const requested = args.first ?? args.last;
  return typeof requested === 'number' && Number.isFinite(requested) ? Math.max(0, requested) : defaultPageSize;
}

/**
 * The complexity of one field for @pothos/plugin-complexity, from its resolved arguments. It also
 * bounds every argument's strings and lists, since it sees them all before execution starts.
 */
export function fieldCost<Context>(
  args: Record<string, unknown>,
  _context: Context,
  field: GraphQLField<unknown, Context, Record<string, unknown>>,
): number | { field: number; multiplier: number } {
  for (const [argument, value] of Object.entries(args)) checkArgumentBounds(field.name, argument, value);

  if (isLeafType(getNamedType(field.type))) return field.name === 'totalCount' ? 1 : 0;
  if (field.name === 'pageInfo') return { field: 0, multiplier: 0 };
  const argumentNames = new Set(field.args.map((arg) => arg.name));
  if (argumentNames.has('first') || argumentNames.has('last')) return { field: 1, multiplier: pageSize(args) };
  if (argumentNames.has('ids') && Array.isArray(args.ids)) return { field: 1, multiplier: args.ids.length };
  if (isListType(unwrap(field.type))) {
    const withinConnection = (field.name === 'nodes' || field.name === 'edges') && field.args.length === 0;
    return { field: 1, multiplier: withinConnection ? 1 : costModel.listMultiplier };
  }
  return 1;
}
