import { GraphQLDirective, DirectiveLocation, GraphQLList, GraphQLNonNull, GraphQLString, specifiedDirectives } from 'graphql';
import { builder } from '../builder.js';
import { prefetchReferences } from '../data/prefetch.js';
import { synchronousNodeIds } from './node-ids.js';
import { assertTypesGuarded } from './guards.js';
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

export const requiresScopesDirective = new GraphQLDirective({
  name: 'requiresScopes',
  description: 'The scopes an API key must hold (all of them) to read this type or field. Generated from the scope table.',
  locations: [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION],
  args: { scopes: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) } },
});

export const schema = prefetchReferences(
  synchronousNodeIds(
    assertTypesGuarded(builder.toSchema({ directives: [...specifiedDirectives, requiresScopesDirective] })),
    builder.options.relay?.encodeGlobalID,
  ),
);
