import { WebhookDeliveryStatus, WebhookSubscriptionStatus } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import { builder, insufficientScope } from '../builder.js';
import type { RequestContext } from '../context.js';
import { badUserInput, clientError } from '../errors.js';
import { maxPageSize } from '../data/pagination.js';
import {
  createSubscription,
  deleteSubscription,
  findSubscription,
  listDeliveries,
  listSubscriptions,
  pauseSubscription,
  replayDeliveries,
  resumeSubscription,
  updateSubscription,
  WebhookError,
  type subscriptionColumns,
} from '../webhooks/subscriptions.js';
import { ChangeOperationEnum, ChangeTypeEnum } from './changes.js';
import { enumOf } from './connections.js';
import type { ChangeType } from '../changes/log.js';

type SubscriptionRow = Prisma.WebhookSubscriptionGetPayload<{ select: typeof subscriptionColumns }>;
type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>[number];
type AttemptRow = DeliveryRow['attempts'][number];

const SubscriptionStatusEnum = enumOf('WebhookSubscriptionStatus', WebhookSubscriptionStatus, 'Paused subscriptions receive nothing; their events are held until resumed.');
const DeliveryStatusEnum = enumOf(
  'WebhookDeliveryStatus',
  WebhookDeliveryStatus,
  'QUEUED and PENDING: on their way (PENDING is in the delivery queue); DELIVERED: your endpoint answered 2xx; FAILED: retries ran out; SKIPPED: not sent (scope withdrawn, app uninstalled); HELD: kept while the subscription is paused.',
);

const policy = () => ({ production: process.env.NODE_ENV === 'production' });

/** Webhook refusals as GraphQL errors: the message says what to change. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof WebhookError)) throw error;
    if (error.code === 'forbidden') throw insufficientScope(error.requiredScopes);
    if (error.code === 'not_found') throw clientError('NOT_FOUND', error.message);
    throw badUserInput(error.message);
  }
}

const installationOf = (context: RequestContext) => ({
  id: context.caller.installation.id,
  organizationId: context.caller.organization.id,
  appId: context.caller.app.id,
});

const WebhookAttemptRef = builder.objectRef<AttemptRow>('WebhookAttempt').implement({
  description: 'One try at delivering an event.',
  fields: (t) => ({
    attemptedAt: t.expose('attemptedAt', { type: 'DateTime' }),
    succeeded: t.exposeBoolean('succeeded'),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'Your endpoint\'s HTTP status; null when no answer came.' }),
    latencyMs: t.exposeInt('latencyMs'),
    error: t.exposeString('error', { nullable: true, description: 'What went wrong: the status, a timeout, a refused address.' }),
  }),
});

const WebhookDeliveryRef = builder.objectRef<DeliveryRow>('WebhookDelivery').implement({
  description: 'One event for one subscription, with every attempt to deliver it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The event id, sent as X-Clinicgraph-Event-Id: the same across retries and replays, so you can deduplicate.' }),
    type: t.field({ type: ChangeTypeEnum, resolve: (delivery) => delivery.type as ChangeType }),
    entityId: t.exposeID('entityId'),
    operation: t.expose('operation', { type: ChangeOperationEnum }),
    changedAt: t.expose('changedAt', { type: 'DateTime' }),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    statusReason: t.exposeString('statusReason', { nullable: true }),
    attemptCount: t.exposeInt('attemptCount'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    attempts: t.field({ type: [WebhookAttemptRef], resolve: (delivery) => delivery.attempts }),
  }),
});

const WebhookSubscriptionRef = builder.objectRef<SubscriptionRow>('WebhookSubscription').implement({
  description: "An endpoint of your app that receives this clinic's changes of the chosen types, signed with the subscription's secret.",
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    eventTypes: t.field({ type: [ChangeTypeEnum], resolve: (subscription) => subscription.eventTypes as ChangeType[] }),
    description: t.exposeString('description', { nullable: true }),
    secretPrefix: t.exposeString('secretPrefix', { description: 'The start of the signing secret, to tell secrets apart; the secret itself is shown only at creation.' }),
    status: t.expose('status', { type: SubscriptionStatusEnum }),
    pausedReason: t.exposeString('pausedReason', { nullable: true, description: 'Why it is paused, and what to do.' }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Failed attempts since the last success.' }),
    failingSince: t.expose('failingSince', { type: 'DateTime', nullable: true }),
    lastSuccessAt: t.expose('lastSuccessAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.field({
      type: [WebhookDeliveryRef],
      description: 'Its deliveries, newest first, with their attempts.',
      args: { first: t.arg.int({ defaultValue: 20 }), status: t.arg({ type: DeliveryStatusEnum }) },
      resolve: (subscription, args, context) => {
        const limit = args.first ?? 20;
        if (limit < 0 || limit > maxPageSize) throw badUserInput(`"first" must be between 0 and ${maxPageSize}; got ${limit}.`, { argument: 'first' });
        return listDeliveries(context.db.prisma, subscription.id, { status: args.status, limit });
      },
    }),
  }),
});

builder.queryFields((t) => ({
  webhookSubscriptions: t.field({
    type: [WebhookSubscriptionRef],
    description: "Your app's webhook subscriptions in this clinic.",
    resolve: (_root, _args, context) => listSubscriptions(context.db.prisma, { installationId: context.caller.installation.id }),
  }),
  webhookSubscription: t.field({
    type: WebhookSubscriptionRef,
    description: 'One of your subscriptions in this clinic.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => guarded(() => findSubscription(context.db.prisma, context.caller.installation.id, args.id)),
  }),
}));

const CreateInput = builder.inputType('CreateWebhookSubscriptionInput', {
  fields: (t) => ({
    url: t.string({ required: true, description: 'https:// (plain http only for localhost in development).' }),
    eventTypes: t.field({ type: [ChangeTypeEnum], required: true, description: 'Each needs the scope of its type.' }),
    description: t.string(),
  }),
});

const UpdateInput = builder.inputType('UpdateWebhookSubscriptionInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    url: t.string(),
    eventTypes: t.field({ type: [ChangeTypeEnum] }),
    description: t.string(),
  }),
});

const ReplayInput = builder.inputType('ReplayWebhookDeliveriesInput', {
  fields: (t) => ({
    subscriptionId: t.id({ required: true }),
    deliveryIds: t.idList({ description: 'Event ids (evt_…) to send again.' }),
    since: t.field({ type: 'DateTime', description: 'Send again every delivery created since then.' }),
  }),
});

const CreatedSubscription = builder.objectRef<{ subscription: SubscriptionRow; secret: string }>('CreateWebhookSubscriptionPayload').implement({
  fields: (t) => ({
    subscription: t.field({ type: WebhookSubscriptionRef, resolve: (payload) => payload.subscription }),
    secret: t.exposeString('secret', { description: 'The signing secret (whsec_…). Shown this once: store it now.' }),
  }),
});

const DeletedSubscription = builder.objectRef<{ deletedId: string }>('DeleteWebhookSubscriptionPayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

const ReplayedDeliveries = builder.objectRef<{ queued: number }>('ReplayWebhookDeliveriesPayload').implement({
  fields: (t) => ({ queued: t.exposeInt('queued', { description: 'How many deliveries are queued to be sent again.' }) }),
});

builder.mutationFields((t) => ({
  createWebhookSubscription: t.field({
    type: CreatedSubscription,
    description: "Subscribe an endpoint to this clinic's changes of some types (each needs its scope). The response carries the signing secret, once.",
    args: { input: t.arg({ type: CreateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      guarded(() => createSubscription({ prisma: context.db.prisma, policy: policy() }, installationOf(context), context.caller.scopes, input)),
  }),
  updateWebhookSubscription: t.field({
    type: WebhookSubscriptionRef,
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      guarded(() =>
        updateSubscription({ prisma: context.db.prisma, policy: policy() }, context.caller.installation.id, context.caller.scopes, {
          id: input.id,
          url: input.url ?? undefined,
          eventTypes: input.eventTypes ?? undefined,
          description: input.description,
        }),
      ),
  }),
  deleteWebhookSubscription: t.field({
    type: DeletedSubscription,
    description: 'Delete a subscription and its delivery history; nothing more is sent to it.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => guarded(() => deleteSubscription(context.db.prisma, context.caller.installation.id, args.id)),
  }),
  pauseWebhookSubscription: t.field({
    type: WebhookSubscriptionRef,
    description: 'Stop deliveries for now; events are held and sent when you resume.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      guarded(() => pauseSubscription(context.db.prisma, context.caller.installation.id, args.id, 'Paused by the app.')),
  }),
  resumeWebhookSubscription: t.field({
    type: WebhookSubscriptionRef,
    description: 'Deliver again, starting with the events held while it was paused.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => guarded(() => resumeSubscription(context.db.prisma, context.caller.installation.id, args.id)),
  }),
  replayWebhookDeliveries: t.field({
    type: ReplayedDeliveries,
    description: 'Send deliveries again (delivered ones too), with the same event ids.',
    args: { input: t.arg({ type: ReplayInput, required: true }) },
    resolve: (_root, { input }, context) =>
      guarded(() =>
        replayDeliveries(context.db.prisma, context.caller.installation.id, {
          subscriptionId: input.subscriptionId,
          deliveryIds: input.deliveryIds,
          since: input.since,
        }),
      ),
  }),
}));
