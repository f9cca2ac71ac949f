import { WebhookDeliveryStatus, WebhookSubscriptionStatus } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import { builder, insufficientScope } from '../builder.js';
import type { RequestContext } from '../context.js';
import { badUserInput, clientError } from '../errors.js';
import { idOfExtension } from '../http/arguments.js';
import { defaultPageSize, maxPageSize } from '../data/pagination.js';
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
import { enumOf, recordTimes } from './connections.js';
import { idShape } from './id-arguments.js';
import type { ChangeType } from '../changes/log.js';

type SubscriptionRow = Prisma.WebhookSubscriptionGetPayload<{ select: typeof subscriptionColumns }>;
type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>[number];
type AttemptRow = DeliveryRow['attempts'][number];

const SubscriptionStatusEnum = enumOf('WebhookSubscriptionStatus', WebhookSubscriptionStatus, {
  description: 'Whether a subscription is being delivered to.',
  values: {
    active: 'Events are delivered to the URL.',
    paused: 'Nothing is sent (paused by the app, an operator, or after repeated failures, see `pausedReason`); events are held and delivered on resume.',
  },
});
const DeliveryStatusEnum = enumOf('WebhookDeliveryStatus', WebhookDeliveryStatus, {
  description: 'Where the delivery of one event stands.',
  values: {
    queued: 'On its way: waiting to enter the delivery queue (after a replay or a resume).',
    pending: 'On its way: in the delivery queue, or between retries.',
    delivered: 'Your endpoint answered 2xx.',
    failed: 'Every retry failed; `attempts` says how. Replay it once the endpoint is fixed.',
    skipped: 'Not sent, and never will be: the app lost the scope of its type, or was uninstalled (`statusReason`).',
    held: 'Kept while the subscription is paused; sent when it resumes.',
  },
});

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
    id: t.exposeID('id', { description: `The attempt's id (${idShape('WebhookAttempt')}).` }),
    attemptedAt: t.expose('attemptedAt', { type: 'DateTime', description: 'When the request was sent (UTC).' }),
    succeeded: t.exposeBoolean('succeeded', { description: 'Your endpoint answered 2xx in time.' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'Your endpoint\'s HTTP status; null when no answer came.' }),
    latencyMs: t.exposeInt('latencyMs', { description: 'Milliseconds from sending the request to the answer, or to giving up.' }),
    error: t.exposeString('error', { nullable: true, description: 'What went wrong: the status, a timeout, a refused address; null when it succeeded.' }),
  }),
});

const WebhookDeliveryRef = builder.objectRef<DeliveryRow>('WebhookDelivery').implement({
  description: 'One event for one subscription, with every attempt to deliver it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The event id, sent as X-Clinicgraph-Event-Id: the same across retries and replays, so you can deduplicate.' }),
    type: t.field({ type: ChangeTypeEnum, description: 'The type of the entity that changed.', resolve: (delivery) => delivery.type as ChangeType }),
    entityId: t.exposeID('entityId', { description: 'The id of the entity that changed (read it with `node(id:)`).' }),
    operation: t.expose('operation', { type: ChangeOperationEnum, description: 'What the write did.' }),
    changedAt: t.expose('changedAt', { type: 'DateTime', description: 'When the writing transaction started (UTC).' }),
    status: t.expose('status', { type: DeliveryStatusEnum, description: 'Where the delivery stands.' }),
    statusReason: t.exposeString('statusReason', { nullable: true, description: 'Why it was skipped, failed or held; null when delivered or on its way.' }),
    attemptCount: t.exposeInt('attemptCount', { description: 'Requests sent so far (retries included); 0 before the first.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event was queued for this subscription (UTC).' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When your endpoint answered 2xx; null until then.' }),
    attempts: t.field({ type: [WebhookAttemptRef], description: 'Every request sent for this event, oldest first.', resolve: (delivery) => delivery.attempts }),
  }),
});

const WebhookSubscriptionRef = builder.objectRef<SubscriptionRow>('WebhookSubscription').implement({
  description: "An endpoint of your app that receives this clinic's changes of the chosen types, signed with the subscription's secret.",
  fields: (t) => ({
    id: t.exposeID('id', { description: `The subscription id (${idShape('WebhookSubscription')}).` }),
    url: t.exposeString('url', { description: 'Where events are POSTed.' }),
    eventTypes: t.field({
      type: [ChangeTypeEnum],
      description: 'The types of entity whose changes are sent.',
      resolve: (subscription) => subscription.eventTypes as ChangeType[],
    }),
    description: t.exposeString('description', { nullable: true, description: 'Your note on what it is for; null when none was given.' }),
    secretPrefix: t.exposeString('secretPrefix', { description: 'The start of the signing secret, to tell secrets apart; the secret itself is shown only at creation.' }),
    status: t.expose('status', { type: SubscriptionStatusEnum, description: 'Active or paused.' }),
    pausedReason: t.exposeString('pausedReason', { nullable: true, description: 'Why it is paused, and what to do; null while active.' }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', nullable: true, description: 'When it was paused; null while active.' }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Failed attempts since the last success.' }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'When the current run of failures began; null when the last attempt succeeded.',
    }),
    lastSuccessAt: t.expose('lastSuccessAt', { type: 'DateTime', nullable: true, description: 'The last 2xx answer; null if none yet.' }),
    createdAt: t.expose('createdAt', recordTimes.createdAt),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the subscription itself last changed (UTC).' }),
    deliveries: t.field({
      type: [WebhookDeliveryRef],
      description: 'Its deliveries, newest first, with their attempts.',
      args: {
        first: t.arg.int({ defaultValue: defaultPageSize, description: `How many, newest first: 0 to ${maxPageSize}, default ${defaultPageSize}.` }),
        status: t.arg({ type: DeliveryStatusEnum, description: 'Only deliveries in this status.' }),
      },
      resolve: (subscription, args, context) =>
        listDeliveries(context.db.prisma, subscription.id, { status: args.status, limit: args.first ?? defaultPageSize }),
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
    description: 'One of your subscriptions in this clinic; NOT_FOUND when it is not one of them.',
    args: { id: t.arg.id({ required: true, description: subscriptionIdDescription, extensions: { [idOfExtension]: 'WebhookSubscription' } }) },
    resolve: (_root, args, context) => guarded(() => findSubscription(context.db.prisma, context.caller.installation.id, args.id)),
  }),
}));

const subscriptionIdDescription = `The subscription id (${idShape('WebhookSubscription')}), as createWebhookSubscription returned it.`;
const urlDescription = 'Where to POST events: https:// (plain http only for localhost outside production).';
const eventTypesDescription = 'The types of entity whose changes to send; each needs the scope that guards its type.';

const CreateInput = builder.inputType('CreateWebhookSubscriptionInput', {
  description: 'A new webhook subscription.',
  fields: (t) => ({
    url: t.string({ required: true, description: urlDescription }),
    eventTypes: t.field({ type: [ChangeTypeEnum], required: true, description: eventTypesDescription }),
    description: t.string({ description: 'Your note on what it is for (optional).' }),
  }),
});

const UpdateInput = builder.inputType('UpdateWebhookSubscriptionInput', {
  description: 'Changes to a subscription: fields left out keep their value.',
  fields: (t) => ({
    id: t.id({ required: true, description: subscriptionIdDescription, extensions: { [idOfExtension]: 'WebhookSubscription' } }),
    url: t.string({ description: `${urlDescription} Left out: unchanged.` }),
    eventTypes: t.field({ type: [ChangeTypeEnum], description: `${eventTypesDescription} Replaces the list; left out: unchanged.` }),
    description: t.string({ description: 'Your note; null clears it, left out: unchanged.' }),
  }),
});

const ReplayInput = builder.inputType('ReplayWebhookDeliveriesInput', {
  description: 'Which deliveries of a subscription to send again: by event id, or every one since an instant.',
  fields: (t) => ({
    subscriptionId: t.id({ required: true, description: subscriptionIdDescription, extensions: { [idOfExtension]: 'WebhookSubscription' } }),
    deliveryIds: t.idList({ description: 'Event ids (evt_…) to send again.', extensions: { [idOfExtension]: 'WebhookDelivery' } }),
    since: t.field({ type: 'DateTime', description: 'Send again every delivery created since then.' }),
  }),
});

const CreatedSubscription = builder.objectRef<{ subscription: SubscriptionRow; secret: string }>('CreateWebhookSubscriptionPayload').implement({
  description: 'The subscription created, and its signing secret (shown only here).',
  fields: (t) => ({
    subscription: t.field({ type: WebhookSubscriptionRef, description: 'The subscription, active.', resolve: (payload) => payload.subscription }),
    secret: t.exposeString('secret', { description: 'The signing secret (whsec_…). Shown this once: store it now.' }),
  }),
});

const DeletedSubscription = builder.objectRef<{ deletedId: string }>('DeleteWebhookSubscriptionPayload').implement({
  description: 'What was deleted.',
  fields: (t) => ({ deletedId: t.exposeID('deletedId', { description: 'The id of the subscription deleted.' }) }),
});

const ReplayedDeliveries = builder.objectRef<{ queued: number }>('ReplayWebhookDeliveriesPayload').implement({
  description: 'How many deliveries a replay queued.',
  fields: (t) => ({ queued: t.exposeInt('queued', { description: 'How many deliveries are queued to be sent again.' }) }),
});

builder.mutationFields((t) => ({
  createWebhookSubscription: t.field({
    type: CreatedSubscription,
    description: "Subscribe an endpoint to this clinic's changes of some types (each needs its scope). The response carries the signing secret, once.",
    args: { input: t.arg({ type: CreateInput, required: true, description: 'The URL and event types.' }) },
    resolve: (_root, { input }, context) =>
      guarded(() => createSubscription({ prisma: context.db.prisma, policy: policy() }, installationOf(context), context.caller.scopes, input)),
  }),
  updateWebhookSubscription: t.field({
    type: WebhookSubscriptionRef,
    description: 'Change the URL, event types or note of a subscription; its secret and deliveries stay.',
    args: { input: t.arg({ type: UpdateInput, required: true, description: 'The subscription and the fields to change.' }) },
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
    args: { id: t.arg.id({ required: true, description: subscriptionIdDescription, extensions: { [idOfExtension]: 'WebhookSubscription' } }) },
    resolve: (_root, args, context) => guarded(() => deleteSubscription(context.db.prisma, context.caller.installation.id, args.id)),
  }),
  pauseWebhookSubscription: t.field({
    type: WebhookSubscriptionRef,
    description: 'Stop deliveries for now; events are held and sent when you resume.',
    args: { id: t.arg.id({ required: true, description: subscriptionIdDescription, extensions: { [idOfExtension]: 'WebhookSubscription' } }) },
    resolve: (_root, args, context) =>
      guarded(() => pauseSubscription(context.db.prisma, context.caller.installation.id, args.id, 'Paused by the app.')),
  }),
  resumeWebhookSubscription: t.field({
    type: WebhookSubscriptionRef,
    description: 'Deliver again, starting with the events held while it was paused.',
    args: { id: t.arg.id({ required: true, description: subscriptionIdDescription, extensions: { [idOfExtension]: 'WebhookSubscription' } }) },
    resolve: (_root, args, context) => guarded(() => resumeSubscription(context.db.prisma, context.caller.installation.id, args.id)),
  }),
  replayWebhookDeliveries: t.field({
    type: ReplayedDeliveries,
    description: 'Send deliveries again (delivered ones too), with the same event ids.',
    args: { input: t.arg({ type: ReplayInput, required: true, description: 'The subscription and which deliveries.' }) },
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
