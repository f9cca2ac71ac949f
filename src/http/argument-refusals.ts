import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { FieldNode, GraphQLError, GraphQLFieldResolver } from 'graphql';

const pluginName = 'argumentRefusals';

/** Per request (its context), the fields whose arguments the checks before execution refused. */
const refusals = new WeakMap<object, ReadonlyMap<FieldNode, GraphQLError>>();

/** Called by the operation limits (src/http/limits.ts) before execution starts. */
export function refuseFields(context: object, refused: ReadonlyMap<FieldNode, GraphQLError>): void {
  refusals.set(context, refused);
}

/** Whether checks before execution refused an argument of this request: its answer then has errors to place. */
export function hasRefusedFields(context: object): boolean {
  return (refusals.get(context)?.size ?? 0) > 0;
}

/**
 * A field whose argument was refused before execution (src/http/arguments.ts) answers null with that
 * error at its path, without running: the rest of the data returns. Only fields that take arguments
 * are wrapped.
 */
export class ArgumentRefusalsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (Object.keys(fieldConfig.args).length === 0) return resolver;
    return (parent, args, context, info) => {
      const refused = refusals.get(context as object)?.get(info.fieldNodes[0]!);
      if (refused) throw refused;
      return resolver(parent, args, context, info);
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      argumentRefusals: ArgumentRefusalsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, ArgumentRefusalsPlugin);

export default pluginName;
