import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { boundedByRequestExtension } from '../http/arguments.js';
import { checkOperation, operationCheckNames, type CheckFailure, type OperationCheckName, type OperationLimits } from '../http/limits.js';
import type { Caller } from '../auth/authenticate.js';
import { builder } from '../builder.js';
import { typeOfId } from '../ids.js';
import { isClinicType, resourceOf } from '../resources.js';
import { canonicalScopes, scopeTable, type Scope } from '../scopes.js';
import { scopeEntryDescriptions } from './me.js';

interface Problem {
  message: string;
  locations: { line: number; column: number }[];
  check: OperationCheckName;
  limit: { name: string; max: number; actual?: number } | null;
}

interface Requirement {
  scope: Scope;
  title: string;
  held: boolean;
  reason: string | null;
  paths: string[];
}

export interface Authorization {
  valid: boolean;
  allowed: boolean;
  operationName: string | null;
  requiredScopes: Scope[];
  missingScopes: Scope[];
  cost: number | null;
  requirements: Requirement[];
  errors: Problem[];
}

export interface AuthorizeInput {
  document: string;
  variables?: unknown;
  operationName?: string | null;
}

const problem = ({ check, error }: CheckFailure): Problem => ({
  message: error.message,
  locations: [...(error.locations ?? [])],
  check,
  limit: (error.extensions.limit as Problem['limit'] | undefined) ?? null,
});

function directiveScopes(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): string[] {
  return (getDirective(schema, node, 'requiresScopes')?.[0]?.scopes ?? []) as string[];
}

/** Why a key lacks a scope, link by link of the chain app → clinic → key. */
function whyMissing(caller: Caller, scope: Scope): string {
  if (!caller.app.declaredScopes.includes(scope)) {
    return `App "${caller.app.slug}" does not declare ${scope}: declare it in a new app version, then ask the clinic to approve it.`;
  }
  if (!caller.installation.grantedScopes.includes(scope)) return `The clinic has not granted ${scope} to the app: ask it to approve the scope.`;
  return `This API key does not carry ${scope}: create a key that includes it.`;
}

/**
 * Collects the scopes each field needs (its own, its type's, and for `node`/`nodes` the type each id
 * names), with the response path where each is first needed. A scope an ancestor already needs is not
 * repeated for its descendants.
 */
class ScopeWalk {
  readonly paths = new Map<string, Set<string>>();
  private readonly fragments = new Map<string, FragmentDefinitionNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  walk(set: SelectionSetNode, parentType: GraphQLNamedType | undefined, inherited: ReadonlySet<string>, path: string[], active: string[] = []): void {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parentType;
        this.walk(selection.selectionSet, type ?? undefined, inherited, path, active);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = this.fragments.get(selection.name.value);
        if (!fragment || active.includes(fragment.name.value)) continue;
        const type = this.schema.getType(fragment.typeCondition.name.value) ?? undefined;
        this.walk(fragment.selectionSet, type, inherited, path, [...active, fragment.name.value]);
        continue;
      }
      if (!parentType || !(isObjectType(parentType) || isInterfaceType(parentType))) continue;
      const field = parentType.getFields()[selection.name.value];
      if (!field) continue;
      const needed = new Set([...directiveScopes(this.schema, parentType), ...directiveScopes(this.schema, field)]);
      const returnType = getNamedType(field.type);
      for (const scope of directiveScopes(this.schema, returnType)) needed.add(scope);
      if (isAbstractType(returnType)) for (const scope of this.scopesOfIds(field, selection)) needed.add(scope);
      const fieldPath = [...path, field.name];
      for (const scope of needed) {
        if (inherited.has(scope)) continue;
        const paths = this.paths.get(scope) ?? new Set<string>();
        paths.add(fieldPath.join('.'));
        this.paths.set(scope, paths);
      }
      if (selection.selectionSet) {
        this.walk(selection.selectionSet, returnType, new Set([...inherited, ...needed]), fieldPath, active);
      }
    }
  }

  /** `node(id:)` and `nodes(ids:)`: each id names its type, and so the scope it will need. */
  private scopesOfIds(field: Parameters<typeof getArgumentValues>[0], node: Parameters<typeof getArgumentValues>[1]): string[] {
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, this.variables);
    } catch {
      return [];
    }
    const ids = [args.id, ...(Array.isArray(args.ids) ? args.ids : [])].filter((id): id is string => typeof id === 'string');
    // The scope loadNode checks (src/data/nodes.ts): the declared resource's, by the id's prefix.
    return ids.flatMap((id) => {
      const typeName = typeOfId(id);
      return typeName && isClinicType(typeName) ? [resourceOf[typeName].scope] : [];
    });
  }
}

/**
 * The dry run: every check the server runs before executing (src/http/limits.ts, the same code), then
 * which scopes the operation needs, which of them the caller lacks and why, and its cost, without
 * executing anything.
 */
export function authorizeOperation(schema: GraphQLSchema, caller: Caller, limits: OperationLimits, input: AuthorizeInput): Authorization {
  const checked = checkOperation(limits, schema, input);
  const errors = checked.failures.map(problem);
  const walk = new ScopeWalk(schema, checked.document ?? { kind: Kind.DOCUMENT, definitions: [] }, checked.variables);
  if (checked.operation) walk.walk(checked.operation.selectionSet, schema.getRootType(checked.operation.operation) ?? undefined, new Set(), []);
  const requiredScopes = canonicalScopes(walk.paths.keys());
  const missingScopes = requiredScopes.filter((scope) => !caller.scopes.has(scope));
  const valid = errors.length === 0;
  return {
    valid,
    allowed: valid && missingScopes.length === 0,
    operationName: checked.operation?.name?.value ?? null,
    requiredScopes,
    missingScopes,
    // The cost of an operation that passed the checks before it, even when it is over the limit.
    cost: checked.cost,
    requirements: requiredScopes.map((scope) => {
      const held = caller.scopes.has(scope);
      return {
        scope,
        title: scopeTable.find((entry) => entry.id === scope)?.title ?? scope,
        held,
        reason: held ? null : whyMissing(caller, scope),
        paths: [...(walk.paths.get(scope) ?? [])],
      };
    }),
    errors,
  };
}

const checkDescriptions: Record<OperationCheckName, string> = {
  queryLength: 'The query text fits MAX_QUERY_LENGTH characters.',
  variablesBytes: 'The variables, as JSON, fit MAX_VARIABLES_BYTES.',
  tokens: 'The document has at most MAX_QUERY_TOKENS lexical tokens.',
  parse: 'The document is GraphQL syntax.',
  depth: 'Selections nest at most MAX_QUERY_DEPTH levels.',
  aliases: 'At most MAX_QUERY_ALIASES aliases.',
  directives: 'At most MAX_QUERY_DIRECTIVES directives.',
  validation: "The document is valid against the schema (graphql-js's rules).",
  operation: 'The document names one operation to run (operationName when it has several).',
  variables: "The variables fit the operation's variable definitions.",
  arguments:
    "Every argument fits its type's rules: text within MAX_STRING_ARGUMENT (100 for `search`) without NUL, control characters or lone surrogates, lists within MAX_LIST_ARGUMENT, page sizes 0 to 100, ids of the type the argument names, cursors of the list they are passed to. Text and lists refuse the operation; a wrong id, cursor or page size fails its field only.",
  cost: 'The cost fits MAX_QUERY_COST.',
};

const DocumentLocationRef = builder.objectRef<Problem['locations'][number]>('DocumentLocation').implement({
  description: 'A place in the document: line and column, from 1.',
  fields: (t) => ({
    line: t.exposeInt('line', { description: 'Line, from 1.' }),
    column: t.exposeInt('column', { description: 'Column within the line, from 1.' }),
  }),
});

const OperationCheckRef = builder.enumType('OperationCheck', {
  description: 'A check the server runs on every operation before executing it, in this order.',
  values: Object.fromEntries(
    operationCheckNames.map((name) => [name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(), { value: name, description: checkDescriptions[name] }]),
  ) as Record<string, { value: OperationCheckName; description: string }>,
});

const LimitRef = builder.objectRef<NonNullable<Problem['limit']>>('OperationLimit').implement({
  description: 'The limit an operation exceeded, as `extensions.limit` of the error the server would answer.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The limit: depth, aliases, tokens, directives, cost, queryLength or variablesBytes.' }),
    max: t.exposeInt('max', { description: 'Its maximum (MAX_QUERY_… settings).' }),
    actual: t.exposeInt('actual', { nullable: true, description: 'What the operation has, when the check counts it; null when it stops counting at the limit.' }),
  }),
});

const AuthorizationErrorRef = builder.objectRef<Problem>('AuthorizationError').implement({
  description: 'Why the server would refuse the document before running it, and which of its checks refuses.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'The message the server would answer.' }),
    locations: t.field({ type: [DocumentLocationRef], description: 'Where in the document; empty when the error has no place.', resolve: (error) => error.locations }),
    check: t.expose('check', { type: OperationCheckRef, description: 'The check that refuses.' }),
    limit: t.field({ type: LimitRef, nullable: true, description: 'The limit exceeded; null when the check is not a limit.', resolve: (error) => error.limit }),
  }),
});

const ScopeRequirementRef = builder.objectRef<Requirement>('ScopeRequirement').implement({
  description: 'A scope the operation needs, whether this key holds it, and where the operation needs it.',
  fields: (t) => ({
    scope: t.exposeString('scope', { description: scopeEntryDescriptions.scope }),
    title: t.exposeString('title', { description: scopeEntryDescriptions.title }),
    held: t.exposeBoolean('held', { description: 'The key holds it (declared by the app, granted by the clinic, in the key).' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why the key lacks it and what would fix that; null when held.' }),
    paths: t.exposeStringList('paths', { description: 'Fields (response paths) that first need the scope, e.g. `appointments.nodes.patient`.' }),
  }),
});

const AuthorizationRef = builder.objectRef<Authorization>('Authorization').implement({
  description: 'What an operation needs and whether this key may run it, found without running it.',
  fields: (t) => ({
    valid: t.exposeBoolean('valid', { description: 'It parses, validates against the schema, its variables fit and its operation is chosen.' }),
    allowed: t.exposeBoolean('allowed', { description: 'Valid, and this key holds every scope it needs.' }),
    operationName: t.exposeString('operationName', {
      nullable: true,
      description: 'The operation checked (the one `operationName` names, or the only one); null when it is anonymous or none could be chosen.',
    }),
    requiredScopes: t.exposeStringList('requiredScopes', { description: 'Every scope the operation needs, in scope-table order.' }),
    missingScopes: t.exposeStringList('missingScopes', { description: 'The required scopes this key lacks.' }),
    cost: t.exposeInt('cost', { nullable: true, description: 'Its cost, as the server counts it before running an operation; null when invalid.' }),
    requirements: t.field({
      type: [ScopeRequirementRef],
      description: 'Each required scope, whether the key holds it, and the fields that need it.',
      resolve: (authorization) => authorization.requirements,
    }),
    errors: t.field({
      type: [AuthorizationErrorRef],
      description: 'Why the server would refuse the document; empty when valid.',
      resolve: (authorization) => authorization.errors,
    }),
  }),
});

builder.queryField('authorize', (t) =>
  t.field({
    type: AuthorizationRef,
    description:
      'Checks an operation without running it: is it valid, which scopes does it need, which of them does this key lack (and why), and what does it cost. Needs no scope: any valid API key may ask, and nothing is read or recorded.',
    complexity: 1,
    args: {
      document: t.arg.string({ required: true, description: 'The operation, as it would be sent.', extensions: { [boundedByRequestExtension]: true } }),
      variables: t.arg({ type: 'JSON', description: 'Its variables, as they would be sent.', extensions: { [boundedByRequestExtension]: true } }),
      operationName: t.arg.string({ description: 'Which operation of the document, when it has several.' }),
    },
    resolve: (_root, args, context, info) => authorizeOperation(info.schema, context.caller, context.operationLimits, args),
  }),
);
