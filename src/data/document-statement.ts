import {
  getArgumentValues,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ExecutionResult,
} from 'graphql';
import { Prisma } from '../generated/prisma/client.js';
import { isClinicType, patientLinks, resourceOf } from '../resources.js';
import { typeOfId } from '../ids.js';
import { guardedNodeExtension } from '../builder.js';
import type { Scope } from '../scopes.js';
import { rowsSourceOf, type RowsSource } from '../schema/connections.js';
import { connectionParts, selectedFields } from '../schema/selection.js';
import { isObserved, patientBearing, scopesOf, searchArgumentsOf } from '../audit/access.js';
import { referenceExtension, type ReferenceExtension } from './prefetch.js';
import { pageRequest, rowsToRead, type PageInfoReads } from './pagination.js';
import { keysetSql, orderSql, table as tableSql, whereSql, withTiebreaker, type SortKey, type Table } from './sql.js';

/**
 * One SQL statement for a whole query: every level (a page, the pages under each of its rows, the
 * rows they reference) is a subquery of one statement, and PostgreSQL writes the answer's JSON text,
 * which the server sends as it is instead of decoding rows and completing thousands of fields. The GraphQL
 * executor stays the path for everything else; an operation takes this one only when every field it
 * selects is one the statement can answer exactly as the resolvers would (`planFor` decides, once per
 * document) and the caller holds every scope those fields demand, so there is no partial answer to
 * give. Tenancy is in every subquery (`organizationId` of the caller), the same condition the loaders
 * apply; the PHI record learns what the answer revealed from the rows' ids and patient links, which
 * the statement writes beside the data (`#r<n>` and `#c<n>` keys: no GraphQL name starts with #)
 * and which are taken out as the record reads them (`answerText`). What it costs PostgreSQL is measured by
 * `npm run bench:pg-time`; GRAPHQL_ONE_STATEMENT=off leaves every query to the executor.
 */

type Source<Kind extends RowsSource['kind']> = Extract<RowsSource, { kind: Kind }>;
type Variables = GraphQLResolveInfo['variableValues'];
type Walker = Pick<GraphQLResolveInfo, 'schema' | 'fragments'>;

/** A response path as GraphQL's executor passes it to resolvers (indices left out: the PHI record drops them). */
interface Path {
  prev: Path | undefined;
  key: string;
  typename: string | undefined;
}

/** A field of the operation, as the PHI record's collector knows it. */
interface FieldAt {
  key: string;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  parentType: GraphQLObjectType;
  path: Path;
  /**
   * When the PHI record observes what the field returns (src/audit/access.ts): its number in the
   * statement's `#r<n>` (a row's id and patient link) and `#c<n>` (a list or page ended) keys.
   */
  watch: { index: number; kind: 'connection' | 'list' | 'object' } | null;
}

/** What a row of `table` answers, per response key. */
interface RowPlan {
  table: Table;
  entries: RowEntry[];
  /** For rows the PHI record observes: the id and patient-link columns, and the watched field they belong to. */
  hidden: { columns: string[]; watch: number } | null;
}

type RowEntry =
  | { kind: 'value'; key: string; value: (alias: string) => Prisma.Sql }
  | { kind: 'reference'; at: FieldAt; column: string; rows: RowPlan }
  | { kind: 'pages'; at: FieldAt; source: Source<'pages'>; connection: ConnectionPlan }
  | { kind: 'list'; at: FieldAt; source: Source<'list'>; rows: RowPlan }
  | { kind: 'count'; at: FieldAt; source: Source<'count'> }
  | { kind: 'linked'; at: FieldAt; source: Source<'linked'>; rows: RowPlan };

type ConnectionEntry =
  | { kind: 'nodes'; key: string; rows: RowPlan }
  | { kind: 'edges'; key: string; entries: ({ kind: 'node'; key: string; rows: RowPlan } | { kind: 'cursor'; key: string } | { kind: 'typename'; key: string; name: string })[] }
  | { kind: 'pageInfo'; key: string; entries: { key: string; name: string }[] }
  | { kind: 'totalCount'; key: string }
  | { kind: 'typename'; key: string; name: string };

interface ConnectionPlan {
  entries: ConnectionEntry[];
  reads: PageInfoReads;
  /** The page's ids and patient links, for the PHI record, when its rows bear patient data. */
  hidden: string[] | null;
  /**
   * Whether they travel inside the rows of `nodes` or of `edges { node }` (a few characters more per
   * row); when neither is selected, the page's `#c` key carries them (an aggregate more).
   */
  carried: boolean;
  /** Whether the page's `#c` key carries its totalCount: a search's count goes into the record. */
  countsSearch: boolean;
  /** Whether the field takes text arguments (a search, kept by the record per instance). */
  searches: boolean;
}

/** A node's rows by the type its id names, each with the scopes its fields demand (checked per request: the id decides). */
type NodeTypes = Map<Table, { rows: RowPlan; scopes: ReadonlySet<Scope> }>;

type RootEntry =
  | { kind: 'typename'; key: string; name: string }
  | { kind: 'node'; at: FieldAt; types: NodeTypes }
  | { kind: 'nodes'; at: FieldAt; types: NodeTypes }
  | { kind: 'pages'; at: FieldAt; source: Source<'pages'>; connection: ConnectionPlan }
  | { kind: 'byId'; at: FieldAt; source: Source<'byId'>; rows: RowPlan };

export interface DocumentPlan {
  entries: RootEntry[];
  /** Statements built for it, by organization and variables: an app repeats its queries with the same values. */
  built: Map<string, Statement>;
  /** Every scope a field or type of the operation demands: the caller must hold all of them. */
  scopes: ReadonlySet<Scope>;
  tables: ReadonlySet<Table>;
}

/** Why an operation is not one statement: it falls to the executor. Thrown inside planning only. */
class NotOneStatement extends Error {}
const refuse = (why: string): never => {
  throw new NotOneStatement(why);
};

const columnOf = (alias: string, column: string) => Prisma.raw(`${alias}."${column.replace(/"/g, '')}"`);

/**
 * The statement writes the answer's JSON as text, value by value, the way a compiled serializer
 * would: PostgreSQL's json constructors (json_build_object, row_to_json of a subselect per row)
 * cost it twice as much CPU for the same text. Every expression below is JSON text and never NULL
 * (a null is the text `null`), so concatenations never vanish.
 */
const responseKey = /^#?[_A-Za-z][_0-9A-Za-z]*$/;
const graphqlName = /^[_A-Za-z][_0-9A-Za-z]*$/;
const literal = (text: string) => Prisma.raw(`'${text.replace(/'/g, "''")}'`);
const named = (name: string) => (responseKey.test(name) ? name : refuse(`key ${name}`));
/** A JSON string of a name (a type's, an enum value's): nothing in it needs escaping. */
const nameText = (name: string) => literal(`"${named(name)}"`);
/** Text that needs no escaping in JSON (digits, dates, names), quoted. */
const quoted = (expression: Prisma.Sql) => Prisma.sql`COALESCE('"' || ${expression} || '"', 'null')`;
/** Any text, escaped as JSON requires. */
const escaped = (expression: Prisma.Sql) => Prisma.sql`COALESCE(to_json(${expression})::text, 'null')`;
/** A value whose text form is its JSON (numbers, booleans, jsonb). */
const plain = (expression: Prisma.Sql) => Prisma.sql`COALESCE((${expression})::text, 'null')`;
const concat = (parts: readonly Prisma.Sql[]) => Prisma.join(parts, ' || ');

type Field = [key: string, value: Prisma.Sql];

/** An object with these keys in this order. */
function object(fields: readonly Field[]): Prisma.Sql {
  if (fields.length === 0) return literal('{}');
  const parts = fields.flatMap(([name, value], i) => [literal(`${i === 0 ? '{' : ','}"${named(name)}":`), Prisma.sql`(${value})`]);
  return Prisma.sql`(${concat([...parts, literal('}')])})`;
}

/**
 * A JSON array of `item` for each row `from` gives, in `order`: an ARRAY subquery, whose order the
 * rows' own index order usually gives for free, where an aggregate's ORDER BY sorts every group.
 */
const ordered = (item: Prisma.Sql, from: Prisma.Sql, order: Prisma.Sql) =>
  Prisma.sql`('[' || array_to_string(ARRAY(SELECT ${item} FROM ${from} ORDER BY ${order}), ',') || ']')`;

/** A JSON array of `item` over the rows of the current level, in `order`, of those `filter` keeps. */
const array = (item: Prisma.Sql, order: Prisma.Sql, filter: Prisma.Sql = Prisma.empty) =>
  Prisma.sql`('[' || COALESCE(string_agg(${item}, ',' ORDER BY ${order}) ${filter}, '') || ']')`;

/** A row's id and patient link for the PHI record, as a JSON array. */
const hiddenRow = (columns: readonly string[], alias: string) =>
  Prisma.sql`('[' || ${Prisma.join(columns.map((column) => escaped(columnOf(alias, column))), " || ',' || ")} || ']')`;

const joined = (joins: readonly Prisma.Sql[]) => (joins.length === 0 ? Prisma.empty : Prisma.join(joins, ' '));

const unwrap = (type: GraphQLOutputType) => (isNonNullType(type) ? type.ofType : type);

/** The JSON text of a column's value exactly as the field's scalar serializes it, or a refusal. */
function valueSql(type: GraphQLOutputType, column: string): (alias: string) => Prisma.Sql {
  const inner = unwrap(type);
  if (isListType(inner)) {
    const item = unwrap(inner.ofType);
    if (isScalarType(item) && item.name === 'String') return (alias) => escaped(columnOf(alias, column));
    return refuse(`list of ${String(item)}`);
  }
  if (isEnumType(inner)) {
    const values = inner.getValues();
    if (values.some((value) => typeof value.value !== 'string' || !graphqlName.test(value.name))) refuse(`enum ${inner.name}`);
    // enumOf names each value as its stored value in capitals: upper() says so without a CASE per row.
    if (values.every((value) => value.name === String(value.value).toUpperCase())) {
      return (alias) => quoted(Prisma.sql`upper(${columnOf(alias, column)}::text)`);
    }
    const cases = values.map((value) => Prisma.sql`WHEN ${literal(String(value.value))} THEN ${nameText(value.name)}`);
    return (alias) => Prisma.sql`COALESCE(CASE ${columnOf(alias, column)}::text ${Prisma.join(cases, ' ')} END, 'null')`;
  }
  if (!isScalarType(inner)) return refuse(String(inner));
  switch (inner.name) {
    case 'ID':
    case 'String':
      return (alias) => escaped(columnOf(alias, column));
    case 'Int':
    case 'Boolean':
      return (alias) => plain(columnOf(alias, column));
    case 'DateTime':
      // timestamp(3) columns hold UTC: the DateTime scalar's own form, milliseconds and Z.
      return (alias) => quoted(Prisma.sql`to_char(${columnOf(alias, column)}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
    case 'Date':
      return (alias) => quoted(Prisma.sql`to_char(${columnOf(alias, column)}, 'YYYY-MM-DD')`);
    case 'Decimal':
      // DECIMAL(12,2) prints with exactly two places, the scalar's form.
      return (alias) => quoted(Prisma.sql`${columnOf(alias, column)}::text`);
    case 'JSON':
      // jsonb, as stored: the scalar passes the parsed value through.
      return (alias) => plain(columnOf(alias, column));
    default:
      // Float among them: PostgreSQL writes NaN and Infinity, which JSON has no text for.
      return refuse(`scalar ${inner.name}`);
  }
}

class Planner {
  scopes = new Set<Scope>();
  tables = new Set<Table>();
  private readonly walker: Walker;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Variables,
  ) {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    this.walker = { schema, fragments };
  }

  private demand(element: Parameters<typeof scopesOf>[1]): void {
    for (const scope of scopesOf(this.schema, element)) this.scopes.add(scope);
  }

  private selections(type: GraphQLObjectType, nodes: readonly FieldNode[]) {
    return selectedFields(this.walker, nodes, type, this.variables);
  }

  root(operation: OperationDefinitionNode): RootEntry[] {
    if (operation.operation !== 'query') refuse(operation.operation);
    const query = this.schema.getQueryType() ?? refuse('no query type');
    const entries: RootEntry[] = [];
    for (const [responseKey, selected] of this.selections(query, [operation as unknown as FieldNode])) {
      if (selected.name === '__typename') {
        entries.push({ kind: 'typename', key: responseKey, name: query.name });
        continue;
      }
      const field = query.getFields()[selected.name] ?? refuse(selected.name);
      if ((selected.name === 'node' || selected.name === 'nodes') && field.extensions[guardedNodeExtension]) {
        const at = this.at({ responseKey, field, nodes: selected.nodes, parentType: query, parentPath: undefined });
        const types = this.nodeTypes(field, selected.nodes, at);
        entries.push(selected.name === 'node' ? { kind: 'node', at, types } : { kind: 'nodes', at, types });
        continue;
      }
      const source = rowsSourceOf(field) ?? refuse(`root ${selected.name}`);
      const at = this.at({ responseKey, field, nodes: selected.nodes, parentType: query, parentPath: undefined });
      if (source.kind === 'pages' && source.parentColumn === null) {
        entries.push({ kind: 'pages', at, source, connection: this.connection(at, selected.nodes, source.table) });
      } else if (source.kind === 'byId') {
        entries.push({ kind: 'byId', at, source, rows: this.rows(source.table, field.type, selected.nodes, at) });
      } else {
        refuse(`root ${selected.name}`);
      }
    }
    return entries;
  }

  private watches = 0;

  /**
   * The rows a `node` (or `nodes`) field answers for each clinic type its id may name, as the
   * fragments on that type select them. The scopes of each type are kept apart: a request needs only
   * those of the types its ids name (a type it cannot read leaves the request to the executor).
   */
  private nodeTypes(field: GraphQLField<unknown, unknown>, nodes: readonly FieldNode[], at: FieldAt): NodeTypes {
    const types: NodeTypes = new Map();
    const [scopes, tables] = [this.scopes, this.tables];
    for (const type of this.schema.getPossibleTypes(getNamedType(field.type) as GraphQLInterfaceType)) {
      if (!isClinicType(type.name)) continue;
      [this.scopes, this.tables] = [new Set(), new Set()];
      const rows = this.rows(type.name, type, nodes, at);
      for (const table of this.tables) this.scopes.add(resourceOf[table].scope);
      types.set(type.name, { rows, scopes: this.scopes });
    }
    [this.scopes, this.tables] = [scopes, tables];
    return types;
  }

  private at(options: { responseKey: string; field: GraphQLField<unknown, unknown>; nodes: FieldNode[]; parentType: GraphQLObjectType; parentPath: Path | undefined }): FieldAt {
    const { responseKey, field, nodes, parentType, parentPath } = options;
    // Fields merged from several nodes may differ in arguments only where GraphQL validation refused them already.
    this.demand(field);
    const returned = unwrap(field.type);
    const kind = isListType(returned) ? 'list' : connectionParts(getNamedType(returned)) ? 'connection' : 'object';
    return {
      key: responseKey,
      field,
      node: nodes[0]!,
      parentType,
      path: { prev: parentPath, key: responseKey, typename: parentType.name },
      watch: isObserved(field) ? { index: this.watches++, kind } : null,
    };
  }

  /**
   * The rows a field returns: `owner` is that field (a reference, a list, by id), or, for a page's
   * rows, the connection field, with the rows' place in the response (`nodes`, `edges.node`).
   */
  private rows(table: Table, type: GraphQLOutputType, nodes: readonly FieldNode[], owner: FieldAt, place: Path = owner.path): RowPlan {
    const named = getNamedType(type);
    if (!isObjectType(named)) return refuse(String(named));
    this.demand(named);
    this.tables.add(table);
    const link = linkColumnOf(table);
    const plan: RowPlan = { table, entries: [], hidden: owner.watch && link ? { columns: hiddenColumns(link), watch: owner.watch.index } : null };
    const columns = resourceOf[table].columns;
    for (const [responseKey, selected] of this.selections(named, nodes)) {
      if (selected.name === '__typename') {
        plan.entries.push({ kind: 'value', key: responseKey, value: () => nameText(named.name) });
        continue;
      }
      const field = named.getFields()[selected.name] ?? refuse(selected.name);
      const at = this.at({ responseKey, field, nodes: selected.nodes, parentType: named, parentPath: place });
      const reference = field.extensions[referenceExtension] as ReferenceExtension | undefined;
      const source = rowsSourceOf(field);
      const exposed = selected.name === 'id' ? 'id' : field.extensions.pothosExposedField;
      if (reference) {
        if (!columns.has(reference.column)) refuse(selected.name);
        plan.entries.push({ kind: 'reference', at, column: reference.column, rows: this.rows(reference.table, field.type, selected.nodes, at) });
      } else if (source?.kind === 'pages' && source.parentColumn !== null) {
        plan.entries.push({ kind: 'pages', at, source, connection: this.connection(at, selected.nodes, source.table) });
      } else if (source?.kind === 'count') {
        this.tables.add(source.table);
        plan.entries.push({ kind: 'count', at, source });
      } else if (source?.kind === 'list') {
        plan.entries.push({ kind: 'list', at, source, rows: this.rows(source.table, field.type, selected.nodes, at) });
      } else if (source?.kind === 'linked') {
        plan.entries.push({ kind: 'linked', at, source, rows: this.rows(source.table, field.type, selected.nodes, at) });
      } else if (typeof exposed === 'string' && columns.has(exposed) && field.args.length === 0) {
        plan.entries.push({ kind: 'value', key: responseKey, value: valueSql(field.type, exposed) });
      } else {
        refuse(`${named.name}.${selected.name}`);
      }
    }
    return plan;
  }

  private connection(at: FieldAt, nodes: readonly FieldNode[], table: Table): ConnectionPlan {
    const field = at.field;
    const type = getNamedType(field.type);
    const parts = connectionParts(type);
    if (!parts || !isObjectType(type)) return refuse(`${field.name} is not a connection`);
    const link = linkColumnOf(table);
    this.tables.add(table);
    const node = parts.node as GraphQLObjectType;
    const entries: ConnectionEntry[] = [];
    const reads: PageInfoReads = { hasNextPage: false, hasPreviousPage: false };
    for (const [responseKey, selected] of this.selections(type, nodes)) {
      switch (selected.name) {
        case '__typename':
          entries.push({ kind: 'typename', key: responseKey, name: type.name });
          break;
        case 'nodes':
          // Each place keeps its own selection: `nodes { a }` and `edges { node { b } }` answer a and b apart.
          entries.push({ kind: 'nodes', key: responseKey, rows: this.rows(table, node, selected.nodes, at, { prev: at.path, key: responseKey, typename: type.name }) });
          break;
        case 'totalCount':
          entries.push({ kind: 'totalCount', key: responseKey });
          break;
        case 'edges': {
          const edge: Extract<ConnectionEntry, { kind: 'edges' }> = { kind: 'edges', key: responseKey, entries: [] };
          for (const [edgeKey, part] of this.selections(parts.edge, selected.nodes)) {
            if (part.name === 'node') {
              const edges: Path = { prev: at.path, key: responseKey, typename: type.name };
              edge.entries.push({ kind: 'node', key: edgeKey, rows: this.rows(table, node, part.nodes, at, { prev: edges, key: edgeKey, typename: parts.edge.name }) });
            }
            else if (part.name === 'cursor') edge.entries.push({ kind: 'cursor', key: edgeKey });
            else if (part.name === '__typename') edge.entries.push({ kind: 'typename', key: edgeKey, name: parts.edge.name });
            else refuse(`edge ${part.name}`);
          }
          entries.push(edge);
          break;
        }
        case 'pageInfo': {
          const pageInfo = getNamedType(type.getFields().pageInfo!.type) as GraphQLObjectType;
          const info: Extract<ConnectionEntry, { kind: 'pageInfo' }> = { kind: 'pageInfo', key: responseKey, entries: [] };
          for (const [infoKey, part] of this.selections(pageInfo, selected.nodes)) {
            if (part.name === 'hasNextPage' || part.name === 'hasPreviousPage') reads[part.name] = true;
            else if (part.name !== 'startCursor' && part.name !== 'endCursor' && part.name !== '__typename') refuse(`pageInfo ${part.name}`);
            info.entries.push({ key: infoKey, name: part.name });
          }
          entries.push(info);
          break;
        }
        default:
          refuse(`connection ${selected.name}`);
      }
    }
    const hidden = link && at.watch ? hiddenColumns(link) : null;
    // Rows of one place only carry them (`nodes` before `edges`): each row is told once per page.
    const carrier = entries.flatMap((entry) =>
      entry.kind === 'nodes' ? [entry.rows] : entry.kind === 'edges' ? entry.entries.flatMap((part) => (part.kind === 'node' ? [part.rows] : [])) : [],
    )[0];
    for (const entry of entries) {
      for (const rows of entry.kind === 'nodes' ? [entry.rows] : entry.kind === 'edges' ? entry.entries.flatMap((part) => (part.kind === 'node' ? [part.rows] : [])) : []) {
        rows.hidden = hidden && rows === carrier ? { columns: hidden, watch: at.watch!.index } : null;
      }
    }
    const searches = searchArgumentsOf(field).length > 0;
    return { entries, reads, hidden, carried: carrier !== undefined, countsSearch: searches && entries.some((entry) => entry.kind === 'totalCount'), searches };
  }
}

const hiddenColumns = (link: string) => [...new Set(['id', link])];

/** Plans per schema, document and operation with its @skip/@include values; null: the executor's. */
const plans = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, DocumentPlan | null>>>();
const maxPlansPerDocument = 32;

export function planFor(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Variables;
  /** Distinguishes @skip/@include values (src/audit/access.ts, `planKeyOf`). */
  planKey: string;
}): DocumentPlan | null {
  const { schema, document, operation, variables, planKey } = options;
  let byDocument = plans.get(schema);
  if (!byDocument) plans.set(schema, (byDocument = new WeakMap()));
  let byKey = byDocument.get(document);
  if (!byKey) byDocument.set(document, (byKey = new Map()));
  let plan = byKey.get(planKey);
  if (plan === undefined) {
    try {
      const planner = new Planner(schema, document, variables);
      const entries = planner.root(operation);
      // A table read without a field rule of its own (a count) still demands its scope, as the loaders do.
      for (const table of planner.tables) planner.scopes.add(resourceOf[table].scope);
      plan = entries.some((entry) => entry.kind !== 'typename') ? { entries, scopes: planner.scopes, tables: planner.tables, built: new Map() } : null;
    } catch (error) {
      if (!(error instanceof NotOneStatement)) throw error;
      plan = null;
    }
    if (byKey.size < maxPlansPerDocument) byKey.set(planKey, plan);
  }
  return plan;
}

const signature = (order: readonly SortKey[]) => order.map((k) => `${k.column}${k.descending ? '-' : '+'}`).join(',');

const maxBuiltPerPlan = 16;

export interface Statement {
  sql: Prisma.Sql;
  /** Every table it reads, for the loaders' scope check. */
  tables: ReadonlySet<Table>;
}

/**
 * The statement of one request: the plan with these variables, in this organization, for a caller
 * with these scopes (they matter only to a node, whose id names its type). Throws, for the
 * executor to answer, what the statement cannot: a refused argument, a node it may not read.
 */
export function statementFor(plan: DocumentPlan, options: { organizationId: string; variables: Variables; scopes: ReadonlySet<string> }): Statement {
  const { organizationId, variables, scopes } = options;
  const nodes = plan.entries.some((entry) => entry.kind === 'node' || entry.kind === 'nodes');
  const cacheKey = `${organizationId}\u0000${JSON.stringify(variables)}${nodes ? `\u0000${[...scopes].sort().join(' ')}` : ''}`;
  let statement = plan.built.get(cacheKey);
  if (!statement) {
    const builder = new DocumentStatement(organizationId, variables, scopes);
    statement = { sql: builder.build(plan), tables: builder.tables };
    // The oldest goes first: a query whose variables change with every request keeps building.
    if (plan.built.size >= maxBuiltPerPlan) plan.built.delete(plan.built.keys().next().value!);
    plan.built.set(cacheKey, statement);
  }
  return statement;
}

/** The tables rows of a plan read, theirs and those below them. */
function tablesOf(plan: RowPlan, out = new Set<Table>()): Set<Table> {
  out.add(plan.table);
  for (const entry of plan.entries) {
    if (entry.kind === 'reference' || entry.kind === 'list' || entry.kind === 'linked') tablesOf(entry.rows, out);
    else if (entry.kind === 'count') out.add(entry.source.table);
    else if (entry.kind === 'pages') {
      out.add(entry.source.table);
      for (const part of entry.connection.entries) {
        if (part.kind === 'nodes') tablesOf(part.rows, out);
        if (part.kind === 'edges') for (const edge of part.entries) if (edge.kind === 'node') tablesOf(edge.rows, out);
      }
    }
  }
  return out;
}

/** Opens every such statement's text: it names the path in pg_stat_activity and the server's statement log. */
export const oneStatementMark = '/* clinicgraph: one statement */';

/** Builds the statement of a plan with one request's arguments, in the caller's organization. */
class DocumentStatement {
  private aliases = 0;

  constructor(
    private readonly organizationId: string,
    private readonly variables: Variables,
    /** The caller's effective scopes: a node's type must be among those it reads. */
    private readonly scopes: ReadonlySet<string>,
  ) {}

  /** The tables this statement reads, for the loaders' scope check: a node's depends on its id. */
  readonly tables = new Set<Table>();

  build(plan: DocumentPlan): Prisma.Sql {
    for (const table of plan.tables) this.tables.add(table);
    const fields = plan.entries.flatMap((entry): Field[] => {
      const field = this.rootField(entry);
      // A list of nodes ended: its rows (`#r`) so far are its own.
      return entry.kind === 'nodes' && entry.at.watch ? [field, [`#c${entry.at.watch.index}`, literal('null')]] : [field];
    });
    return Prisma.sql`${Prisma.raw(oneStatementMark)} SELECT ${object(fields)} AS data`;
  }

  private rootField(entry: RootEntry): Field {
    if (entry.kind === 'typename') return [entry.key, nameText(entry.name)];
    if (entry.kind === 'node') return [entry.at.key, this.node(entry.types, this.args(entry.at).id)];
    if (entry.kind === 'nodes') {
      const ids = this.args(entry.at).ids as unknown[];
      // Each answered as `node` is, in the order given; another clinic's or a missing one is null.
      return [entry.at.key, ids.length === 0 ? literal('[]') : concat([literal('['), Prisma.join(ids.map((id) => this.node(entry.types, id)), " || ',' || "), literal(']')])];
    }
    if (entry.kind === 'pages') return [entry.at.key, this.pages(entry.at, entry.source, entry.connection, null)];
    const args = this.args(entry.at);
    const alias = this.alias();
    const joins: Prisma.Sql[] = [];
    const row = this.row(entry.rows, alias, joins);
    return [
      entry.at.key,
      Prisma.sql`COALESCE((SELECT ${row} FROM ${tableSql(entry.source.table)} ${Prisma.raw(alias)} ${joined(joins)}
        WHERE ${columnOf(alias, 'organizationId')} = ${this.organizationId} AND ${columnOf(alias, 'id')} = ${String(args.id)}), 'null')`,
    ];
  }

  private alias(): string {
    return `r${++this.aliases}`;
  }

  /** One node by its id: the row of the type the id names, as that type's fragments select it. */
  private node(types: NodeTypes, id: unknown): Prisma.Sql {
    const type = typeof id === 'string' ? typeOfId(id) : null;
    const node = type && isClinicType(type) ? types.get(type) : undefined;
    // Not a clinic node id, or a type the caller cannot read: the executor gives that error.
    if (!node) return refuse('node id');
    for (const scope of node.scopes) if (!this.scopes.has(scope)) refuse(`node scope ${scope}`);
    const alias = this.alias();
    const joins: Prisma.Sql[] = [];
    const row = this.row(node.rows, alias, joins);
    for (const table of tablesOf(node.rows)) this.tables.add(table);
    return Prisma.sql`COALESCE((SELECT ${row} FROM ${tableSql(node.rows.table)} ${Prisma.raw(alias)} ${joined(joins)}
      WHERE ${columnOf(alias, 'organizationId')} = ${this.organizationId} AND ${columnOf(alias, 'id')} = ${String(id)}), 'null')`;
  }

  private args(at: FieldAt): Record<string, unknown> {
    return getArgumentValues(at.field, at.node, this.variables);
  }

  /**
   * A row's object. A reference is a LEFT JOIN added to `joins`, the FROM of the level reading the
   * row (by primary key and organization): one lookup each, without a subquery per row.
   */
  private row(plan: RowPlan, alias: string, joins: Prisma.Sql[]): Prisma.Sql {
    const fields: Field[] = [];
    for (const entry of plan.entries) {
      switch (entry.kind) {
        case 'value':
          fields.push([entry.key, entry.value(alias)]);
          break;
        case 'reference': {
          const target = this.alias();
          joins.push(
            Prisma.sql`LEFT JOIN ${tableSql(entry.rows.table)} ${Prisma.raw(target)}
              ON ${columnOf(target, 'organizationId')} = ${this.organizationId} AND ${columnOf(target, 'id')} = ${columnOf(alias, entry.column)}`,
          );
          fields.push([entry.at.key, Prisma.sql`CASE WHEN ${columnOf(target, 'id')} IS NULL THEN 'null' ELSE ${this.row(entry.rows, target, joins)} END`]);
          break;
        }
        case 'pages':
          fields.push([entry.at.key, this.pages(entry.at, entry.source, entry.connection, alias)]);
          break;
        case 'count':
          fields.push([
            entry.at.key,
            Prisma.sql`(SELECT count(*) FROM ${tableSql(entry.source.table)} t
              WHERE ${whereSql(this.organizationId, [])} AND ${columnOf('t', entry.source.parentColumn)} = ${columnOf(alias, 'id')})::text`,
          ]);
          break;
        case 'list': {
          const child = this.alias();
          const childJoins: Prisma.Sql[] = [];
          const row = this.row(entry.rows, child, childJoins);
          fields.push([
            entry.at.key,
            ordered(
              row,
              Prisma.sql`(SELECT t.* FROM ${tableSql(entry.source.table)} t
                WHERE ${whereSql(this.organizationId, [])} AND ${columnOf('t', entry.source.parentColumn)} = ${columnOf(alias, 'id')}) ${Prisma.raw(child)}
                ${joined(childJoins)}`,
              orderSql(withTiebreaker(entry.source.order), false, child),
            ),
          ]);
          // The list ended: its rows (`#r`) so far are this parent's.
          if (entry.at.watch) fields.push([`#c${entry.at.watch.index}`, literal('null')]);
          break;
        }
        case 'linked': {
          const { through, parentColumn, targetColumn, order } = entry.source;
          const child = this.alias();
          const link = this.alias();
          const childJoins: Prisma.Sql[] = [];
          const row = this.row(entry.rows, child, childJoins);
          fields.push([
            entry.at.key,
            ordered(
              row,
              Prisma.sql`${Prisma.raw(`"${through}"`)} ${Prisma.raw(link)}
                JOIN ${tableSql(entry.source.table)} ${Prisma.raw(child)} ON ${columnOf(child, 'id')} = ${columnOf(link, targetColumn)} AND ${columnOf(child, 'organizationId')} = ${columnOf(link, 'organizationId')}
                ${joined(childJoins)}
                WHERE ${columnOf(link, 'organizationId')} = ${this.organizationId} AND ${columnOf(link, parentColumn)} = ${columnOf(alias, 'id')}`,
              Prisma.sql`${columnOf(link, order)}, ${columnOf(child, 'id')}`,
            ),
          ]);
          if (entry.at.watch) fields.push([`#c${entry.at.watch.index}`, literal('null')]);
          break;
        }
      }
    }
    if (plan.hidden) fields.push([`#r${plan.hidden.watch}`, hiddenRow(plan.hidden.columns, alias)]);
    return object(fields);
  }

  /** A connection's JSON: one page of `source`'s rows (under the row `parent` when a child list). */
  private pages(at: FieldAt, source: Source<'pages'>, connection: ConnectionPlan, parent: string | null): Prisma.Sql {
    const args = this.args(at);
    const list = source.list(args as never);
    const order = withTiebreaker(list.order);
    const request = pageRequest(args, order, { rowType: source.table, reads: connection.reads });
    const conditions = [whereSql(this.organizationId, list.conditions)];
    const parentCondition = parent && source.parentColumn ? Prisma.sql`${columnOf('t', source.parentColumn)} = ${columnOf(parent, 'id')}` : null;
    if (parentCondition) conditions.push(parentCondition);
    if (request.cursor) conditions.push(keysetSql(source.table, this.organizationId, order, request.cursor, request.backward));
    const b = this.alias();
    const rows = Prisma.raw(b);
    // Rows are numbered only when the look-ahead row is read, to leave it out; otherwise the page is all there is.
    const numbered = rowsToRead(request) > request.limit;
    const shown = numbered ? Prisma.sql`FILTER (WHERE ${rows}."#n" <= ${Prisma.raw(String(request.limit))})` : Prisma.empty;
    const presented = orderSql(order, false, b);
    const reversed = orderSql(order, true, b);
    const more = Prisma.sql`CASE WHEN count(*) > ${Prisma.raw(String(request.limit))} THEN 'true' ELSE 'false' END`;
    const flag = (value: boolean) => literal(value ? 'true' : 'false');
    const cursor = Prisma.sql`rtrim(translate(encode(convert_to(${literal(`{"o":${JSON.stringify(signature(order))},"id":`)} || to_json(${columnOf(b, 'id')})::text || '}', 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;
    const total = Prisma.sql`(SELECT count(*) FROM ${tableSql(source.table)} t WHERE ${Prisma.join(
      [whereSql(this.organizationId, list.conditions), ...(parentCondition ? [parentCondition] : [])],
      ' AND ',
    )})::text`;
    const joins: Prisma.Sql[] = [];
    const fields: Field[] = [];
    // Whether only one array reads the page's rows (nodes, or edges), with nothing counted or cursored over them.
    const arrays = connection.entries.filter((entry) => entry.kind === 'nodes' || entry.kind === 'edges').length;
    const aggregated = connection.entries.some(
      (entry) =>
        entry.kind === 'pageInfo' &&
        entry.entries.some(({ name }) => name === 'startCursor' || name === 'endCursor' || name === (request.backward ? 'hasPreviousPage' : 'hasNextPage')),
    );
    const simple = !numbered && arrays === 1 && !aggregated && (!connection.hidden || connection.carried);
    let single: (Prisma.Sql & { item: Prisma.Sql }) | undefined;
    const rowsArray = (item: Prisma.Sql) => {
      if (!simple) return array(item, presented, shown);
      single = Object.assign(Prisma.sql`${item}`, { item });
      return single;
    };
    for (const entry of connection.entries) {
      switch (entry.kind) {
        case 'typename':
          fields.push([entry.key, nameText(entry.name)]);
          break;
        case 'nodes':
          fields.push([entry.key, rowsArray(this.row(entry.rows, b, joins))]);
          break;
        case 'edges': {
          const edge = entry.entries.map((part): Field => {
            if (part.kind === 'typename') return [part.key, nameText(part.name)];
            return [part.key, part.kind === 'node' ? this.row(part.rows, b, joins) : quoted(cursor)];
          });
          fields.push([entry.key, rowsArray(object(edge))]);
          break;
        }
        case 'pageInfo': {
          const info = entry.entries.map(({ key: infoKey, name }): Field => {
            switch (name) {
              case 'hasNextPage':
                return [infoKey, request.backward ? flag(request.cursor !== null) : more];
              case 'hasPreviousPage':
                return [infoKey, request.backward ? more : flag(request.cursor !== null)];
              case 'startCursor':
                return [infoKey, quoted(Prisma.sql`(array_agg(${cursor} ORDER BY ${presented}) ${shown})[1]`)];
              case 'endCursor':
                return [infoKey, quoted(Prisma.sql`(array_agg(${cursor} ORDER BY ${reversed}) ${shown})[1]`)];
              default:
                return [infoKey, nameText('PageInfo')];
            }
          });
          fields.push([entry.key, object(info)]);
          break;
        }
        case 'totalCount':
          fields.push([entry.key, total]);
          break;
      }
    }
    if (at.watch) {
      // The page ended: its rows (`#r`) so far are this parent's; with them, what the record needs that no row carries.
      const told: Field[] = [];
      if (connection.countsSearch) told.push(['n', total]);
      if (connection.hidden && !connection.carried) told.push(['rows', array(hiddenRow(connection.hidden, b), presented, shown)]);
      fields.push([`#c${at.watch.index}`, told.length > 0 ? object(told) : literal('null')]);
    }
    const direction = orderSql(order, request.backward);
    const from = Prisma.sql`(SELECT t.* FROM ${tableSql(source.table)} t
      WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY ${direction} LIMIT ${Prisma.raw(String(rowsToRead(request)))}) ${rows} ${joined(joins)}`;
    if (single) {
      // The page's rows are one array and nothing else reads them: the rows, in order, and no aggregate.
      return object(fields.map(([name, value]) => [name, value === single ? ordered(single.item, from, presented) : value]));
    }
    // Nothing reads the rows (only __typename, totalCount): no FROM, which would give a row per page row.
    if (arrays === 0 && !aggregated && !(connection.hidden && !connection.carried)) return object(fields);
    return Prisma.sql`(SELECT ${object(fields)}
      FROM (SELECT t.*${numbered ? Prisma.sql`, row_number() OVER (ORDER BY ${direction}) AS "#n"` : Prisma.empty} FROM ${tableSql(source.table)} t
            WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY ${direction} LIMIT ${Prisma.raw(String(rowsToRead(request)))}) ${rows}
      ${joined(joins)})`;
  }
}

const jsonString = '"(?:[^"\\\\]|\\\\.)*"';
const element = `(?:${jsonString}|null)`;
const strings = `\\[${element}(?:,${element})*\\]`;
const pageTold = `\\{(?:"n":\\d+)?,?(?:"rows":\\[(?:${strings}(?:,${strings})*)?\\])?\\}`;
/**
 * The keys the statement adds for the PHI record, as it writes them: after a field (never first in
 * an object), a number naming the watched field, and a value of ids. A string inside the answer
 * cannot look like one: its quotes are escaped.
 */
const hiddenKey = new RegExp(`,"#([cr])(\\d+)":(null|${strings}|${pageTold})`, 'g');

/** The id and link strings of a `#r` value: without escapes or nulls (ids are plain), split rather than parsed. */
function hiddenStrings(value: string): (string | null)[] {
  return value.includes('\\') || value.includes('null') ? (JSON.parse(value) as (string | null)[]) : value.slice(2, -2).split('","');
}

/** What the collector of the PHI record is told of each observed field, as the executor's resolvers tell it. */
export type Observe = (args: Record<string, unknown>, value: unknown, info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'parentType'> & { path: Path }) => void;

interface Watched {
  at: FieldAt;
  columns: string[] | null;
  /**
   * Rows listed under their parent by the very column that leads to their patient (a patient's
   * appointments, a bill's coding groups): their patients are their parents', which the record has.
   * One instance tells the record the place was answered; the others add nothing to it.
   */
  implied: boolean;
}

const linkColumnOf = (table: Table) => (patientLinks as Record<string, { column: string } | undefined>)[table]?.column;

/** The watched fields of a plan by their number, with the columns of their rows' `#r` values. */
function watchedOf(plan: DocumentPlan): Map<number, Watched> {
  const watched = new Map<number, Watched>();
  const add = (at: FieldAt, columns: string[] | null, implied = false) => {
    if (at.watch) watched.set(at.watch.index, { at, columns, implied });
  };
  /** A child list of `parent`'s rows whose parent column is its rows' patient link, with no search among its arguments. */
  const impliedUnder = (parent: RowPlan, source: { table: Table; parentColumn: string | null }, connection?: ConnectionPlan) =>
    patientBearing(parent.table) && source.parentColumn !== null && source.parentColumn === linkColumnOf(source.table) && !connection?.searches;
  const rows = (plan: RowPlan) => {
    for (const entry of plan.entries) {
      if (entry.kind === 'reference') {
        add(entry.at, entry.rows.hidden?.columns ?? null);
        rows(entry.rows);
      } else if (entry.kind === 'list') {
        add(entry.at, entry.rows.hidden?.columns ?? null, impliedUnder(plan, entry.source));
        rows(entry.rows);
      } else if (entry.kind === 'linked') {
        add(entry.at, entry.rows.hidden?.columns ?? null);
        rows(entry.rows);
      } else if (entry.kind === 'pages') connection(entry.at, entry.connection, impliedUnder(plan, entry.source, entry.connection));
    }
  };
  const connection = (at: FieldAt, plan: ConnectionPlan, implied = false) => {
    add(at, plan.hidden, implied);
    for (const entry of plan.entries) {
      if (entry.kind === 'nodes') rows(entry.rows);
      if (entry.kind === 'edges') for (const part of entry.entries) if (part.kind === 'node') rows(part.rows);
    }
  };
  for (const entry of plan.entries) {
    if (entry.kind === 'pages') connection(entry.at, entry.connection);
    else if (entry.kind === 'byId') {
      add(entry.at, entry.rows.hidden?.columns ?? null);
      rows(entry.rows);
    } else if (entry.kind === 'node' || entry.kind === 'nodes') {
      // A node's `#r` columns depend on its type, which its id names (rowOf reads it there).
      add(entry.at, null);
      for (const { rows: typeRows } of entry.types.values()) rows(typeRows);
    }
  }
  return watched;
}

const watchedByPlan = new WeakMap<DocumentPlan, ReturnType<typeof watchedOf>>();

/**
 * The answer's text without the keys added for the PHI record, having told the record, field by
 * field as the resolvers would, what the answer revealed: one pass over the text, no parse.
 */
export function answerText(plan: DocumentPlan, text: string, variables: Variables, observe: Observe): string {
  let watched = watchedByPlan.get(plan);
  if (!watched) watchedByPlan.set(plan, (watched = watchedOf(plan)));
  // Per field of the document, not per row: a 50-bill page tells the bills' patient field 50 times.
  const argsOf = new Map<FieldAt, Record<string, unknown>>();
  const tell = (at: FieldAt, value: unknown) => {
    let args = argsOf.get(at);
    if (!args) argsOf.set(at, (args = getArgumentValues(at.field, at.node, variables)));
    observe(args, value, { fieldNodes: [at.node], parentType: at.parentType, path: at.path });
  };
  const pending = new Map<number, Record<string, unknown>[]>();
  const told = new Set<number>();
  const rowOf = (known: readonly string[] | null, values: readonly (string | null)[]) => {
    const type = known ? null : typeOfId(String(values[0]));
    const link = type && isClinicType(type) ? linkColumnOf(type) : undefined;
    const columns = known ?? (link ? hiddenColumns(link) : ['id']);
    const row: Record<string, unknown> = {};
    columns.forEach((column, i) => (row[column] = values[i]));
    return row;
  };
  return text.replace(hiddenKey, (_match, kind: string, index: string, value: string) => {
    const entry = watched.get(Number(index));
    const watch = entry?.at.watch;
    if (!entry || !watch) return '';
    const { at, columns } = entry;
    if (entry.implied && told.has(watch.index)) return '';
    if (kind === 'r') {
      const row = rowOf(columns, hiddenStrings(value));
      if (watch.kind === 'object') tell(at, row);
      else {
        const rows = pending.get(watch.index);
        if (rows) rows.push(row);
        else pending.set(watch.index, [row]);
      }
      return '';
    }
    const rows = pending.get(watch.index) ?? [];
    pending.delete(watch.index);
    // An instance without rows says the place was reached, not what its rows are: the next one tells that.
    if (rows.length > 0 || value !== 'null') told.add(watch.index);
    if (watch.kind === 'list') {
      tell(at, rows);
      return '';
    }
    const extra = value === 'null' ? {} : (JSON.parse(value) as { n?: number; rows?: (string | null)[][] });
    const page = extra.rows ? extra.rows.map((values) => rowOf(columns, values)) : rows;
    const connection: { edges: { node: unknown }[]; totalCount: () => Promise<number> } = {
      edges: page.map((node) => ({ node })),
      totalCount: () => Promise.resolve(Number(extra.n)),
    };
    tell(at, connection);
    // A search's count reaches the record through the connection's totalCount, as when the field resolves.
    if (extra.n !== undefined) void connection.totalCount();
    return '';
  });
}

/** The data of an answer written by the statement: its JSON text, spliced into the response as it is. */
export class AnswerText {
  constructor(readonly text: string) {}

  /** For anything that serializes the result itself. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** The response body with the data's text as PostgreSQL wrote it (yoga calls a result's own `stringify`). */
export function stringifyAnswer(result: ExecutionResult): string {
  const { data, ...rest } = result as ExecutionResult & { stringify?: unknown };
  delete (rest as { stringify?: unknown }).stringify;
  const others = JSON.stringify(rest);
  const dataText = data instanceof AnswerText ? data.text : JSON.stringify(data);
  return others === '{}' ? `{"data":${dataText}}` : `{"data":${dataText},${others.slice(1)}`;
}
