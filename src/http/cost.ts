import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  getNamedType,
  getOperationAST,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  visit,
  type DocumentNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { defaultPageSize, maxPageSize } from '../data/pagination.js';

/**
 * How an operation's cost is counted, roughly "rows it may load", before it runs:
 * - a field that returns an object (a reference, a node) costs 1; scalars, enums and `pageInfo`
 *   are free, except `totalCount`, which is a COUNT statement;
 * - `__typename` and the other introspection meta-fields are free: Apollo, urql and Relay add
 *   `__typename` to every selection, and the same query must cost the same from any client;
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
  /** Longest string any argument takes (`search` has its own, smaller limit, src/http/arguments.ts). */
  maxStringArgument: positiveInteger(process.env.MAX_STRING_ARGUMENT, 1000),
  /** Most items any list argument takes. */
  maxListArgument: positiveInteger(process.env.MAX_LIST_ARGUMENT, 100),
};

function positiveInteger(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw && Number.isInteger(value) && value > 0 ? value : fallback;
}

const unwrap = (type: GraphQLOutputType): GraphQLOutputType => (isNonNullType(type) ? type.ofType : type);

function pageSize(args: Record<string, unknown>): number {
  const requested = args.first ?? args.last;
  // A size out of bounds fails its field before anything runs (src/http/arguments.ts): it costs at most a full page.
  return typeof requested === 'number' && Number.isFinite(requested) ? Math.min(Math.max(0, requested), maxPageSize) : defaultPageSize;
}

/**
 * The complexity of one field for @pothos/plugin-complexity, from its resolved arguments (checked
 * before cost by src/http/arguments.ts). It reads no argument but `first`, `last` and `ids`:
 * `operationCost` keeps costs by those arguments' variables (`countedArguments`).
 */
export function fieldCost<Context>(
  args: Record<string, unknown>,
  _context: Context,
  field: GraphQLField<unknown, Context, Record<string, unknown>>,
): number | { field: number; multiplier: number } {
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

/**
 * The operation that runs, with the fragments it may spread, minus every meta-field (`__typename`,
 * `__schema`, `__type`): @pothos/plugin-complexity counts a field it does not find in the schema as 1,
 * and has no option to do otherwise. Kept per parsed document (yoga reuses one per query text).
 */
const costDocuments = new WeakMap<DocumentNode, Map<string, DocumentNode | null>>();

function costDocument(document: DocumentNode, operationName: string | null | undefined): DocumentNode | null {
  let byName = costDocuments.get(document);
  if (!byName) costDocuments.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let found = byName.get(key);
  if (found === undefined) {
    const operation = getOperationAST(document, operationName);
    found = operation
      ? visit(
          { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation) },
          { Field: (field) => (field.name.value.startsWith('__') ? null : undefined) },
        )
      : null;
    byName.set(key, found);
  }
  return found;
}

/**
 * The arguments whose values the cost reads (`fieldCost`; `authorize` costs a constant): a variable
 * used anywhere else cannot change an operation's cost.
 */
const countedArguments = new Set(['first', 'last', 'ids']);

/** Per cost document: the variables its counted arguments read, and the costs already counted by their values. */
const costsByDocument = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>>();
/** Costs per document are few (one per page size a client asks for); beyond this many, the cost is counted per request. */
const maxCostsPerDocument = 32;

function costsOf(schema: GraphQLSchema, document: DocumentNode) {
  let bySchema = costsByDocument.get(schema);
  if (!bySchema) costsByDocument.set(schema, (bySchema = new WeakMap()));
  let entry = bySchema.get(document);
  if (!entry) {
    const variables = new Set<string>();
    visit(document, {
      Argument(argument) {
        if (!countedArguments.has(argument.name.value)) return false;
        visit(argument.value, { Variable: (variable) => void variables.add(variable.name.value) });
        return false;
      },
    });
    bySchema.set(document, (entry = { variables: [...variables], costs: new Map() }));
  }
  return entry;
}

/** The values of the variables the cost reads, as sent; an absent variable (its default applies) differs from null. */
function costKey(names: readonly string[], variables: Record<string, unknown>): string {
  return names.map((name) => (variables[name] === undefined ? '' : JSON.stringify(variables[name]))).join('\u0000');
}

/**
 * The cost of the operation `operationName` names (see above), with variables as sent; null when the
 * document has no such operation. Counted once per document and values of the variables it reads.
 */
export function operationCost(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables: Record<string, unknown>;
}): number | null {
  const document = costDocument(options.document, options.operationName);
  if (!document) return null;
  const { variables, costs } = costsOf(options.schema, document);
  const key = costKey(variables, options.variables);
  let cost = costs.get(key);
  if (cost === undefined) {
    cost = complexityFromQuery(document, { schema: options.schema, ctx: {}, variables: options.variables }).complexity;
    if (costs.size < maxCostsPerDocument) costs.set(key, cost);
  }
  return cost;
}
