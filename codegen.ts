import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * How an app generates TypeScript for its clinicgraph operations (the README's "Clients" section), and
 * the configuration CI runs over schema.graphql and test/clients/operations.graphql
 * (test/codegen.test.ts). Every custom scalar is mapped (`strictScalars` refuses one that is not), each
 * to the type its wire form has: the scalars' descriptions say why.
 */
export const scalars = {
  /** Ids are opaque strings (pat_…): never numbers. */
  ID: 'string',
  /** "2026-01-31" (RFC 3339 full-date). */
  Date: 'string',
  /** "2026-01-31T14:00:00.000Z" (RFC 3339 date-time, served in UTC). */
  DateTime: 'string',
  /** "150.00": a decimal string, never a float. */
  Decimal: 'string',
  /** Any JSON value (RFC 8259). */
  JSON: 'string | number | boolean | null | { [key: string]: unknown } | unknown[]',
} as const;

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/clients/operations.graphql'],
  generates: {
    'generated/clinicgraph.ts': {
      // typescript-operations 6 emits the enums and inputs the operations use: no separate schema-types plugin.
      plugins: ['typescript-operations'],
      config: { strictScalars: true, scalars, enumsAsTypes: true },
    },
  },
};

export default config;
