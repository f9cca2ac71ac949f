import DataLoader from 'dataloader';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { resourceOf, type Rows } from '../resources.js';
import { insufficientScope } from '../errors.js';
import type { Scope } from '../scopes.js';
import { directReadOf, type DirectRead } from '../db/database.js';
import type { ReferenceExtension } from './prefetch.js';
import { rowsToRead, toPage, type Page, type PageRequest } from './pagination.js';
import { covers, type Columns } from './columns.js';
import {
  keysetSql,
  orderSql,
  table,
  whereSql,
  withTiebreaker,
  type Condition,
  type SortKey,
  type Table,
} from './sql.js';

export type { Rows } from '../resources.js';

/** Rows a parent points at through a link table: which columns of the link lead from the parent to the rows, and their order. */
export interface LinkedRows {
  table: Table;
  /** The link table (not a resource of the API: its rows are read only to reach `table`'s). */
  through: string;
  parentColumn: string;
  targetColumn: string;
  order: string;
}

export interface ListQuery {
  conditions: readonly Condition[];
  order: readonly SortKey[];
}

/**
 * Every column, or only these (names from Prisma's own column lists, never from a request). Rows read
 * with fewer columns enter the by-id cache with the columns they hold: a reference that needs more
 * reads the row again.
 */
const selectList = (columns: Columns) =>
  columns ? Prisma.raw(columns.map((name) => `t."${name}"`).join(', ')) : Prisma.raw('t.*');

/** `columns` with `column` among them (a batch groups its rows by the parent column). */
const withColumn = (columns: Columns, column: string): Columns => (columns && !columns.includes(column) ? [...columns, column] : columns);

function groupBy<Row>(keys: readonly string[], rows: Row[], column: string): Row[][] {
  const groups = new Map<string, Row[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get((row as Record<string, string>)[column]!)?.push(row);
  return keys.map((k) => groups.get(k) ?? []);
}

/** A row this request has read, with the columns it holds (null: all). */
interface KnownRow {
  row: unknown;
  columns: ReadonlySet<string> | null;
}

/** A table and one row's worth of its columns, as a level reads the rows a reference points at. */
export type ReferenceRead = Pick<ReferenceExtension, 'table' | 'column'> & { columns?: Columns };

/**
 * Every read of clinic data goes through here, per request, and every statement filters by the
 * caller's organization: tenancy does not depend on which path (root, nested, node) reached a row.
 * Nor do scopes: a table whose scope the caller lacks is refused here, whichever field asked, so a
 * field that forgot its rule still returns nothing (the rules on fields come first and give the
 * precise error; this is the line behind them).
 * Loaders batch by parent, so a list's children cost one statement whatever the number of parents.
 */
export class Loaders {
  private readonly cache = new Map<string, DataLoader<string, unknown>>();
  /** Rows this request has read, by table and id: a reference to one of them resolves without a promise. */
  private readonly known = new Map<Table, Map<string, KnownRow>>();

  private readonly read: DirectRead | undefined;
  private readonly pagesByAsker = new Map<object, Map<string, DataLoader<string, unknown>>>();

  constructor(
    private readonly prisma: PrismaClient,
    readonly organizationId: string,
    private readonly scopes: ReadonlySet<Scope>,
  ) {
    this.read = directReadOf(prisma);
  }

  /** Whether the caller's effective scopes reach rows of this table. */
  mayRead(name: Table): boolean {
    return this.scopes.has(resourceOf[name].scope);
  }

  /** Refuses, with the error a field rule gives, a read of a table whose scope the caller lacks. */
  private require(name: Table): void {
    this.requireScope(resourceOf[name].scope);
  }

  /** The same refusal for what is read from outside the clinic tables (the caller's own identity, `me`). */
  requireScope(scope: Scope): void {
    if (!this.scopes.has(scope)) throw insufficientScope([scope]);
  }

  private loader<V>(key: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let loader = this.cache.get(key) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, { maxBatchSize: 1000 });
      this.cache.set(key, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  private query<Row>(sql: Prisma.Sql): Promise<Row[]> {
    return this.read ? this.read<Row>(sql) : this.prisma.$queryRaw<Row[]>(sql);
  }

  private byIdLoader<T extends Table>(name: T, columns: Columns): DataLoader<string, Rows[T] | null> {
    return this.loader<Rows[T] | null>(`id:${name}:${columns?.join(',') ?? '*'}`, async (ids) => {
      const rows = await this.query<Rows[T]>(
        Prisma.sql`SELECT ${selectList(columns)} FROM ${table(name)} t WHERE ${whereSql(this.organizationId, [])} AND t."id" = ANY(${ids}::text[])`,
      );
      this.prime(name, rows, columns);
      const byId = new Map(rows.map((row) => [(row as { id: string }).id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /**
   * A row by id with at least `columns` (null: all), or null when it does not exist in the caller's
   * organization. A row this request has already read with those columns is returned as is, not
   * wrapped in a promise: GraphQL completes it at once, which matters for hundreds of references in
   * one response (see `preload`).
   */
  byId<T extends Table>(name: T, id: string, columns: Columns = null): Rows[T] | null | Promise<Rows[T] | null> {
    this.require(name);
    const known = this.known.get(name)?.get(id);
    if (known && covers(known.columns, columns)) return known.row as Rows[T];
    return this.byIdLoader(name, columns).load(id);
  }

  /** Reads the rows with these ids that this request has not read yet (with these columns), all in one statement. */
  async preload(name: Table, ids: Iterable<string>, columns: Columns = null): Promise<void> {
    this.require(name);
    const known = this.known.get(name);
    const missing = new Set<string>();
    for (const id of ids) {
      const row = known?.get(id);
      if (!row || !covers(row.columns, columns)) missing.add(id);
    }
    if (missing.size > 0) await this.byIdLoader(name, columns).loadMany([...missing]);
  }

  /**
   * Reads the rows these rows' foreign keys point at (a page's providers, say), one statement per
   * referenced table, with the columns the query selects on them, so their reference fields resolve
   * without a promise. A failure is ignored: the reference fields load, and report, on their own.
   */
  async preloadReferences(rows: readonly unknown[], references: readonly ReferenceRead[]): Promise<void> {
    await Promise.all(
      references.map((reference) => {
        const ids: string[] = [];
        for (const row of rows) {
          const id = row && typeof row === 'object' ? (row as Record<string, unknown>)[reference.column] : undefined;
          if (typeof id === 'string') ids.push(id);
        }
        return this.preload(reference.table, ids, reference.columns ?? null).catch(() => undefined);
      }),
    );
  }

  /** Remembers rows read with `columns`; a row already known with every column keeps that entry. */
  private prime<T extends Table>(name: T, rows: Rows[T][], columns: Columns): void {
    let known = this.known.get(name);
    if (!known) this.known.set(name, (known = new Map()));
    const read = columns ? new Set(columns) : null;
    for (const row of rows) {
      const id = (row as { id: string }).id;
      if (read && known.get(id)?.columns === null) continue;
      known.set(id, { row, columns: read });
    }
  }

  /** All children of a parent (short lists such as a bill's coding groups), in the given order, with `columns` (null: all). */
  childrenOf<T extends Table>(
    name: T,
    parentColumn: string,
    parentId: string,
    order: readonly SortKey[],
    options: { columns?: Columns; references?: readonly ReferenceRead[] } = {},
  ): Promise<Rows[T][]> {
    this.require(name);
    const { references = [] } = options;
    const columns = withColumn(options.columns ?? null, parentColumn);
    const fullOrder = withTiebreaker(order);
    const key = `children:${name}:${parentColumn}:${JSON.stringify([fullOrder, columns, references])}`;
    return this.loader<Rows[T][]>(key, async (ids) => {
      const rows = await this.query<Rows[T]>(
        Prisma.sql`SELECT ${selectList(columns)} FROM ${table(name)} t
          WHERE ${whereSql(this.organizationId, [])} AND t.${Prisma.raw(`"${parentColumn}"`)} = ANY(${ids}::text[])
          ORDER BY ${orderSql(fullOrder)}`,
      );
      this.prime(name, rows, columns);
      if (references.length > 0) await this.preloadReferences(rows, references);
      return groupBy(ids, rows, parentColumn);
    }).load(parentId);
  }

  /** One page of a root list; `columns` (null: all) as `columnsFor` chose them for the query. */
  async page<T extends Table>(
    name: T,
    list: ListQuery,
    request: PageRequest,
    columns: Columns = null,
    references: readonly ReferenceRead[] = [],
  ): Promise<Page<Rows[T]>> {
    this.require(name);
    const order = withTiebreaker(list.order);
    const conditions = [whereSql(this.organizationId, list.conditions)];
    if (request.cursor) conditions.push(keysetSql(name, this.organizationId, order, request.cursor, request.backward));
    const rows = await this.query<Rows[T]>(
      Prisma.sql`SELECT ${selectList(columns)} FROM ${table(name)} t WHERE ${Prisma.join(conditions, ' AND ')}
        ORDER BY ${orderSql(order, request.backward)} LIMIT ${rowsToRead(request)}`,
    );
    this.prime(name, rows, columns);
    const page = toPage(rows, request);
    if (references.length > 0) await this.preloadReferences(page.rows, references);
    return page;
  }

  /**
   * A statement that reads several tables at once (a whole query, src/data/document-statement.ts):
   * refused, as every read here, when the caller's scopes do not reach one of them. Its builder puts
   * the organization in every subquery.
   */
  async statement<Row>(names: Iterable<Table>, sql: Prisma.Sql): Promise<Row[]> {
    for (const name of names) this.require(name);
    return this.query<Row>(sql);
  }

  async count(name: Table, list: Pick<ListQuery, 'conditions'>): Promise<number> {
    this.require(name);
    const [row] = await this.query<{ count: bigint | number }>(
      Prisma.sql`SELECT count(*) AS count FROM ${table(name)} t WHERE ${whereSql(this.organizationId, list.conditions)}`,
    );
    return Number(row?.count ?? 0);
  }

  /**
   * One page per parent, for all parents of a level in one statement: a LATERAL join runs the
   * keyset query once per parent id inside the database, each stopping at `rowsToRead` rows on the index.
   * `asker` is what asks for these pages (the query's field node): everything else is the same for each
   * of its parents in one request, so the batch is found without building its key again for every parent.
   */
  pageOf<T extends Table>(
    name: T,
    parent: { column: string; id: string },
    list: ListQuery,
    request: PageRequest,
    options: { columns?: Columns; references?: readonly ReferenceRead[]; asker?: object } = {},
  ): Promise<Page<Rows[T]>> {
    this.require(name);
    const { references = [], asker } = options;
    const parentColumn = parent.column;
    const byAsker = asker ? this.pagesByAsker.get(asker) : undefined;
    const known = byAsker?.get(`${name}:${parentColumn}`) as DataLoader<string, Page<Rows[T]>> | undefined;
    if (known) return known.load(parent.id);
    const columns = withColumn(options.columns ?? null, parentColumn);
    const order = withTiebreaker(list.order);
    const key = `pageOf:${name}:${parentColumn}:${JSON.stringify([list, request, columns, references])}`;
    const loader = this.loader<Page<Rows[T]>>(key, async (ids) => {
      const conditions = [
        whereSql(this.organizationId, list.conditions),
        Prisma.sql`t.${Prisma.raw(`"${parentColumn}"`)} = parent.id`,
      ];
      if (request.cursor) conditions.push(keysetSql(name, this.organizationId, order, request.cursor, request.backward));
      const rows = await this.query<Rows[T]>(
        Prisma.sql`SELECT page.* FROM unnest(${ids}::text[]) AS parent(id)
          CROSS JOIN LATERAL (
            SELECT ${selectList(columns)} FROM ${table(name)} t
            WHERE ${Prisma.join(conditions, ' AND ')}
            ORDER BY ${orderSql(order, request.backward)} LIMIT ${rowsToRead(request)}
          ) page`,
      );
      this.prime(name, rows, columns);
      const pages = groupBy(ids, rows, parentColumn).map((group) => toPage(group, request));
      if (references.length > 0) await this.preloadReferences(pages.flatMap((page) => page.rows), references);
      return pages;
    });
    if (asker) {
      if (!this.pagesByAsker.has(asker)) this.pagesByAsker.set(asker, new Map());
      this.pagesByAsker.get(asker)!.set(`${name}:${parentColumn}`, loader as DataLoader<string, unknown>);
    }
    return loader.load(parent.id);
  }

  countOf(name: Table, parentColumn: string, parentId: string, conditions: readonly Condition[]): Promise<number> {
    this.require(name);
    const key = `countOf:${name}:${parentColumn}:${JSON.stringify(conditions)}`;
    return this.loader<number>(key, async (ids) => {
      const rows = await this.query<{ parent: string; count: bigint | number }>(
        Prisma.sql`SELECT t.${Prisma.raw(`"${parentColumn}"`)} AS parent, count(*) AS count FROM ${table(name)} t
          WHERE ${whereSql(this.organizationId, conditions)} AND t.${Prisma.raw(`"${parentColumn}"`)} = ANY(${ids}::text[])
          GROUP BY 1`,
      );
      const counts = new Map(rows.map((row) => [row.parent, Number(row.count)]));
      return ids.map((id) => counts.get(id) ?? 0);
    }).load(parentId);
  }

  /** The rows a parent points at through a link table (a line item's diagnoses), in the links' order. */
  linked<T extends Table>(link: LinkedRows & { table: T }, parentId: string): Promise<Rows[T][]> {
    this.require(link.table);
    return this.loader<(Rows[T] & { __parent: string })[]>(`linked:${link.through}:${link.parentColumn}`, async (ids) => {
      // The parent is the link's column, not the row's: the one column read besides the row.
      const rows = await this.query<Rows[T] & { __parent: string }>(
        Prisma.sql`SELECT t.*, link.${Prisma.raw(`"${link.parentColumn}"`)} AS "__parent" FROM ${Prisma.raw(`"${link.through}"`)} link
          JOIN ${table(link.table)} t ON t."id" = link.${Prisma.raw(`"${link.targetColumn}"`)} AND t."organizationId" = link."organizationId"
          WHERE link."organizationId" = ${this.organizationId} AND link.${Prisma.raw(`"${link.parentColumn}"`)} = ANY(${ids}::text[])
          ORDER BY link.${Prisma.raw(`"${link.order}"`)}, t."id"`,
      );
      return groupBy(ids, rows, '__parent');
    }).load(parentId);
  }
}
