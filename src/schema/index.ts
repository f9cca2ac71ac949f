import { GraphQLDirective, DirectiveLocation, GraphQLList, GraphQLNonNull, GraphQLString, specifiedDirectives } from 'graphql';
import { builder } from '../builder.js';
import { synchronousNodeIds } from './node-ids.js';
import { assertResourceNodes, assertTypesGuarded } from './guards.js';
import { assertArgumentsChecked } from '../http/arguments.js';
import './scalars.js';
import './connections.js';
import './me.js';
import './patients.js';
import './facilities.js';
import './providers.js';
import './appointments.js';
import './bills.js';
import './claims.js';
import './products.js';
import './inventory.js';
import './authorize.js';
import './changes.js';
import './webhooks.js';

export const requiresScopesDirective = new GraphQLDirective({
  name: 'requiresScopes',
  description: 'The scopes an API key must hold (all of them) to read this type or field. Generated from the scope table.',
  locations: [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION],
  args: { scopes: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))), description: 'Scope ids, as the scope table names them (`read:<resource>`).' } },
});

/**
 * The served schema: Pothos's build, checked for unguarded fields and for arguments whose checks cannot
 * be derived (src/http/arguments.ts), with synchronous node ids. With
 * `scopeChecks: false` (the benchmark's peer b, to price the checks) Pothos's scope-auth is left out.
 */
export function buildSchema({ scopeChecks = true }: { scopeChecks?: boolean } = {}) {
  const built = builder.toSchema({ directives: [...specifiedDirectives, requiresScopesDirective], disableScopeAuth: !scopeChecks });
  return synchronousNodeIds(assertArgumentsChecked(assertResourceNodes(assertTypesGuarded(built))), builder.options.relay?.encodeGlobalID);
}

export const schema = buildSchema();
