import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import type { Caller } from '../auth/authenticate.js';
import { builder } from '../builder.js';
import { typeOfId } from '../ids.js';
import { isClinicType, resourceOf } from '../resources.js';
import { canonicalScopes, scopeTable, type Scope } from '../scopes.js';

/** Longest document the dry run parses, in lexical tokens. */
const maxTokens = 20_000;

interface Problem {
  message: string;
  locations: { line: number; column: number }[];
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

const problem = (error: GraphQLError | Error): Problem => ({
  message: error.message,
  locations: error instanceof GraphQLError ? [...(error.locations ?? [])] : [],
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

function chooseOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | Error {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return new Error('The document has no operation.');
  const operation = getOperationAST(document, operationName);
  if (operation) return operation;
  if (operationName) return new Error(`The document has no operation named "${operationName}".`);
  return new Error(`The document has ${operations.length} operations; pass operationName to say which one to check.`);
}

/**
 * The dry run: parses and validates an operation against the schema, and says which scopes it needs,
 * which of them the caller lacks and why, and its cost, without executing anything.
 */
export function authorizeOperation(schema: GraphQLSchema, caller: Caller, input: AuthorizeInput): Authorization {
  const errors: Problem[] = [];
  const result = (partial: Partial<Authorization>): Authorization => {
    const requiredScopes = partial.requiredScopes ?? [];
    const missingScopes = requiredScopes.filter((scope) => !caller.scopes.has(scope));
    const valid = errors.length === 0;
    return {
      valid,
      allowed: valid && missingScopes.length === 0,
      operationName: null,
      cost: null,
      requirements: [],
      ...partial,
      requiredScopes,
      missingScopes,
      errors,
    };
  };

  let document: DocumentNode;
  try {
    document = parse(input.document, { maxTokens });
  } catch (error) {
    errors.push(problem(error as Error));
    return result({});
  }
  for (const error of validate(schema, document)) errors.push(problem(error));

  const operation = chooseOperation(document, input.operationName);
  if (operation instanceof Error) {
    errors.push(problem(operation));
    return result({});
  }

  let variables: Record<string, unknown> = {};
  const rawVariables = input.variables ?? {};
  if (typeof rawVariables !== 'object' || Array.isArray(rawVariables)) {
    errors.push({ message: '"variables" must be a JSON object keyed by variable name.', locations: [] });
  } else {
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables as Record<string, unknown>);
    if (coerced.errors) errors.push(...coerced.errors.map(problem));
    else variables = coerced.coerced;
  }

  const rootType = schema.getRootType(operation.operation) ?? undefined;
  const walk = new ScopeWalk(schema, document, variables);
  walk.walk(operation.selectionSet, rootType, new Set(), []);
  const requiredScopes = canonicalScopes(walk.paths.keys());

  let cost: number | null = null;
  if (errors.length === 0) {
    const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    try {
      cost = complexityFromQuery({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }, { schema, variables, ctx: {} }).complexity;
    } catch (error) {
      errors.push(problem(error as Error));
    }
  }

  return result({
    operationName: operation.name?.value ?? null,
    requiredScopes,
    cost,
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
  });
}

const DocumentLocationRef = builder.objectRef<Problem['locations'][number]>('DocumentLocation').implement({
  description: 'A place in the document: line and column, from 1.',
  fields: (t) => ({ line: t.exposeInt('line'), column: t.exposeInt('column') }),
});

const AuthorizationErrorRef = builder.objectRef<Problem>('AuthorizationError').implement({
  description: 'Why the document would be refused before it runs: syntax, validation, variables or limits.',
  fields: (t) => ({
    message: t.exposeString('message'),
    locations: t.field({ type: [DocumentLocationRef], resolve: (error) => error.locations }),
  }),
});

const ScopeRequirementRef = builder.objectRef<Requirement>('ScopeRequirement').implement({
  description: 'A scope the operation needs, whether this key holds it, and where the operation needs it.',
  fields: (t) => ({
    scope: t.exposeString('scope'),
    title: t.exposeString('title'),
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
    operationName: t.exposeString('operationName', { nullable: true }),
    requiredScopes: t.exposeStringList('requiredScopes', { description: 'Every scope the operation needs, in scope-table order.' }),
    missingScopes: t.exposeStringList('missingScopes', { description: 'The required scopes this key lacks.' }),
    cost: t.exposeInt('cost', { nullable: true, description: 'Its cost, as the server counts it before running an operation; null when invalid.' }),
    requirements: t.field({ type: [ScopeRequirementRef], resolve: (authorization) => authorization.requirements }),
    errors: t.field({ type: [AuthorizationErrorRef], resolve: (authorization) => authorization.errors }),
  }),
});

builder.queryField('authorize', (t) =>
  t.field({
    type: AuthorizationRef,
    description:
      'Checks an operation without running it: is it valid, which scopes does it need, which of them does this key lack (and why), and what does it cost. Needs no scope: any valid API key may ask, and nothing is read or recorded.',
    complexity: 1,
    args: {
      document: t.arg.string({ required: true, description: 'The operation, as it would be sent.' }),
      variables: t.arg({ type: 'JSON', description: 'Its variables, as they would be sent.' }),
      operationName: t.arg.string({ description: 'Which operation of the document, when it has several.' }),
    },
    resolve: (_root, args, context, info) => authorizeOperation(info.schema, context.caller, args),
  }),
);
