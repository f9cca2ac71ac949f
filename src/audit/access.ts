import {
  getNamedType,
  GraphQLString,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { typeOfId } from '../ids.js';
import { connectionParts, selectedFields } from '../schema/selection.js';
import type { Scope } from '../scopes.js';
import { isClinicType, patientLinks, type LinkTable, type PatientBearingType } from '../resources.js';

type AnyField = GraphQLField<unknown, object>;
type Row = Record<string, unknown>;
type Variables = GraphQLResolveInfo['variableValues'];

/** Rows whose own link is remembered, so their children resolve to a patient without a lookup: every parent some link goes through. */
const linkedTables = new Set<string>(Object.values(patientLinks).map((link) => link.table).filter((table) => table !== 'Patient'));

export function patientBearing(name: string | undefined): name is PatientBearingType {
  return name !== undefined && Object.hasOwn(patientLinks, name);
}

/** A field selected at a place of the response, by field names (`patients.nodes.firstName`), and the scopes its rule requires. */
interface Read {
  path: string;
  scopes: readonly Scope[];
}

/** Rows of one object type at one place of the response: what the record learns when any appear there. */
interface RowPlace {
  patient: PatientBearingType | undefined;
  /** The fields selected on them there (`__typename` included: it answers too). */
  reads: Read[];
  /** Scopes their data exercises: the type's and those of the fields below that load no rows of their own. */
  scopes: Set<Scope>;
}

/** A field that returns rows (a patient-bearing type, a connection of one, or Node), at one place of the response. */
interface FieldPlace {
  path: string;
  scopes: readonly Scope[];
  /** Row places by the rows' concrete type (several for a field returning Node). */
  rows: Map<string, RowPlace>;
  /** Only for a field returning a connection (always of a patient-bearing type). */
  connection?: ConnectionPlace;
}

interface ConnectionPlace {
  /** Connection-level fields read: totalCount, pageInfo.*, edges.cursor. */
  reads: Read[];
  /** Which rows of the page the answer positions or shows: all (nodes, edges), or only the ends (start/end cursor). */
  rows: 'all' | 'ends' | 'none';
  startCursor: boolean;
  endCursor: boolean;
  totalCount: boolean;
  /** Text arguments: a search. Recorded by presence, never by value. */
  searchArguments: string[];
  /** ID arguments (filters such as `patientId`): a patient-bearing id here reveals facts about its patient. */
  idArguments: string[];
}

/** The audit plan of one operation: built once per schema, document, operation and @skip/@include values. */
export interface Plan {
  /** Field places per field node; a node used by a fragment in several places has several, told apart by response path. */
  fields: Map<FieldNode, FieldPlace[]>;
  /** For field nodes with several places: response keys (list indices dropped) and parent type → place. */
  placesByKeys: Map<string, FieldPlace>;
  /** Scopes of the fields that load no rows of their own outside any row place (`me`, `products`). */
  scopes: Set<Scope>;
}

/** Scopes a field's or type's rule requires, read once from its directive. */
const scopesByElement = new WeakMap<object, readonly Scope[]>();
export function scopesOf(schema: GraphQLSchema, element: AnyField | GraphQLNamedType): readonly Scope[] {
  let scopes = scopesByElement.get(element);
  if (!scopes) {
    scopes = (getDirective(schema, element as Parameters<typeof getDirective>[1], 'requiresScopes')?.[0]?.scopes ?? []) as Scope[];
    scopesByElement.set(element, scopes);
  }
  return scopes;
}

type Returned =
  | { kind: 'leaf' }
  | { kind: 'object'; type: GraphQLNamedType }
  | { kind: 'connection'; connection: GraphQLObjectType; edge: GraphQLObjectType; node: GraphQLNamedType };

const unwrap = (type: GraphQLOutputType): GraphQLOutputType => (isNonNullType(type) ? type.ofType : type);

function returnedBy(field: AnyField): Returned {
  const type = unwrap(field.type);
  const named = getNamedType(type);
  if (!isObjectType(named) && !isAbstractType(named)) return { kind: 'leaf' };
  const parts = !isListType(type) && isObjectType(named) ? connectionParts(named) : undefined;
  return parts ? { kind: 'connection', connection: named as GraphQLObjectType, ...parts } : { kind: 'object', type: named };
}

/** Whether executions of a field add to the record: it returns patient-bearing rows, a connection of them, or Node (any row). */
export const isObserved = (field: GraphQLField<unknown, unknown>): boolean => watches(returnedBy(field as AnyField));

function watches(returned: Returned): boolean {
  if (returned.kind === 'leaf') return false;
  if (returned.kind === 'connection') return patientBearing(returned.node.name);
  return isAbstractType(returned.type) || patientBearing(returned.type.name);
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** A list field's text arguments, which the record keeps as searches (by presence): Relay's cursors are positions, not search text. */
export function searchArgumentsOf(field: Pick<GraphQLField<unknown, unknown>, 'args'>): string[] {
  return field.args.filter((arg) => getNamedType(arg.type) === GraphQLString && arg.name !== 'after' && arg.name !== 'before').map((arg) => arg.name);
}

/** Walks a document once (with selection.ts's walker) into the places the record observes. */
class PlanBuilder {
  readonly plan: Plan = { fields: new Map(), placesByKeys: new Map(), scopes: new Set() };
  private readonly walker: Pick<GraphQLResolveInfo, 'schema' | 'fragments'>;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Variables,
  ) {
    const fragments: GraphQLResolveInfo['fragments'] = {};
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    this.walker = { schema, fragments };
  }

  operation(operation: OperationDefinitionNode): Plan {
    const root = operation.operation === 'query' ? this.schema.getQueryType() : operation.operation === 'mutation' ? this.schema.getMutationType() : this.schema.getSubscriptionType();
    if (root) this.selections(root, [operation], { path: '', keys: '', scopes: this.plan.scopes, reads: null });
    return this.plan;
  }

  /**
   * The fields selected on `type` under `nodes`. `reads` collects the fields read of a patient-bearing row
   * (null outside one); `scopes` the scopes of fields that load no rows of their own.
   */
  private selections(
    type: GraphQLObjectType,
    nodes: readonly { readonly selectionSet?: FieldNode['selectionSet'] }[],
    at: { path: string; keys: string; scopes: Set<Scope>; reads: Read[] | null },
  ): void {
    for (const [key, selected] of selectedFields(this.walker, nodes, type, this.variables)) {
      const path = join(at.path, selected.name);
      const keys = join(at.keys, key);
      if (selected.name === '__typename') {
        at.reads?.push({ path, scopes: [] });
        continue;
      }
      const field = type.getFields()[selected.name] as AnyField | undefined;
      if (!field) continue;
      const scopes = scopesOf(this.schema, field);
      at.reads?.push({ path, scopes });
      const returned = returnedBy(field);
      if (returned.kind !== 'leaf' && watches(returned)) {
        this.fieldPlace(field, returned, selected.nodes, { path, keys, parent: type.name, scopes });
        continue;
      }
      for (const scope of scopes) at.scopes.add(scope);
      if (returned.kind === 'leaf') continue;
      // A row of a resource that bears no patient data adds its scopes, not its fields; a plain object (no resource) is part of its parent.
      const reads = (name: string) => (isClinicType(name) ? null : at.reads);
      if (returned.kind === 'connection') {
        for (const rows of this.connectionRows(returned, selected.nodes)) {
          if (isObjectType(returned.node)) this.selections(returned.node, rows.nodes, { ...at, path: join(path, rows.relative), keys: join(keys, rows.relative), reads: reads(returned.node.name) });
        }
      } else if (isObjectType(returned.type)) {
        this.selections(returned.type, selected.nodes, { ...at, path, keys, reads: reads(returned.type.name) });
      }
    }
  }

  /** The `nodes` and `edges.node` selections of a connection, with their place relative to it. */
  private connectionRows(returned: Extract<Returned, { kind: 'connection' }>, nodes: readonly FieldNode[]) {
    const out: { relative: string; nodes: FieldNode[] }[] = [];
    for (const part of selectedFields(this.walker, nodes, returned.connection, this.variables).values()) {
      if (part.name === 'nodes') out.push({ relative: 'nodes', nodes: part.nodes });
      if (part.name !== 'edges') continue;
      for (const edgePart of selectedFields(this.walker, part.nodes, returned.edge, this.variables).values()) {
        if (edgePart.name === 'node') out.push({ relative: 'edges.node', nodes: edgePart.nodes });
      }
    }
    return out;
  }

  private fieldPlace(
    field: AnyField,
    returned: Exclude<Returned, { kind: 'leaf' }>,
    nodes: readonly FieldNode[],
    at: { path: string; keys: string; parent: string; scopes: readonly Scope[] },
  ): void {
    const place: FieldPlace = { path: at.path, scopes: at.scopes, rows: new Map() };
    if (returned.kind === 'connection') {
      place.connection = this.connectionPlace(field, returned, nodes, at.path);
      if (!isObjectType(returned.node)) throw new Error(`${field.name}: a connection of ${returned.node.name}, not of an object type, which the PHI record cannot follow.`);
      // Rows a cursor positions are recorded though none of their fields is selected.
      this.rowPlace(place, returned.node, [], at);
      for (const rows of this.connectionRows(returned, nodes)) {
        this.rowPlace(place, returned.node, rows.nodes, { path: join(at.path, rows.relative), keys: join(at.keys, rows.relative) });
      }
    } else {
      const types = isAbstractType(returned.type) ? this.schema.getPossibleTypes(returned.type) : isObjectType(returned.type) ? [returned.type] : [];
      for (const type of types) this.rowPlace(place, type, nodes, at);
    }
    for (const node of nodes) {
      const places = this.plan.fields.get(node);
      if (places) places.push(place);
      else this.plan.fields.set(node, [place]);
    }
    this.plan.placesByKeys.set(`${at.keys}|${at.parent}`, place);
  }

  private rowPlace(place: FieldPlace, type: GraphQLObjectType, nodes: readonly FieldNode[], at: { path: string; keys: string }): void {
    const existing = place.rows.get(type.name);
    const row: RowPlace = existing ?? { patient: patientBearing(type.name) ? type.name : undefined, reads: [], scopes: new Set(scopesOf(this.schema, type)) };
    place.rows.set(type.name, row);
    this.selections(type, nodes, { path: at.path, keys: at.keys, scopes: row.scopes, reads: row.patient ? row.reads : null });
  }

  private connectionPlace(field: AnyField, returned: Extract<Returned, { kind: 'connection' }>, nodes: readonly FieldNode[], path: string): ConnectionPlace {
    const connection: ConnectionPlace = {
      reads: [],
      rows: 'none',
      startCursor: false,
      endCursor: false,
      totalCount: false,
      // Relay's cursors (after, before) are positions, not search text.
      searchArguments: searchArgumentsOf(field),
      idArguments: field.args.filter((arg) => getNamedType(arg.type).name === 'ID').map((arg) => arg.name),
    };
    const read = (name: string) => connection.reads.push({ path: join(path, name), scopes: [] });
    for (const part of selectedFields(this.walker, nodes, returned.connection, this.variables).values()) {
      const partType = getNamedType(returned.connection.getFields()[part.name]?.type);
      if (part.name === 'totalCount') connection.totalCount = true;
      if (part.name === 'nodes' || part.name === 'edges') connection.rows = 'all';
      if (part.name === 'pageInfo' && isObjectType(partType)) {
        for (const info of selectedFields(this.walker, part.nodes, partType, this.variables).values()) {
          read(`pageInfo.${info.name}`);
          if (info.name === 'startCursor') connection.startCursor = true;
          if (info.name === 'endCursor') connection.endCursor = true;
        }
      } else if (part.name === 'edges') {
        for (const edgePart of selectedFields(this.walker, part.nodes, returned.edge, this.variables).values()) {
          if (edgePart.name !== 'node') read(`edges.${edgePart.name}`);
        }
      } else if (part.name !== 'nodes') {
        read(part.name);
      }
    }
    if (connection.rows === 'none' && (connection.startCursor || connection.endCursor)) connection.rows = 'ends';
    return connection;
  }
}

/** Variables that @skip or @include read, per document: they, with the operation, select the plan. */
const directiveVariables = new WeakMap<DocumentNode, string[]>();
function directiveVariablesOf(document: DocumentNode): string[] {
  let names = directiveVariables.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, {
      Directive(directive) {
        if (directive.name.value !== 'skip' && directive.name.value !== 'include') return;
        for (const arg of directive.arguments ?? []) if (arg.value.kind === Kind.VARIABLE) found.add(arg.value.name.value);
      },
    });
    directiveVariables.set(document, (names = [...found]));
  }
  return names;
}

/** What tells an operation's plans apart within its document: its name and the @skip/@include variables' values. */
export function planKeyOf(document: DocumentNode, operation: OperationDefinitionNode, variables: Variables): string {
  return [operation.name?.value ?? '', ...directiveVariablesOf(document).map((name) => String(variables[name] === true))].join('\u0000');
}

const plans = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Plan>>>();
/** Plans per document are few (one per operation and @skip/@include combination); beyond this many, a plan is built per request. */
const maxPlansPerDocument = 32;

/** The plan of an operation, built once per schema, document, operation and @skip/@include values. */
export function planOf(options: { schema: GraphQLSchema; document: DocumentNode; operation: OperationDefinitionNode; variables: Variables }): Plan {
  const { schema, document, operation, variables } = options;
  let byDocument = plans.get(schema);
  if (!byDocument) plans.set(schema, (byDocument = new WeakMap()));
  let byKey = byDocument.get(document);
  if (!byKey) byDocument.set(document, (byKey = new Map()));
  const key = planKeyOf(document, operation, variables);
  let plan = byKey.get(key);
  if (!plan) {
    plan = new PlanBuilder(schema, document, variables).operation(operation);
    if (byKey.size < maxPlansPerDocument) byKey.set(key, plan);
  }
  return plan;
}

/** A patient search, by presence: the list it ran on, the arguments given (never their values) and how many it matched. */
export interface PatientSearch {
  list: string;
  arguments: string[];
  /** The list's totalCount, when the answer carried it. */
  totalCount: number | null;
  /** Rows the answer showed or positioned, when it showed any. */
  returned: number | null;
}

/**
 * What one request's answer revealed, collected as its fields resolve: the plan says, per field node,
 * what each place reads; per request only the places reached, the rows' patient links, filters by id
 * and searches are kept.
 */
export class AccessCollector {
  private readonly reached = new Set<FieldPlace>();
  private readonly seen = new Set<RowPlace>();
  /** Ids per table that returned rows point at (a patient, or a parent to follow). */
  private readonly references = new Map<LinkTable, Set<string>>();
  /** Known links from returned rows: `Bill:bil_…` → `Patient:pat_…`. */
  private readonly links = new Map<string, string>();
  /** Patient-bearing ids that filters named (`appointments(patientId:)`): recorded if they exist in the clinic. */
  private readonly filters = new Map<PatientBearingType, Set<string>>();
  readonly searches: PatientSearch[] = [];

  constructor(
    private readonly plan: Plan,
    private readonly granted: ReadonlySet<string>,
  ) {}

  resolved(args: Record<string, unknown>, value: unknown, info: GraphQLResolveInfo): void {
    if (value == null) return;
    const places = this.plan.fields.get(info.fieldNodes[0]!);
    if (!places) return;
    const place = places.length === 1 ? places[0]! : this.plan.placesByKeys.get(`${responseKeys(info.path)}|${info.parentType.name}`);
    if (!place) return;
    this.reached.add(place);
    if (place.connection) this.connection(place, place.connection, args, value as Connection);
    else this.rows(place, Array.isArray(value) ? value : [value]);
  }

  private connection(place: FieldPlace, connection: ConnectionPlace, args: Record<string, unknown>, value: Connection): void {
    const edges = value.edges ?? [];
    const shown = connection.rows === 'all' ? edges : connection.rows === 'ends' ? ends(edges, connection) : [];
    this.rows(place, shown.map((edge) => edge.node));
    for (const name of connection.idArguments) {
      const id = args[name];
      const type = typeof id === 'string' ? (typeOfId(id) ?? undefined) : undefined;
      if (patientBearing(type)) add(this.filters, type, id as string);
    }
    const given = connection.searchArguments.filter((name) => typeof args[name] === 'string' && args[name] !== '');
    if (given.length === 0) return;
    const search: PatientSearch = { list: place.path, arguments: given, totalCount: null, returned: connection.rows === 'none' ? null : shown.length };
    this.searches.push(search);
    const count = value.totalCount;
    if (connection.totalCount && typeof count === 'function') {
      value.totalCount = () =>
        count.call(value).then((total) => {
          search.totalCount = total;
          return total;
        });
    }
  }

  private rows(place: FieldPlace, rows: readonly unknown[]): void {
    const single = place.rows.size === 1 ? place.rows.values().next().value : undefined;
    for (const row of rows) {
      if (!row || typeof row !== 'object' || row instanceof Error) continue;
      const rowPlace = single ?? place.rows.get(typeOfId(String((row as Row).id)) ?? '');
      if (!rowPlace) continue;
      this.seen.add(rowPlace);
      if (rowPlace.patient) this.reference(rowPlace.patient, row as Row);
    }
  }

  private reference(type: PatientBearingType, row: Row): void {
    const link = patientLinks[type];
    const target = String(row[link.column]);
    add(this.references, link.table, target);
    if (linkedTables.has(type)) this.links.set(`${type}:${String(row.id)}`, `${link.table}:${target}`);
  }

  private allowed(read: Read): boolean {
    return read.scopes.every((scope) => this.granted.has(scope));
  }

  /** The scopes the answer's data exercised: of the fields that resolved, the rows they returned and the fields below those. */
  scopes(): Set<Scope> {
    const scopes = new Set<Scope>();
    const granted = (from: Iterable<Scope>) => {
      for (const scope of from) if (this.granted.has(scope)) scopes.add(scope);
    };
    granted(this.plan.scopes);
    for (const place of this.reached) granted(place.scopes);
    for (const row of this.seen) granted(row.scopes);
    return scopes;
  }

  /** Field paths in field names (not aliases), list indices dropped: `patients.nodes.firstName`. */
  fieldPaths(): string[] {
    const paths = new Set<string>();
    for (const place of this.reached) for (const read of place.connection?.reads ?? []) paths.add(read.path);
    for (const row of this.seen) {
      if (!row.patient) continue;
      for (const read of row.reads) if (this.allowed(read)) paths.add(read.path);
    }
    return [...paths].sort();
  }

  /** Whether the answer revealed anything about a patient: a field, a row's existence or position, a filter by one, a search. */
  get readPatientData(): boolean {
    if (this.searches.length > 0 || this.filters.size > 0) return true;
    for (const row of this.seen) if (row.patient) return true;
    for (const place of this.reached) if (place.connection && place.connection.reads.length > 0) return true;
    return false;
  }

  /**
   * Patients known from the returned rows themselves, and the rows (by table) whose patient the database
   * must still say: a coding group reached by its id, without its bill, or an id a filter named (the
   * database also confirms it exists in this clinic).
   */
  patients(): { known: string[]; lookups: Map<PatientBearingType, string[]> } {
    const known = new Set<string>(this.references.get('Patient'));
    const lookups = new Map<PatientBearingType, Set<string>>();
    for (const [table, ids] of this.references) {
      if (table === 'Patient') continue;
      for (const id of ids) {
        let current = `${table}:${id}`;
        for (let hops = 0; hops < 4 && !current.startsWith('Patient:'); hops++) {
          const next = this.links.get(current);
          if (!next) break;
          current = next;
        }
        const colon = current.indexOf(':');
        const at = current.slice(0, colon) as LinkTable;
        if (at === 'Patient') known.add(current.slice(colon + 1));
        else add(lookups, at, current.slice(colon + 1));
      }
    }
    for (const [type, ids] of this.filters) for (const id of ids) add(lookups, type, id);
    return { known: [...known].sort(), lookups: new Map([...lookups].map(([table, ids]) => [table, [...ids].sort()])) };
  }
}

interface Connection {
  edges?: { node?: unknown }[];
  totalCount?: () => Promise<number>;
}

function ends<Edge>(edges: readonly Edge[], connection: ConnectionPlace): Edge[] {
  const out = new Set<Edge>();
  if (connection.startCursor && edges.length > 0) out.add(edges[0]!);
  if (connection.endCursor && edges.length > 0) out.add(edges[edges.length - 1]!);
  return [...out];
}

function add<Key>(map: Map<Key, Set<string>>, key: Key, value: string): void {
  const values = map.get(key);
  if (values) values.add(value);
  else map.set(key, new Set([value]));
}

/** Response keys of a path, list indices dropped, joined by dots. */
function responseKeys(path: GraphQLResolveInfo['path'] | undefined): string {
  const keys: string[] = [];
  for (let at = path; at; at = at.prev) if (typeof at.key === 'string') keys.push(at.key);
  return keys.reverse().join('.');
}

/** The per-request collector, keyed by the request's context object. */
const collectors = new WeakMap<object, AccessCollector>();

export function startCollecting(context: object, plan: Plan, granted: ReadonlySet<string>): AccessCollector {
  const collector = new AccessCollector(plan, granted);
  collectors.set(context, collector);
  return collector;
}

/** The request's collector, while its operation executes. */
export function collectorOf(context: object): AccessCollector | undefined {
  return collectors.get(context);
}

export function stopCollecting(context: object): void {
  collectors.delete(context);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * A field's resolver that tells the request's collector what it returned, when the field returns rows
 * the record observes (decided from the schema on its first execution; every other field forwards).
 * Installed by the Pothos plugin in src/audit/plugin.ts, inside the scope check: a field a scope
 * denied never reaches it.
 */
export function observed(resolve: GraphQLFieldResolver<unknown, object>): GraphQLFieldResolver<unknown, object> {
  let watched: boolean | undefined;
  const observedResolve: GraphQLFieldResolver<unknown, object> = (source, args, context, info) => {
    const result: unknown = resolve(source, args, context, info);
    watched ??= watches(returnedBy(info.parentType.getFields()[info.fieldName] as AnyField));
    if (!watched) return result;
    const collector = collectors.get(context);
    if (!collector) return result;
    if (isPromiseLike(result)) {
      return result.then((value: unknown) => {
        if (!(value instanceof Error)) collector.resolved(args as Record<string, unknown>, value, info);
        return value;
      });
    }
    if (!(result instanceof Error)) collector.resolved(args as Record<string, unknown>, result, info);
    return result;
  };
  return observedResolve;
}
