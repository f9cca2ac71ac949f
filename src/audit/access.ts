import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  defaultFieldResolver,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import type { GuardedTypeName, Scope } from '../scopes.js';

type ResponsePath = GraphQLResolveInfo['path'];
type Row = Record<string, unknown>;

/** The tables a patient-bearing row points at on its way to its patient. */
type LinkTable = 'Patient' | 'Bill' | 'CodingGroup' | 'LineItem' | 'Claim';

/**
 * Patient-bearing types and the row column that leads to the patient: directly (patient, appointment,
 * bill, claim) or through the row's parent (a bill's coding groups and their parts, a claim's insurance).
 */
export const patientLinks = {
  Patient: { table: 'Patient', column: 'id' },
  Appointment: { table: 'Patient', column: 'patientId' },
  Bill: { table: 'Patient', column: 'patientId' },
  Claim: { table: 'Patient', column: 'patientId' },
  CodingGroup: { table: 'Bill', column: 'billId' },
  Diagnosis: { table: 'CodingGroup', column: 'codingGroupId' },
  LineItem: { table: 'CodingGroup', column: 'codingGroupId' },
  LineItemModifier: { table: 'LineItem', column: 'lineItemId' },
  ClaimInsurance: { table: 'Claim', column: 'claimId' },
} as const satisfies Partial<Record<GuardedTypeName, { table: LinkTable; column: string }>>;

export type PatientBearingType = keyof typeof patientLinks;
/** Rows whose own link is remembered, so their children resolve to a patient without a lookup. */
const linkedTables = new Set<string>(['Bill', 'CodingGroup', 'LineItem', 'Claim']);

interface FieldSpec {
  /** Scopes this field exercises when it resolves: its own and its type's. */
  scopes: readonly Scope[];
  /**
   * Set on fields of patient-bearing types, the cursors of their edges (the row is the edge's node) and
   * their connections' totals and page info (no row: a count names no patient, but it is recorded).
   */
  patient?: { type: PatientBearingType; row: 'source' | 'node' | 'none' };
}

/**
 * What one request read: the scopes its data exercised, the patient-bearing rows it returned and the
 * response paths they were returned at. Filled by the resolver wrappers, one cheap call per field.
 */
export class AccessCollector {
  readonly scopes = new Set<Scope>();
  /** `Table:id` of each row reference a returned row points at (a patient, or a parent to follow). */
  private readonly references = new Set<string>();
  /** Known links from returned rows: `Bill:bil_…` → `Patient:pat_…`. */
  private readonly links = new Map<string, string>();
  private readonly seenRows = new WeakSet<object>();
  /** Field sets per parent path object (all fields of one object share it), grouped by collapsed path. */
  private readonly groupsByParent = new WeakMap<object, Set<string>>();
  private readonly groups = new Map<string, { prefix: PathSegment[]; type: string; keys: Set<string> }>();

  get readPatientData(): boolean {
    return this.groups.size > 0;
  }

  field(spec: FieldSpec, source: unknown, info: GraphQLResolveInfo): void {
    for (const scope of spec.scopes) this.scopes.add(scope);
    if (!spec.patient) return;
    const row = (spec.patient.row === 'node' ? (source as { node?: unknown }).node : source) as Row | null | undefined;
    if (spec.patient.row !== 'none' && row && typeof row === 'object' && !this.seenRows.has(row)) {
      this.seenRows.add(row);
      const link = patientLinks[spec.patient.type];
      const target = `${link.table}:${String(row[link.column])}`;
      this.references.add(target);
      if (linkedTables.has(spec.patient.type)) this.links.set(`${spec.patient.type}:${String(row.id)}`, target);
    }
    const parent = info.path.prev;
    if (!parent) return;
    let keys = this.groupsByParent.get(parent);
    if (!keys) {
      const prefix = collapse(parent);
      const id = `${prefix.map((s) => `${s.type}.${s.key}`).join('/')}|${info.parentType.name}`;
      let group = this.groups.get(id);
      if (!group) {
        group = { prefix, type: info.parentType.name, keys: new Set() };
        this.groups.set(id, group);
      }
      keys = group.keys;
      this.groupsByParent.set(parent, keys);
    }
    keys.add(String(info.path.key));
  }

  /**
   * Patients known from the returned rows themselves, and the parent rows (by table) whose patient the
   * database must still say: a coding group reached by its id, without its bill.
   */
  patients(): { known: string[]; unresolved: Map<Exclude<LinkTable, 'Patient'>, string[]> } {
    const known = new Set<string>();
    const unresolved = new Map<Exclude<LinkTable, 'Patient'>, Set<string>>();
    for (const reference of this.references) {
      let current = reference;
      for (let hops = 0; hops < 4 && !current.startsWith('Patient:'); hops++) {
        const next = this.links.get(current);
        if (!next) break;
        current = next;
      }
      const [table, id] = splitReference(current);
      if (table === 'Patient') known.add(id);
      else unresolved.set(table, (unresolved.get(table) ?? new Set()).add(id));
    }
    return {
      known: [...known].sort(),
      unresolved: new Map([...unresolved].map(([table, ids]) => [table, [...ids].sort()])),
    };
  }

  /** Response paths in field names (not aliases), list indices collapsed: `patients.nodes.firstName`. */
  fieldPaths(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): string[] {
    const paths = new Set<string>();
    const names = new FieldNames(schema, document, operation);
    for (const group of this.groups.values()) {
      for (const key of group.keys) paths.add(names.of([...group.prefix, { key, type: group.type }]));
    }
    return [...paths].sort();
  }
}

function splitReference(reference: string): [LinkTable, string] {
  const colon = reference.indexOf(':');
  return [reference.slice(0, colon) as LinkTable, reference.slice(colon + 1)];
}

interface PathSegment {
  key: string;
  type: string;
}

function collapse(path: ResponsePath | undefined): PathSegment[] {
  const segments: PathSegment[] = [];
  for (let at = path; at; at = at.prev) {
    if (typeof at.key === 'string') segments.push({ key: at.key, type: at.typename ?? '' });
  }
  return segments.reverse();
}

/** Translates response keys (which aliases may rename) into the schema's field names, by the document. */
class FieldNames {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  of(segments: PathSegment[]): string {
    let selectionSets: SelectionSetNode[] = [this.operation.selectionSet];
    const names: string[] = [];
    for (const segment of segments) {
      const matches: FieldNode[] = [];
      for (const set of selectionSets) this.collect(set, segment, matches, new Set());
      names.push(matches[0]?.name.value ?? segment.key);
      selectionSets = matches.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
    }
    return names.join('.');
  }

  private collect(set: SelectionSetNode, segment: PathSegment, out: FieldNode[], visited: Set<string>): void {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if ((selection.alias?.value ?? selection.name.value) === segment.key) out.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (this.applies(selection.typeCondition?.name.value, segment.type)) this.collect(selection.selectionSet, segment, out, visited);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        if (!fragment || visited.has(fragment.name.value)) continue;
        visited.add(fragment.name.value);
        if (this.applies(fragment.typeCondition.name.value, segment.type)) this.collect(fragment.selectionSet, segment, out, visited);
      }
    }
  }

  private applies(condition: string | undefined, typeName: string): boolean {
    if (!condition || condition === typeName) return true;
    const conditionType = this.schema.getType(condition);
    const objectType = this.schema.getType(typeName);
    return Boolean(
      conditionType && isAbstractType(conditionType) && objectType && isObjectType(objectType) && this.schema.isSubType(conditionType, objectType),
    );
  }
}

/** The per-request collector, keyed by the request's context object. */
const collectors = new WeakMap<object, AccessCollector>();

export function startCollecting(context: object): AccessCollector {
  const collector = new AccessCollector();
  collectors.set(context, collector);
  return collector;
}

export function stopCollecting(context: object): void {
  collectors.delete(context);
}

function scopesOf(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): Scope[] {
  return (getDirective(schema, node, 'requiresScopes')?.[0]?.scopes ?? []) as Scope[];
}

function patientBearing(name: string | undefined): name is PatientBearingType {
  return name !== undefined && Object.hasOwn(patientLinks, name);
}

function nodeTypeName(type: GraphQLObjectType | undefined): string | undefined {
  const node = type?.getFields().node;
  return node ? getNamedType(node.type).name : undefined;
}

/**
 * What a field reveals of patient-bearing rows: fields of those types; the cursor of their edges; the
 * total and page info of their connections.
 */
function patientTypeOf(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): FieldSpec['patient'] {
  if (patientBearing(type.name)) return { type: type.name, row: 'source' };
  const fields = type.getFields();
  const edgeNode = nodeTypeName(type);
  if (field.name === 'cursor' && patientBearing(edgeNode)) return { type: edgeNode, row: 'node' };
  const edgeType = fields.edges && getNamedType(fields.edges.type);
  const connectionNode = edgeType && isObjectType(edgeType) ? nodeTypeName(edgeType) : undefined;
  if ((field.name === 'totalCount' || field.name === 'pageInfo') && fields.pageInfo && patientBearing(connectionNode)) {
    return { type: connectionNode, row: 'none' };
  }
  return undefined;
}

const instrumented = new WeakSet<GraphQLSchema>();

/**
 * Wraps the resolvers of guarded and patient-bearing fields, once per schema, so that each field that
 * resolves (scope checks passed, no error) tells the request's collector what it returned. Outside a
 * collected request the wrapper only forwards the call.
 */
export function instrumentSchema(schema: GraphQLSchema): void {
  if (instrumented.has(schema)) return;
  instrumented.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeScopes = scopesOf(schema, type);
    for (const field of Object.values(type.getFields())) {
      const scopes = [...new Set([...typeScopes, ...scopesOf(schema, field)])];
      const patient = patientTypeOf(type, field);
      if (scopes.length === 0 && !patient) continue;
      field.resolve = recording(field.resolve ?? defaultFieldResolver, { scopes, patient });
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function recording(resolve: GraphQLFieldResolver<unknown, object>, spec: FieldSpec): GraphQLFieldResolver<unknown, object> {
  return (source, args, context, info) => {
    const result: unknown = resolve(source, args, context, info);
    const collector = collectors.get(context);
    if (!collector) return result;
    if (isPromiseLike(result)) {
      return result.then((value: unknown) => {
        if (!(value instanceof Error)) collector.field(spec, source, info);
        return value;
      });
    }
    if (!(result instanceof Error)) collector.field(spec, source, info);
    return result;
  };
}
