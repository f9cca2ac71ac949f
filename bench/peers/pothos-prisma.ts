/**
 * Peer (f): the design card's idiomatic path, priced once. Q2 and Q3 through a small Pothos schema whose
 * data comes from @pothos/plugin-prisma: each operation becomes the Prisma queries the plugin plans
 * from the selection (an include tree), run by the same Prisma 7 client and driver adapter that
 * clinicgraph opens; plain graphql-js execution, as a Pothos server ships by default.
 *
 * What stays the same as clinicgraph, so the difference is the data layer alone: the key is
 * authenticated against the database on every request (src/auth), scopes are checked with
 * plugin-scope-auth against the same scope table (src/scopes.ts), every read carries the caller's
 * clinic, and the PHI access record is planned and written by clinicgraph's own audit (src/audit).
 * Same fields and answers as clinicgraph for Q2 and Q3, which is all this schema has.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { RequestCache } from '@pothos/plugin-scope-auth';
import { createYoga, type Plugin } from 'graphql-yoga';
import { Prisma } from '../../src/generated/prisma/client.js';
import { AppointmentStatus, CodingGroupStatus } from '../../src/generated/prisma/enums.js';
import { authenticate, type Caller } from '../../src/auth/authenticate.js';
import PhiRecordPlugin from '../../src/audit/plugin.js';
import { usePhiAudit } from '../../src/audit/phi-audit.js';
import { createLogger } from '../../src/http/logging.js';
import { ScopeUsageRecorder } from '../../src/audit/scope-usage.js';
import { openDatabase } from '../../src/db/database.js';
import { allScopes, scopeOfType, type GuardedTypeName, type Scope } from '../../src/scopes.js';
import type PrismaTypes from '../generated/pothos-prisma-types.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';
import { countStatement, runPeer } from './child.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required.');

const db = await openDatabase({ kind: 'postgres', url }, { replicaUrls: [] });
db.onStatement(countStatement);

interface Context {
  traceId: string;
  caller: Caller;
}

const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: Record<Scope, boolean>;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Directives: { requiresScopes: { locations: 'OBJECT' | 'FIELD_DEFINITION'; args: { scopes: string[] } } };
  Scalars: {
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
    Decimal: { Input: string; Output: Prisma.Decimal };
  };
}>({
  // As in src/builder.ts: the PHI record observes inside the scope checks.
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DirectivesPlugin, PhiRecordPlugin],
  prisma: { client: db.prisma, dmmf: getDatamodel(), filterConnectionTotalCount: true, onUnusedQuery: null },
  defaultFieldNullability: false,
  directives: { useGraphQLToolsUnorderedDirectives: true },
  scopeAuth: {
    authScopes: (context) => Object.fromEntries(allScopes.map((scope) => [scope, context.caller.scopes.has(scope)])) as Record<Scope, boolean>,
    runScopesOnType: false,
  },
  relay: { clientMutationId: 'omit', cursorType: 'String', nodesOnConnection: true },
});

/**
 * The rule on a field that reaches a guarded type, and the directive the PHI record's plan reads the
 * field's and type's scopes from (src/audit/access.ts), as clinicgraph's fieldGuard/typeGuard give them.
 */
const requires = (type: GuardedTypeName) => ({ directives: { requiresScopes: { scopes: [scopeOfType[type]] } } });
const guarded = (type: GuardedTypeName) => ({ ...requires(type), authScopes: { [scopeOfType[type]]: true } as Partial<Record<Scope, boolean>> });
/** Tenancy: Prisma's where on every list read; a to-one relation follows a composite key that includes organizationId. */
const inClinic = (context: Context) => ({ organizationId: context.caller.organization.id });
const pageSize = { maxSize: 100, defaultSize: 20 };

builder.scalarType('Date', { serialize: (value) => value.toISOString().slice(0, 10), parseValue: (value) => new Date(String(value)) });
builder.scalarType('DateTime', { serialize: (value) => value.toISOString(), parseValue: (value) => new Date(String(value)) });
builder.scalarType('Decimal', { serialize: (value) => value.toFixed(2), parseValue: (value) => String(value) });
/** clinicgraph's GraphQL enums name PostgreSQL's values in upper case (src/schema/connections.ts, enumOf). */
const enumOf = <Value extends string>(name: string, values: Record<string, Value>) =>
  builder.enumType(name, { values: Object.fromEntries(Object.values(values).map((value) => [value.toUpperCase(), { value }])) as Record<string, { value: Value }> });
const AppointmentStatusEnum = enumOf('AppointmentStatus', AppointmentStatus);
const CodingGroupStatusEnum = enumOf('CodingGroupStatus', CodingGroupStatus);

builder.prismaObject('Provider', {
  ...requires('Provider'),
  fields: (t) => ({ id: t.exposeID('id'), displayFirstName: t.exposeString('displayFirstName'), displayLastName: t.exposeString('displayLastName') }),
});

builder.prismaObject('Appointment', {
  ...requires('Appointment'),
  fields: (t) => ({
    id: t.exposeID('id'),
    scheduledStartDate: t.expose('scheduledStartDate', { type: 'DateTime' }),
    status: t.expose('status', { type: AppointmentStatusEnum }),
    provider: t.relation('provider', guarded('Provider')),
  }),
});

builder.prismaObject('Patient', {
  ...requires('Patient'),
  fields: (t) => ({
    id: t.exposeID('id'),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    appointments: t.relatedConnection('appointments', {
      ...guarded('Appointment'),
      cursor: 'id',
      ...pageSize,
      query: (_args, context) => ({ where: inClinic(context), orderBy: [{ scheduledStartDate: 'asc' }, { id: 'asc' }] }),
    }),
  }),
});

builder.prismaObject('Diagnosis', {
  ...requires('Diagnosis'),
  fields: (t) => ({ code: t.exposeString('code'), description: t.exposeString('description') }),
});

builder.prismaObject('LineItem', {
  ...requires('LineItem'),
  fields: (t) => ({
    code: t.exposeString('code'),
    description: t.exposeString('description'),
    units: t.exposeInt('units'),
    charge: t.expose('charge', { type: 'Decimal' }),
  }),
});

// A bill's parts are guarded by the bill's own scope (src/scopes.ts): reached only through a bill, no check runs again.
builder.prismaObject('CodingGroup', {
  ...requires('CodingGroup'),
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: CodingGroupStatusEnum }),
    diagnoses: t.relation('diagnoses', { ...requires('Diagnosis'), query: (_args, context) => ({ where: inClinic(context), orderBy: [{ position: 'asc' }, { id: 'asc' }] }) }),
    lineItems: t.relation('lineItems', { ...requires('LineItem'), query: (_args, context) => ({ where: inClinic(context), orderBy: [{ position: 'asc' }, { id: 'asc' }] }) }),
  }),
});

builder.prismaObject('Bill', {
  ...requires('Bill'),
  fields: (t) => ({
    id: t.exposeID('id'),
    billNumber: t.exposeString('humanId'),
    dateOfService: t.expose('dateOfService', { type: 'Date' }),
    patient: t.relation('patient', guarded('Patient')),
    codingGroups: t.relation('codingGroups', {
      ...requires('CodingGroup'),
      query: (_args, context) => ({ where: inClinic(context), orderBy: [{ position: 'asc' }, { id: 'asc' }] }),
    }),
  }),
});

builder.queryType({
  fields: (t) => ({
    patients: t.prismaConnection({
      ...guarded('Patient'),
      type: 'Patient',
      cursor: 'id',
      ...pageSize,
      resolve: (query, _root, _args, context) =>
        db.prisma.patient.findMany({ ...query, where: inClinic(context), orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }] }),
    }),
    bills: t.prismaConnection({
      ...guarded('Bill'),
      type: 'Bill',
      cursor: 'id',
      ...pageSize,
      resolve: (query, _root, _args, context) => db.prisma.bill.findMany({ ...query, where: inClinic(context), orderBy: [{ dateOfService: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

const schema = builder.toSchema();
const scopeUsage = new ScopeUsageRecorder(db.prisma);

/** Pothos keeps a request's scope decisions keyed by its context; released at the end, as clinicgraph does (src/yoga.ts). */
const releaseScopeCache: Plugin<Context> = {
  onExecute: ({ args }) => ({ onExecuteDone: () => RequestCache.clearForContext(args.contextValue) }),
};

const yoga = createYoga<Record<string, never>, Context>({
  schema,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  logging: false,
  maskedErrors: { isDev: false },
  // Like clinicgraph's in the bench: its log lines go nowhere.
  plugins: [usePhiAudit({ prisma: db.prisma, scopeUsage, logger: createLogger('error', { write: () => {} }) }), releaseScopeCache],
  context: async ({ request }) => ({ traceId: randomUUID(), caller: await authenticate(db.prisma, request.headers) }),
});

runPeer(createServer(yoga), async () => {
  await scopeUsage.flush();
  await db.close();
});
