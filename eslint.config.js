import graphqlPlugin from '@graphql-eslint/eslint-plugin';

/**
 * The schema lint (`npm run lint:schema`, in CI): @graphql-eslint's recommended schema rules and its
 * Relay rules over the printed schema.graphql, and a description on every type, field, argument,
 * input field and enum value (what it is, units, bounds, defaults, what null means).
 */
export default [
  {
    files: ['schema.graphql'],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: 'schema.graphql' } } },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      ...graphqlPlugin.configs['flat/schema-recommended'].rules,
      ...graphqlPlugin.configs['flat/schema-relay'].rules,
      // A connection's `nodes` list (beside `edges`) and a row's short child lists are lists of nodes, not of
      // edges; and the change feed's entries are events (positioned by their log position), not refetchable Nodes.
      '@graphql-eslint/relay-edge-types': ['error', { listTypeCanWrapOnlyEdgeType: false, shouldImplementNode: false, withEdgeSuffix: true }],
      // Field names follow the clinic platform's documented REST fields (billNumber, claimStatus, claimAmount…).
      '@graphql-eslint/no-typename-prefix': 'off',
      // Entities carry an id; connections, edges, mutation payloads, the answers of `me` and `authorize`, and
      // change-feed entries (identified by their log `position`) are values without one.
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          exceptions: {
            suffixes: ['Connection', 'Edge', 'Payload', 'Error', 'Requirement', 'Status', 'Location', 'Limit'],
            types: ['PageInfo', 'Authorization', 'Change', 'Me', 'MeApp', 'MeOrganization', 'Query', 'Mutation'],
          },
        },
      ],
      '@graphql-eslint/require-description': [
        'error',
        {
          types: true,
          rootField: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
          DirectiveDefinition: true,
        },
      ],
    },
  },
];
