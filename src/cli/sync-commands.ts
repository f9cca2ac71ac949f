import type { Command } from 'commander';
import type { OperationInput, OperationName } from '../marketplace/operations.js';
import type { OperationRunner } from './main.js';
import { addSimulateCommand } from './simulate-command.js';

export interface SyncCommandContext {
  execute<Name extends OperationName>(name: Name, input: OperationInput<Name>): Promise<unknown>;
  /** The database held open across operations (simulate's batches). */
  open(): Promise<OperationRunner>;
  json(): boolean;
}

const print = (context: SyncCommandContext, result: unknown, text: (result: never) => string) =>
  console.log(context.json() ? JSON.stringify(result, null, 2) : text(result as never));

/** The change log, webhook and simulator commands (README: Staying in sync). */
export function addSyncCommands(program: Command, context: SyncCommandContext): void {
  const changes = program.command('changes').description('The change log that feeds `changes` and webhooks.');
  changes
    .command('purge')
    .description('Delete change-log entries and finished webhook deliveries older than the retention.')
    .option('--older-than <duration>', 'e.g. 30d, 12h (default: CHANGE_RETENTION_DAYS, 30 days)')
    .action(async (options: { olderThan?: string }) => {
      const result = await context.execute('changes.purge', { olderThan: options.olderThan });
      print(context, result, (r: { changes: number; deliveries: number; before: Date | string }) =>
        `Deleted ${r.changes} change-log entries and ${r.deliveries} finished webhook deliveries from before ${new Date(r.before).toISOString()}.`,
      );
    });

  const json = (result: unknown) => JSON.stringify(result, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
  // Commander passes each action its arguments and options; `toInput` names them.
  const show = <Args extends unknown[]>(name: Parameters<SyncCommandContext['execute']>[0], toInput: (...args: Args) => unknown) =>
    async (...args: Args) => console.log(json(await context.execute(name, toInput(...args) as never)));
  const webhooks = program.command('webhooks').description("Apps' webhook subscriptions (README: Webhooks).");
  webhooks.command('list').description('Subscriptions, with status and pause reason.').option('--org <id>', 'only this organization (org_…)')
    .action(show('webhooks.list', (options: { org?: string }) => ({ organizationId: options.org })));
  webhooks.command('create').description("Subscribe an endpoint for an app's installation; prints the signing secret once.")
    .requiredOption('--app <slug>', 'the app').requiredOption('--org <id>', 'the organization (org_…)')
    .requiredOption('--url <url>', 'https:// endpoint').requiredOption('--types <types>', 'comma-separated, e.g. APPOINTMENT,PATIENT', (value) => value.split(','))
    .action(show('webhooks.create', (options: { app: string; org: string; url: string; types: string[] }) => ({ slug: options.app, organizationId: options.org, url: options.url, types: options.types })));
  for (const verb of ['delete', 'pause', 'resume'] as const) {
    webhooks.command(verb).description(`${verb[0]!.toUpperCase()}${verb.slice(1)} a subscription.`).argument('<id>', 'whk_…')
      .action(show(`webhooks.${verb}`, (id: string) => ({ id })));
  }
  webhooks.command('deliveries').description('Recent deliveries of a subscription with every attempt (status, latency, error).').argument('<id>', 'whk_…')
    .option('--limit <n>', 'at most (default 20, max 100)', Number).action(show('webhooks.deliveries', (id: string, options: { limit?: number }) => ({ id, limit: options.limit })));
  webhooks.command('replay').description('Send deliveries again, with the same event ids.').argument('<id>', 'whk_…')
    .option('--delivery <ids>', 'comma-separated event ids (evt_…)', (value) => value.split(',')).option('--since <when>', 'an instant or an age (24h, 7d)')
    .action(show('webhooks.replay', (id: string, options: { delivery?: string[]; since?: string }) => ({ id, deliveryIds: options.delivery, since: options.since })));

  addSimulateCommand(program, context);
}
