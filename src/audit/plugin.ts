import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type PothosOutputFieldType, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { observed } from './access.js';

const pluginName = 'phiRecord';

function leaf<Types extends SchemaTypes>(type: PothosOutputFieldType<Types>): boolean {
  return type.kind === 'List' ? leaf(type.type) : type.kind === 'Scalar' || type.kind === 'Enum';
}

/**
 * Attaches the PHI record's observation to the fields that can return rows (objects, lists, interfaces;
 * never scalars): listed after scope-auth, so it runs inside the scope check and a denied field is
 * never observed. What each observed field adds is planned per document (src/audit/access.ts).
 */
export class PhiRecordPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    return leaf(fieldConfig.type) ? resolver : observed(resolver);
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      phiRecord: PhiRecordPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, PhiRecordPlugin);

export default pluginName;
