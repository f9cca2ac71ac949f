import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { HardeningConfig } from './config.js';
import { operationCost } from './cost.js';
import { checkArguments } from './arguments.js';
import { refuseFields } from './argument-refusals.js';
import { stateOf } from './request-state.js';

type LimitName = 'depth' | 'aliases' | 'tokens' | 'directives' | 'cost' | 'queryLength' | 'variablesBytes';

/** The checks an operation passes before it runs, in the order they run; a refusal names the one that refused. */
export const operationCheckNames = [
  'queryLength',
  'variablesBytes',
  'tokens',
  'parse',
  'depth',
  'aliases',
  'directives',
  'validation',
  'operation',
  'variables',
  'arguments',
  'cost',
] as const;
export type OperationCheckName = (typeof operationCheckNames)[number];

/** A request refused for a limit: names it and its maximum; 400 like a validation error (200 for legacy application/json). */
export function limitError(limit: LimitName, max: number, message: string, actual?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'BAD_USER_INPUT',
      limit: { name: limit, max, ...(actual === undefined ? {} : { actual }) },
      http: { status: 400, spec: true },
    },
  });
}

const advice: Record<Exclude<LimitName, 'cost'>, string> = {
  depth: 'Select fewer nested levels, or split the query.',
  aliases: 'Use fewer aliases, or split the query.',
  tokens: 'Send a shorter query, or split it.',
  directives: 'Use fewer directives.',
  queryLength: 'Send a shorter query, or split it.',
  variablesBytes: 'Send smaller variables, or split the request.',
};

/** graphql-armor names the limit and what it found; its "Syntax Error:" prefix would mislead, so it goes. */
function armorRejection(limit: 'depth' | 'aliases' | 'directives', max: number) {
  return {
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(limitError(limit, max, `${error.message.replace(/^Syntax Error: /, '')} ${advice[limit]}`)),
    ],
  };
}

/** The query text and the variables are bounded before anything parses them (a GET has no body limit). */
export function inputSizeError(params: Pick<GraphQLParams, 'query' | 'variables'>, limits: HardeningConfig['limits']): GraphQLError | null {
  const { queryLength, variablesBytes } = limits;
  if (typeof params.query === 'string' && params.query.length > queryLength) {
    return limitError(
      'queryLength',
      queryLength,
      `Query is ${params.query.length} characters; the limit is ${queryLength}. ${advice.queryLength}`,
      params.query.length,
    );
  }
  if (params.variables) {
    const size = Buffer.byteLength(JSON.stringify(params.variables));
    if (size > variablesBytes) {
      return limitError('variablesBytes', variablesBytes, `Variables are ${size} bytes; the limit is ${variablesBytes}. ${advice.variablesBytes}`, size);
    }
  }
  return null;
}

/** A refusal and the check that made it. */
export interface CheckFailure {
  check: OperationCheckName;
  error: GraphQLError;
}

/**
 * The limits every operation must fit, as one object that both the server's pipeline (`useOperationLimits`)
 * and the dry run (`authorize`, through `checkOperation`) call: a document the dry run passes is one
 * execution runs, and one it refuses is refused for the same reason.
 */
export interface OperationLimits {
  readonly limits: HardeningConfig['limits'];
  /** Parses within the token limit; throws the limit's error or graphql-js's syntax error. */
  parse(text: string): DocumentNode;
  /** Depth, aliases and directives (graphql-armor), run with graphql-js's specified rules. */
  readonly rules: readonly ValidationRule[];
  /**
   * The arguments (src/http/arguments.ts), then the cost, of an operation whose variables coerced: the
   * failure that refuses the whole operation if any, the fields that fail alone (a malformed id, cursor
   * or page size), and the cost once the arguments allow counting it.
   */
  argumentsAndCost(options: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operation: OperationDefinitionNode;
    /** Coerced, for the argument checks. */
    variables: Record<string, unknown>;
    /** As sent: the complexity plugin coerces them itself. */
    rawVariables: Record<string, unknown>;
  }): { cost: number | null; failure: CheckFailure | null; refusedFields: ReadonlyMap<FieldNode, GraphQLError> };
}

export function createOperationLimits(config: HardeningConfig): OperationLimits {
  const { limits } = config;
  const rules: ValidationRule[] = [
    maxDepthRule({ ...armorRejection('depth', limits.depth), ignoreIntrospection: true, flattenFragments: true }),
    // Every alias counts, `__typename` ones too: a thousand of them are still a thousand fields to answer.
    maxAliasesRule({ ...armorRejection('aliases', limits.aliases), allowList: [] }),
    maxDirectivesRule(armorRejection('directives', limits.directives)),
  ];
  return {
    limits,
    rules,
    parse(text) {
      try {
        return parse(text, { maxTokens: limits.tokens });
      } catch (error) {
        if (error instanceof GraphQLError && /Document contains more th(?:an|at) \d+ tokens/.test(error.message)) {
          throw limitError('tokens', limits.tokens, `Query has more than ${limits.tokens} tokens. ${advice.tokens}`);
        }
        throw error;
      }
    },
    argumentsAndCost({ schema, document, operation, variables, rawVariables }) {
      const { refusal, refusedFields } = checkArguments({ schema, document, operation, variables });
      if (refusal) {
        const error = new GraphQLError(refusal.message, { nodes: refusal.nodes, extensions: { ...refusal.extensions, http: { status: 400, spec: true } } });
        return { cost: null, failure: { check: 'arguments', error }, refusedFields };
      }
      const cost = operationCost({ schema, document, operationName: operation.name?.value, variables: rawVariables });
      if (cost === null || cost <= limits.cost) return { cost, failure: null, refusedFields };
      const error = limitError(
        'cost',
        limits.cost,
        `Query cost ${cost} exceeds the limit of ${limits.cost}. A connection multiplies the cost of what it selects by \`first\` ` +
          `(or \`last\`, default 20): ask for fewer items per page, or fewer nested lists.`,
        cost,
      );
      return { cost, failure: { check: 'cost', error }, refusedFields };
    },
  };
}

/** Which check a validation error comes from: one of the limits, or graphql-js's own rules. */
function validationCheck(error: GraphQLError): OperationCheckName {
  const limit = (error.extensions?.limit as { name?: string } | undefined)?.name;
  return limit === 'depth' || limit === 'aliases' || limit === 'directives' ? limit : 'validation';
}

function chooseOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | GraphQLError {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return new GraphQLError('The document has no operation.');
  const operation = getOperationAST(document, operationName);
  if (operation) return operation;
  if (operationName) return new GraphQLError(`The document has no operation named "${operationName}".`);
  return new GraphQLError(`The document has ${operations.length} operations; pass operationName to say which one to check.`);
}

export interface CheckedOperation {
  failures: CheckFailure[];
  /** Present once the document parsed. */
  document?: DocumentNode;
  operation?: OperationDefinitionNode;
  /** The coerced variables (empty when they did not coerce). */
  variables: Record<string, unknown>;
  /** Counted when the operation passed every check before cost. */
  cost: number | null;
}

/**
 * Every check the server runs before executing an operation, in the server's order, without executing
 * it: the dry run of `authorize`. Validation reports all its errors at once, as the server does; a
 * failure at an earlier stage stops the later ones, as it does on the server.
 */
export function checkOperation(
  limits: OperationLimits,
  schema: GraphQLSchema,
  input: { document: string; variables?: unknown; operationName?: string | null },
): CheckedOperation {
  const failures: CheckFailure[] = [];
  const result = (partial: Partial<CheckedOperation> = {}): CheckedOperation => ({ failures, variables: {}, cost: null, ...partial });

  const rawVariables = input.variables ?? {};
  const variablesAreObject = typeof rawVariables === 'object' && rawVariables !== null && !Array.isArray(rawVariables);
  const sizeError = inputSizeError({ query: input.document, variables: variablesAreObject ? (rawVariables as Record<string, unknown>) : undefined }, limits.limits);
  if (sizeError) {
    failures.push({ check: (sizeError.extensions.limit as { name: OperationCheckName }).name, error: sizeError });
    return result();
  }

  let document: DocumentNode;
  try {
    document = limits.parse(input.document);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    failures.push({ check: error.extensions.limit ? 'tokens' : 'parse', error });
    return result();
  }

  for (const error of validate(schema, document, [...specifiedRules, ...limits.rules])) failures.push({ check: validationCheck(error), error });
  const operation = chooseOperation(document, input.operationName);
  if (operation instanceof GraphQLError) {
    failures.push({ check: 'operation', error: operation });
    return result({ document });
  }

  let variables: Record<string, unknown> = {};
  if (!variablesAreObject) {
    failures.push({ check: 'variables', error: new GraphQLError('"variables" must be a JSON object keyed by variable name.') });
  } else {
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables as Record<string, unknown>);
    if (coerced.errors) failures.push(...coerced.errors.map((error) => ({ check: 'variables' as const, error })));
    else variables = coerced.coerced;
  }
  if (failures.length > 0) return result({ document, operation, variables });

  const { cost, failure, refusedFields } = limits.argumentsAndCost({
    schema,
    document,
    operation,
    variables,
    rawVariables: rawVariables as Record<string, unknown>,
  });
  // The fields the server would answer null with their error, then what refuses the whole operation.
  for (const error of refusedFields.values()) failures.push({ check: 'arguments', error });
  if (failure) failures.push(failure);
  return result({ document, operation, variables, cost });
}

/**
 * The limits in the server's pipeline: parsing within the token limit, the limit rules beside graphql-js's
 * own at validation, and the cost after validation, before any resolver runs. Over a limit, nothing
 * executes. Field suggestions are off outside development.
 */
export function useOperationLimits(limits: OperationLimits, config: HardeningConfig): Plugin<{ request: Request }>[] {
  const parsing: Plugin<{ request: Request }> = {
    onParse({ setParseFn }) {
      setParseFn((source) => limits.parse(typeof source === 'string' ? source : source.body));
    },
    onValidate({ addValidationRule }) {
      for (const rule of limits.rules) addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const state = stateOf(args.contextValue.request);
      const operation = getOperationAST(args.document, args.operationName);
      // Only a name the document declares: an unknown operationName is arbitrary caller text.
      state.operationName = operation ? (operation.name?.value ?? null) : undefined;
      state.operationType = operation?.operation;
      // Unknown or ambiguous operation names and invalid variables: execution reports them as usual.
      if (!operation) return;
      const rawVariables = args.variableValues ?? {};
      const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], rawVariables);
      if (coerced.errors) return;
      const { cost, failure, refusedFields } = limits.argumentsAndCost({
        schema: args.schema,
        document: args.document,
        operation,
        variables: coerced.coerced,
        rawVariables,
      });
      if (cost !== null) state.cost = cost;
      if (failure) setResultAndStopExecution({ errors: [failure.error] });
      // Each refused field answers null with its error (src/http/argument-refusals.ts); the others run.
      else if (refusedFields.size > 0) refuseFields(args.contextValue, refusedFields);
    },
  };
  return config.fieldSuggestions ? [parsing] : [parsing, blockFieldSuggestionsPlugin({ mask: '' }) as Plugin<{ request: Request }>];
}
