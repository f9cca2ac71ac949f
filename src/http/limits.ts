import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { GraphQLError, Kind, getOperationAST, getVariableValues, type DocumentNode, type ValidationContext } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { HardeningConfig } from './config.js';
import { stateOf } from './request-state.js';

type LimitName = 'depth' | 'aliases' | 'tokens' | 'directives' | 'cost' | 'queryLength' | 'variablesBytes';

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
function armorRejection(limit: Exclude<LimitName, 'cost' | 'tokens' | 'queryLength' | 'variablesBytes'>, max: number) {
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

/** Depth, aliases, tokens and directives (graphql-armor), field suggestions off outside development. */
export function useArmor(config: HardeningConfig): Plugin {
  const { limits } = config;
  return EnvelopArmorPlugin({
    maxDepth: { ...armorRejection('depth', limits.depth), ignoreIntrospection: true, flattenFragments: true },
    // Every alias counts, `__typename` ones too: a thousand of them are still a thousand fields to answer.
    maxAliases: { ...armorRejection('aliases', limits.aliases), allowList: [] },
    maxDirectives: armorRejection('directives', limits.directives),
    maxTokens: {
      n: limits.tokens,
      exposeLimits: true,
      onReject: [
        () => {
          throw limitError('tokens', limits.tokens, `Query has more than ${limits.tokens} tokens. ${advice.tokens}`);
        },
      ],
    },
    // Cost is counted by @pothos/plugin-complexity instead (it follows `first`/`last` given as variables).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !config.fieldSuggestions, mask: '' },
  }) as Plugin;
}

/** The query text and the variables are bounded before anything parses them (a GET has no body limit). */
export function inputSizeError(params: GraphQLParams, limits: HardeningConfig['limits']): GraphQLError | null {
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

/** Only the operation that runs is measured, with the fragments it may spread. */
function selectedOperationOnly(document: DocumentNode, operationName: string | null | undefined): DocumentNode | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  return {
    ...document,
    definitions: document.definitions.filter((definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition === operation),
  };
}

/**
 * The operation's cost, counted by @pothos/plugin-complexity from the field costs in src/http/cost.ts,
 * after validation and before any resolver runs. Over the limit, nothing executes.
 */
export function useCostLimit(config: HardeningConfig): Plugin<{ request: Request }> {
  const max = config.limits.cost;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const state = stateOf(args.contextValue.request);
      const operation = getOperationAST(args.document, args.operationName);
      // Only a name the document declares: an unknown operationName is arbitrary caller text.
      state.operationName = operation ? (operation.name?.value ?? null) : undefined;
      state.operationType = operation?.operation;
      const document = selectedOperationOnly(args.document, args.operationName);
      // Unknown or ambiguous operation names and invalid variables: execution reports them as usual.
      if (!document || !operation) return;
      const variables = args.variableValues ?? {};
      if (getVariableValues(args.schema, operation.variableDefinitions ?? [], variables).errors) return;
      let cost: number;
      try {
        cost = complexityFromQuery(document, { schema: args.schema, ctx: args.contextValue, variables }).complexity;
      } catch (error) {
        // An argument out of bounds, or an id argument that is no id: refused before execution.
        if (!(error instanceof GraphQLError)) throw error;
        setResultAndStopExecution({
          errors: [new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400, spec: true } } })],
        });
        return;
      }
      state.cost = cost;
      if (cost > max) {
        setResultAndStopExecution({
          errors: [
            limitError(
              'cost',
              max,
              `Query cost ${cost} exceeds the limit of ${max}. A connection multiplies the cost of what it selects by \`first\` ` +
                `(or \`last\`, default 20): ask for fewer items per page, or fewer nested lists.`,
              cost,
            ),
          ],
        });
      }
    },
  };
}
