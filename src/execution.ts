import { getOperationAST, getVariableValues, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from './context.js';
import { oneStatementFromEnv } from './env.js';
import { collectorOf, planKeyOf } from './audit/access.js';
import { hasRefusedFields } from './http/argument-refusals.js';
import { AnswerText, answerText, planFor, statementFor, stringifyAnswer } from './data/document-statement.js';

type Compiled = CompiledQuery | null;

/** Compiled operations per schema (introspection runs on per-installation schemas), document and operation. */
const compiledBySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Compiled>>>();

function compiledFor(args: ExecutionArgs): Compiled {
  let byDocument = compiledBySchema.get(args.schema);
  if (!byDocument) compiledBySchema.set(args.schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(args.document);
  if (!byOperation) byDocument.set(args.document, (byOperation = new Map()));
  const name = args.operationName ?? '';
  let compiled = byOperation.get(name);
  if (compiled === undefined) {
    const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
    compiled = isCompiledQuery(result) ? result : null;
    byOperation.set(name, compiled);
  }
  return compiled;
}

/**
 * The operation as one SQL statement (src/data/document-statement.ts), when its document allows and
 * nothing in this request needs the executor: no argument refused before execution (its error goes at
 * its field), every scope the fields demand held. Anything else, and a statement that fails, goes to
 * the executor, which answers as it always has (partial data, errors at their paths).
 */
function oneStatement(args: ExecutionArgs, operation: OperationDefinitionNode, variables: GraphQLResolveInfo['variableValues'], execute: () => unknown) {
  const context = args.contextValue as RequestContext | undefined;
  if (!context?.loaders || hasRefusedFields(context)) return undefined;
  const plan = planFor({ schema: args.schema, document: args.document, operation, variables, planKey: planKeyOf(args.document, operation, variables) });
  if (!plan) return undefined;
  for (const scope of plan.scopes) if (!context.caller.scopes.has(scope)) return undefined;
  let statement;
  try {
    statement = statementFor(plan, { organizationId: context.loaders.organizationId, variables, scopes: context.caller.scopes });
  } catch {
    // An argument the list refuses (a cursor of another order, first with last), a node of a type the
    // caller cannot read: the executor places the error at its field.
    return undefined;
  }
  return context.loaders.statement<{ data: string }>(statement.tables, statement.sql).then(
    (rows) => {
      // A statement that answers nothing is a fault of its builder, never the client's: the executor answers.
      const data = rows[0]?.data;
      if (typeof data !== 'string') return execute();
      const collector = collectorOf(context);
      let text: string;
      try {
        text = answerText(plan, data, variables, (values, value, info) => collector?.resolved(values, value, info as unknown as GraphQLResolveInfo));
      } catch {
        return execute();
      }
      // The data goes out as the text PostgreSQL wrote: yoga serializes a result through its own `stringify`.
      return { data: new AnswerText(text) as unknown as Record<string, unknown>, stringify: stringifyAnswer } as ExecutionResult;
    },
    () => execute(),
  );
}

export interface ExecutionOptions {
  /** Whole queries as one SQL statement where they can be; defaults to GRAPHQL_ONE_STATEMENT (on). */
  oneStatement?: boolean;
}

/**
 * Runs each operation as JavaScript compiled for it (graphql-jit), once per schema and document, instead
 * of interpreting the document for every field of every row: a 100-patient page with 500 appointments
 * completes some 4,000 fields, and interpreting them cost a third of the request's CPU. Variables are
 * checked first: a request with a bad variable goes to the standard executor, which refuses it as before (its messages, a 400).
 * An operation the compiler refuses runs on the standard executor. Must come before plugins that wrap
 * the execute function (per-installation introspection passes its own schema through it).
 * Before either, an operation that one SQL statement can answer is answered by it.
 */
export function useCompiledExecution({ oneStatement: statements = oneStatementFromEnv() }: ExecutionOptions = {}): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(((args: ExecutionArgs) => {
        const compiled = compiledFor(args);
        const operation = getOperationAST(args.document, args.operationName);
        let variables: GraphQLResolveInfo['variableValues'] = {};
        if (operation?.variableDefinitions?.length) {
          const coerced = getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {}, { maxErrors: 1 });
          // The standard executor reports bad variables as it always has: its messages, a 400, no execution.
          if (coerced.errors) return executeFn(args);
          variables = coerced.coerced;
        }
        const execute = () => (compiled ? compiled.query(args.rootValue, args.contextValue, args.variableValues ?? {}) : executeFn(args));
        if (statements && operation) {
          const answered = oneStatement(args, operation, variables, execute);
          if (answered) return answered;
        }
        return execute();
      }) as typeof executeFn);
    },
  };
}
