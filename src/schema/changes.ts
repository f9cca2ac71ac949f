import { builder, insufficientScope } from '../builder.js';
import type { RequestContext } from '../context.js';
import {
  changeTypes,
  countChanges,
  decodeChangeCursor,
  encodeChangeCursor,
  latestChangePoint,
  purgedBefore,
  readChanges,
  readableChangeTypes,
  scopeOfChangeType,
  startOfLog,
  type Change,
  type ChangeType,
} from '../changes/log.js';
import { defaultPageSize } from '../data/pagination.js';
import { badUserInput, clientError } from '../errors.js';
import { enumOf, nodeByIdField } from './connections.js';
import { ChangeOperation } from '../generated/prisma/enums.js';

const screaming = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

export const ChangeTypeEnum = builder.enumType('ChangeType', {
  description: 'A type of entity the change feed and webhooks report (the GraphQL type of the same name). Each needs the scope that guards its type.',
  values: Object.fromEntries(
    changeTypes.map((type) => [
      screaming(type),
      { value: type, description: `Changes to ${type} entities; reading or subscribing to them needs the scope that guards ${type}.` },
    ]),
  ) as Record<string, { value: ChangeType; description: string }>,
});

export const ChangeOperationEnum = enumOf('ChangeOperation', ChangeOperation, {
  description: 'What a write did to an entity.',
  values: {
    insert: 'The entity was created.',
    update: 'Some of its fields changed (read the entity for their values now).',
    delete: 'The entity was removed; `entity` is null (a tombstone).',
  },
});

const ChangeRef = builder.objectRef<Change>('Change').implement({
  description: 'One insert, update or delete of an entity, as the clinic\'s data recorded it.',
  fields: (t) => ({
    position: t.exposeString('position', { description: 'The change log position (increasing; digits, may exceed 2^53).' }),
    cursor: t.string({ description: 'Pass as `after` to continue after this change.', resolve: (change) => encodeChangeCursor(change) }),
    type: t.expose('type', { type: ChangeTypeEnum, description: 'The type of the entity that changed.' }),
    entityId: t.exposeID('entityId', { description: 'The id of the entity that changed.' }),
    operation: t.expose('operation', { type: ChangeOperationEnum, description: 'What the write did: insert, update or delete.' }),
    changedAt: t.expose('changedAt', { type: 'DateTime', description: 'When the writing transaction started.' }),
    entity: t.field(
      nodeByIdField<Change>(
        'The entity as it is now; null after a delete (a tombstone) or when it no longer exists. Null with FORBIDDEN when the key lacks its scope.',
        (change) => (change.operation === 'delete' ? null : change.entityId),
      ),
    ),
  }),
});

const ChangeConnection = builder.connectionObject({ type: ChangeRef, name: 'ChangeConnection' }, { name: 'ChangeEdge' });

/** The types a request may read changes of: those asked for (all readable by default); asking for an unreadable one is refused. */
function requestedTypes(context: RequestContext, asked: readonly ChangeType[] | null | undefined): ChangeType[] {
  const readable = readableChangeTypes(context.caller.scopes);
  if (!asked) return readable;
  const missing = [...new Set(asked.filter((type) => !readable.includes(type)).map(scopeOfChangeType))];
  if (missing.length > 0) throw insufficientScope(missing);
  return [...new Set(asked)];
}

async function startingPoint(context: RequestContext, after: string | null | undefined) {
  if (!after) return startOfLog;
  const point = decodeChangeCursor(after);
  const purged = await purgedBefore(context.db.prisma);
  if (point.changedAt < purged) {
    throw clientError(
      'BAD_USER_INPUT',
      `This cursor is older than the change log's retention (entries before ${purged.toISOString()} were deleted), so changes after it may be missing. Read your lists again (updatedAfter), then continue from changesCursor.`,
      { details: { argument: 'after' } },
    );
  }
  return point;
}

builder.queryFields((t) => ({
  changes: t.connection(
    {
      description:
        'Changes in this clinic, oldest first, of the types your scopes can read. Pass the last endCursor as `after` to continue; an empty page means nothing new yet (keep your cursor). Deletions appear with a null entity.',
      args: { types: t.arg({ type: [ChangeTypeEnum], description: 'Only these types (default: every type your scopes can read).' }) },
      type: ChangeRef,
      resolve: async (_root, args, context) => {
        if (args.last != null || args.before != null) throw badUserInput('The change feed reads forward only: use "first" and "after", not "last" or "before".', { argument: args.last != null ? 'last' : 'before' });
        const limit = args.first ?? defaultPageSize;
        const types = requestedTypes(context, args.types);
        const after = await startingPoint(context, args.after);
        const query = { organizationId: context.caller.organization.id, types, after };
        const rows = await readChanges(context.db.prisma, { ...query, limit: limit + 1 });
        const page = rows.slice(0, limit);
        const edges = page.map((node) => ({ node, cursor: encodeChangeCursor(node) }));
        return {
          edges,
          pageInfo: {
            hasNextPage: rows.length > limit,
            hasPreviousPage: Boolean(args.after),
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges[edges.length - 1]?.cursor ?? null,
          },
          totalCount: () => countChanges(context.db.prisma, query),
        };
      },
    },
    ChangeConnection,
  ),
  changesCursor: t.string({
    description: 'A cursor at the newest change in this clinic: read your lists once, then follow `changes(after:)` from here.',
    resolve: async (_root, _args, context) => encodeChangeCursor(await latestChangePoint(context.db.prisma, context.caller.organization.id)),
  }),
}));
