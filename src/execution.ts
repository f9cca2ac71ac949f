import { getOperationAST, getVariableValues, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

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
 * Runs each operation as JavaScript compiled for it (graphql-jit), once per schema and document, instead
 * of interpreting the document for every field of every row: a 100-patient page with 500 appointments
 * completes some 4,000 fields, and interpreting them cost a third of the request's CPU. Variables are
 * checked first: a request with a bad variable goes to the standard executor, which refuses it as before (its messages, a 400).
 * An operation the compiler refuses runs on the standard executor. Must come before plugins that wrap
 * the execute function (per-installation introspection passes its own schema through it).
 */
export function useCompiledExecution(): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(((args: ExecutionArgs) => {
        const compiled = compiledFor(args);
        if (!compiled) return executeFn(args);
        const operation = getOperationAST(args.document, args.operationName);
        if (operation?.variableDefinitions?.length) {
          const coerced = getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {}, { maxErrors: 1 });
          // The standard executor reports bad variables as it always has: its messages, a 400, no execution.
          if (coerced.errors) return executeFn(args);
        }
        return compiled.query(args.rootValue, args.contextValue, args.variableValues ?? {});
      }) as typeof executeFn);
    },
  };
}
