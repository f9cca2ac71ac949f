import type { Command } from 'commander';
import type { OperationInput, OperationName } from '../marketplace/operations.js';

export interface SyncCommandContext {
  execute<Name extends OperationName>(name: Name, input: OperationInput<Name>): Promise<unknown>;
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
}
