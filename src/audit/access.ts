import {
  defaultFieldResolver,
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { typeOfId } from '../ids.js';
import { connectionParts, selectedFields } from '../schema/selection.js';
import type { Scope } from '../scopes.js';
import { patientLinks, type LinkTable, type PatientBearingType } from '../resources.js';

type ResponsePath = GraphQLResolveInfo['path'];
type AnyField = GraphQLField<unknown, object>;
type Row = Record<string, unknown>;

export { patientLinks };
/** Rows whose own link is remembered, so their children resolve to a patient without a lookup: every parent some link goes through. */
const linkedTables = new Set<string>(Object.values(patientLinks).map((link) => link.table).filter((table) => table !== 'Patient'));

/** What a field that reaches guarded rows returns, known once per schema. */
type Returned =
  | { kind: 'leaf' }
  | { kind: 'object' | 'list'; type: GraphQLNamedType }
  | { kind: 'connection'; connection: GraphQLObjectType; edge: GraphQLObjectType; node: GraphQLNamedType };

interface FieldPlan {
  /** The scopes the field's rule requires (its own and, for a relation, its target's). */
  scopes: readonly Scope[];
  returned: Returned;
}

/** A group of sibling fields one object type revealed at one place of the response. */
interface Group {
  /** Field names from the root to the object (aliases translated, list indices dropped). */
  path: string[];
  keys: Set<string>;
}

/** What rows of one type returned by one field execution add to the record, for this request. */
interface RowPlan {
  /** Patient-bearing type the rows are of, if they reveal any of its fields here. */
  patient: PatientBearingType | undefined;
  /** For each place the rows appear (under `nodes`, under `edges.node`, or the field itself): the field names read there. */
  places: { relative: string[]; names: string[] }[];
}

interface Plan {
  rows: Map<string, RowPlan>;
  /** Fields of the connection (total, page info) and of its edges (cursor) that count as patient data. */
  connection: { relative: string[]; names: string[] }[];
  /** The edges' cursors name their rows. */
  cursorNamesRows: boolean;
}

/**
 * What one request read: the scopes its data exercised, the patient-bearing rows it returned and the
 * fields it returned of them. Filled by a wrapper on every field that carries a scope rule (the fields
 * that reach guarded rows: root fields, relations, lists, `node`), once per field execution with all the
 * rows it returned, not once per field of every row; which fields each row resolves is read from the
 * document (fragments, @skip and @include applied) and the caller's scopes.
 */
export class AccessCollector {
  readonly scopes = new Set<Scope>();
  /** Ids per table that returned rows point at (a patient, or a parent to follow). */
  private readonly references = new Map<LinkTable, Set<string>>();
  /** Known links from returned rows: `Bill:bil_…` → `Patient:pat_…`. */
  private readonly links = new Map<string, string>();
  private readonly plans = new Map<FieldNode, Plan>();
  private readonly groups = new Map<string, Group>();
  private readonly revealedAt = new Map<FieldNode, Set<object>>();
  /** Whether the operation's document defines fragments (the same for every field of a request). */
  private fragments: boolean | undefined;

  constructor(private readonly granted: ReadonlySet<string>) {}

  get readPatientData(): boolean {
    return this.groups.size > 0;
  }

  resolved(field: FieldPlan, value: unknown, info: GraphQLResolveInfo): void {
    for (const scope of field.scopes) this.scopes.add(scope);
    const returned = field.returned;
    if (returned.kind === 'leaf' || value == null) return;
    const node = info.fieldNodes[0]!;
    let plan = this.plans.get(node);
    if (!plan) this.plans.set(node, (plan = this.plan(returned, info)));
    let rows: unknown[];
    if (returned.kind === 'connection') {
      const edges = (value as { edges?: { node?: unknown }[] }).edges ?? [];
      rows = edges.map((edge) => edge.node);
      if (plan.connection.length > 0 && this.firstAt(info, plan)) {
        const base = fieldPath(info);
        for (const place of plan.connection) this.reveal([...base, ...place.relative], place.names);
      }
    } else {
      rows = returned.kind === 'list' ? (Array.isArray(value) ? value : []) : [value];
    }
    const rowType = returned.kind === 'connection' ? returned.node : returned.type;
    const abstract = isAbstractType(rowType);
    let revealed: Set<RowPlan> | undefined;
    for (const row of rows) {
      if (!row || typeof row !== 'object' || row instanceof Error) continue;
      const typeName = abstract ? (typeOfId(String((row as Row).id)) ?? '') : rowType.name;
      let rowPlan = plan.rows.get(typeName);
      if (!rowPlan) plan.rows.set(typeName, (rowPlan = this.rowPlan(returned, typeName, info)));
      if (!rowPlan.patient || (rowPlan.places.length === 0 && !plan.cursorNamesRows)) continue;
      this.reference(rowPlan.patient, row as Row);
      if (rowPlan.places.length === 0 || revealed?.has(rowPlan)) continue;
      (revealed ??= new Set()).add(rowPlan);
      if (!this.firstAt(info, rowPlan)) continue;
      const base = fieldPath(info);
      for (const place of rowPlan.places) this.reveal([...base, ...place.relative], place.names);
    }
  }

  /**
   * False when this field node already revealed this place in this request. Without fragment
   * definitions a field node has one place in the response (list indices aside), so the 100th
   * appointment list of a page adds nothing the first did not; a fragment can put one node in several
   * places, so with fragments every execution counts.
   */
  private firstAt(info: GraphQLResolveInfo, what: object): boolean {
    this.fragments ??= Object.keys(info.fragments).length > 0;
    if (this.fragments) return true;
    const node = info.fieldNodes[0]!;
    let seen = this.revealedAt.get(node);
    if (!seen) this.revealedAt.set(node, (seen = new Set()));
    if (seen.has(what)) return false;
    seen.add(what);
    return true;
  }

  private reveal(path: string[], names: readonly string[]): void {
    if (names.length === 0) return;
    const id = path.join('.');
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = { path, keys: new Set() }));
    for (const name of names) group.keys.add(name);
  }

  private reference(type: PatientBearingType, row: Row): void {
    const link = patientLinks[type];
    const target = String(row[link.column]);
    let ids = this.references.get(link.table);
    if (!ids) this.references.set(link.table, (ids = new Set()));
    ids.add(target);
    if (linkedTables.has(type)) this.links.set(`${type}:${String(row.id)}`, `${link.table}:${target}`);
  }

  /** Where, relative to the field, its rows and connection parts sit, and which of their fields are selected. */
  private plan(returned: Exclude<Returned, { kind: 'leaf' }>, info: GraphQLResolveInfo): Plan {
    const plan: Plan = { rows: new Map(), connection: [], cursorNamesRows: false };
    if (returned.kind !== 'connection' || !patientBearing(returned.node.name)) return plan;
    const top = selectedFields(info, info.fieldNodes, returned.connection, info.variableValues);
    const connectionNames = [...top.values()].filter((s) => s.name === 'totalCount' || s.name === 'pageInfo').map((s) => s.name);
    if (connectionNames.length > 0) plan.connection.push({ relative: [], names: connectionNames });
    for (const edges of top.values()) {
      if (edges.name !== 'edges') continue;
      const edgeFields = [...selectedFields(info, edges.nodes, returned.edge, info.variableValues).values()];
      if (edgeFields.some((s) => s.name === 'cursor')) {
        plan.connection.push({ relative: ['edges'], names: ['cursor'] });
        plan.cursorNamesRows = true;
      }
    }
    return plan;
  }

  /** The selected fields of rows of `typeName` the caller's scopes allow, at each place the rows appear. */
  private rowPlan(returned: Exclude<Returned, { kind: 'leaf' }>, typeName: string, info: GraphQLResolveInfo): RowPlan {
    const type = info.schema.getType(typeName);
    for (const scope of (type && typeScopes.get(type)) ?? []) this.scopes.add(scope);
    if (!type || !isObjectType(type) || !patientBearing(typeName)) return { patient: undefined, places: [] };
    const sets: { relative: string[]; nodes: readonly FieldNode[] }[] = [];
    if (returned.kind === 'connection') {
      for (const part of selectedFields(info, info.fieldNodes, returned.connection, info.variableValues).values()) {
        if (part.name === 'nodes') sets.push({ relative: ['nodes'], nodes: part.nodes });
        if (part.name !== 'edges') continue;
        for (const edgePart of selectedFields(info, part.nodes, returned.edge, info.variableValues).values()) {
          if (edgePart.name === 'node') sets.push({ relative: ['edges', 'node'], nodes: edgePart.nodes });
        }
      }
    } else {
      sets.push({ relative: [], nodes: info.fieldNodes });
    }
    const places = sets.map(({ relative, nodes }) => ({
      relative,
      names: [...selectedFields(info, nodes, type, info.variableValues).values()]
        .filter((s) => s.name !== '__typename' && (fieldScopes.get(type.getFields()[s.name] as AnyField) ?? []).every((scope) => this.granted.has(scope)))
        .map((s) => s.name),
    }));
    return { patient: typeName, places: places.filter((place) => place.names.length > 0) };
  }

  /**
   * Patients known from the returned rows themselves, and the parent rows (by table) whose patient the
   * database must still say: a coding group reached by its id, without its bill.
   */
  patients(): { known: string[]; unresolved: Map<Exclude<LinkTable, 'Patient'>, string[]> } {
    const known = new Set<string>(this.references.get('Patient'));
    const unresolved = new Map<Exclude<LinkTable, 'Patient'>, Set<string>>();
    for (const [table, ids] of this.references) {
      if (table === 'Patient') continue;
      for (const id of ids) {
        let current = `${table}:${id}`;
        for (let hops = 0; hops < 4 && !current.startsWith('Patient:'); hops++) {
          const next = this.links.get(current);
          if (!next) break;
          current = next;
        }
        const [at, atId] = splitReference(current);
        if (at === 'Patient') known.add(atId);
        else unresolved.set(at, (unresolved.get(at) ?? new Set()).add(atId));
      }
    }
    return {
      known: [...known].sort(),
      unresolved: new Map([...unresolved].map(([table, ids]) => [table, [...ids].sort()])),
    };
  }

  /** Field paths in field names (not aliases), list indices dropped: `patients.nodes.firstName`. */
  fieldPaths(): string[] {
    const paths = new Set<string>();
    for (const group of this.groups.values()) {
      for (const key of group.keys) paths.add([...group.path, key].join('.'));
    }
    return [...paths].sort();
  }
}

function splitReference(reference: string): [LinkTable, string] {
  const colon = reference.indexOf(':');
  return [reference.slice(0, colon) as LinkTable, reference.slice(colon + 1)];
}

/** Response keys of a path, list indices dropped. */
function responseKeys(path: ResponsePath | undefined): string[] {
  const keys: string[] = [];
  for (let at = path; at; at = at.prev) if (typeof at.key === 'string') keys.push(at.key);
  return keys.reverse();
}

const namesByPath = new WeakMap<OperationDefinitionNode, Map<string, string[]>>();

/**
 * The field names along the path of the executing field. Response keys may be aliases, so the path is
 * walked down the operation: each key is found among the fields the selections hold at that point,
 * fragments included (a fragment on a type the object may be counts: the path carries no types).
 * Cached per operation and path.
 */
function fieldPath(info: GraphQLResolveInfo): string[] {
  let byPath = namesByPath.get(info.operation);
  if (!byPath) namesByPath.set(info.operation, (byPath = new Map()));
  const keys = responseKeys(info.path);
  const id = keys.join('.');
  let names = byPath.get(id);
  if (names) return names;
  names = [];
  let sets: readonly SelectionSetNode[] = [info.operation.selectionSet];
  for (const key of keys) {
    const matches: FieldNode[] = [];
    const visit = (set: SelectionSetNode, visited: Set<string>) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if ((selection.alias?.value ?? selection.name.value) === key) matches.push(selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          visit(selection.selectionSet, visited);
        } else if (!visited.has(selection.name.value)) {
          visited.add(selection.name.value);
          const fragment = info.fragments[selection.name.value];
          if (fragment) visit(fragment.selectionSet, visited);
        }
      }
    };
    for (const set of sets) visit(set, new Set());
    names.push(matches[0]?.name.value ?? key);
    sets = matches.flatMap((match) => (match.selectionSet ? [match.selectionSet] : []));
  }
  // The executing field itself is known exactly, whatever its alias.
  if (names.length > 0) names[names.length - 1] = info.fieldName;
  byPath.set(id, names);
  return names;
}

/** The per-request collector, keyed by the request's context object. */
const collectors = new WeakMap<object, AccessCollector>();

export function startCollecting(context: object, granted: ReadonlySet<string>): AccessCollector {
  const collector = new AccessCollector(granted);
  collectors.set(context, collector);
  return collector;
}

export function stopCollecting(context: object): void {
  collectors.delete(context);
}

function scopesOf(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): Scope[] {
  return (getDirective(schema, node, 'requiresScopes')?.[0]?.scopes ?? []) as Scope[];
}

/** Scopes each field's rule requires, and each guarded type's, read once from the schema's directives. */
const fieldScopes = new WeakMap<AnyField, readonly Scope[]>();
const typeScopes = new WeakMap<GraphQLNamedType, readonly Scope[]>();

function patientBearing(name: string | undefined): name is PatientBearingType {
  return name !== undefined && Object.hasOwn(patientLinks, name);
}

const unwrap = (type: GraphQLOutputType): GraphQLOutputType => (isNonNullType(type) ? type.ofType : type);

function returnedBy(field: AnyField): Returned {
  const type = unwrap(field.type);
  if (isListType(type)) {
    const item = getNamedType(type);
    return isObjectType(item) || isAbstractType(item) ? { kind: 'list', type: item } : { kind: 'leaf' };
  }
  if (isAbstractType(type)) return { kind: 'object', type };
  if (!isObjectType(type)) return { kind: 'leaf' };
  const parts = connectionParts(type);
  return parts ? { kind: 'connection', connection: type, ...parts } : { kind: 'object', type };
}

const instrumented = new WeakSet<GraphQLSchema>();

/**
 * Wraps, once per schema, the resolver of every field that carries a scope rule: when it resolves (its
 * rule passed, no error), the request's collector learns its scopes and the rows it returned. Every
 * field that reaches guarded rows carries its rule (src/schema/guards.ts), so every returned guarded
 * row passes through one of these wrappers. Outside a collected request the wrapper only forwards.
 */
export function instrumentSchema(schema: GraphQLSchema): void {
  if (instrumented.has(schema)) return;
  instrumented.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    typeScopes.set(type, scopesOf(schema, type));
    for (const field of Object.values(type.getFields()) as AnyField[]) {
      const scopes = scopesOf(schema, field);
      fieldScopes.set(field, scopes);
      const returned = returnedBy(field);
      // `node` and `nodes` carry no rule (the interface has no scope): each row's type is checked as it loads.
      const abstract = returned.kind !== 'leaf' && returned.kind !== 'connection' && isAbstractType(returned.type);
      if (scopes.length === 0 && !abstract) continue;
      field.resolve = recording(field.resolve ?? defaultFieldResolver, { scopes, returned });
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function recording(resolve: GraphQLFieldResolver<unknown, object>, plan: FieldPlan): GraphQLFieldResolver<unknown, object> {
  return (source, args, context, info) => {
    const result: unknown = resolve(source, args, context, info);
    const collector = collectors.get(context);
    if (!collector) return result;
    if (isPromiseLike(result)) {
      return result.then((value: unknown) => {
        if (!(value instanceof Error)) collector.resolved(plan, value, info);
        return value;
      });
    }
    if (!(result instanceof Error)) collector.resolved(plan, result, info);
    return result;
  };
}
