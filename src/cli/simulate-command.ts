import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { scheduledEvents, simulatedEvents, type SimulatedBatch } from '../demo/simulate.js';
import type { SyncCommandContext } from './sync-commands.js';

/** Batches come at most ten times a second; a slower rate gets one change per batch. */
const shortestBatchMs = 100;
const maxRate = 1_000;

const positive = (what: string, options: { whole?: boolean; max?: number } = {}) => (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (options.whole && !Number.isInteger(number))) {
    throw new InvalidArgumentError(`Give a positive ${options.whole ? 'whole number' : 'number'} of ${what}.`);
  }
  if (options.max !== undefined && number > options.max) throw new InvalidArgumentError(`At most ${options.max} ${what}.`);
  return number;
};

interface Totals {
  events: Record<string, number>;
  rows: Record<string, { insert?: number; update?: number }>;
}

function add(totals: Totals, batch: SimulatedBatch): void {
  for (const [event, count] of Object.entries(batch.events)) totals.events[event] = (totals.events[event] ?? 0) + count;
  for (const [table, counts] of Object.entries(batch.rows)) {
    const entry = (totals.rows[table] ??= {});
    for (const operation of ['insert', 'update'] as const) {
      if (counts[operation]) entry[operation] = (entry[operation] ?? 0) + counts[operation];
    }
  }
}

const eventsText = (events: Record<string, number>) =>
  simulatedEvents.filter((event) => events[event]).map((event) => `${events[event]} ${event}`).join(', ');
const rowsText = (rows: Totals['rows']) =>
  Object.entries(rows)
    .map(([table, counts]) => `${table} ${[counts.insert && `+${counts.insert}`, counts.update && `~${counts.update}`].filter(Boolean).join(' ')}`)
    .join(', ');

/** `simulate`: a clinic's EHR sync at a chosen rate (README: The simulator). */
export function addSimulateCommand(program: Command, context: SyncCommandContext): void {
  program
    .command('simulate')
    .description(
      'Write realistic changes to a clinic as an EHR sync would (new and rescheduled appointments, patient updates, bills with coding, closed inventory sessions), through normal SQL, so the change feed and webhooks see them.',
    )
    .requiredOption('--org <id>', 'the organization (org_…)')
    .addOption(new Option('--rate <n>', `changes per second, up to ${maxRate}`).argParser(positive('changes per second', { max: maxRate })).default(2))
    .addOption(new Option('--count <n>', 'stop after this many changes').argParser(positive('changes', { whole: true })).conflicts('duration'))
    .addOption(new Option('--duration <seconds>', 'stop after this long (default: run until interrupted)').argParser(positive('seconds')))
    .addOption(new Option('--seed <n>', 'repeat the same random choices').argParser((value) => {
      if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('Give a whole number below 1,000,000,000.');
      return Number(value);
    }))
    .action(async (options: { org: string; rate: number; count?: number; duration?: number; seed?: number }) => {
      const json = context.json();
      const limit = options.count ?? (options.duration !== undefined ? Math.floor(options.rate * options.duration) : Infinity);
      const intervalMs = Math.max(shortestBatchMs, 1000 / options.rate);
      const totals: Totals = { events: {}, rows: {} };
      let interrupted = false;
      const interrupt = () => void (interrupted = true);
      process.once('SIGINT', interrupt);
      const operations = await context.open();
      const started = performance.now();
      let written = 0;
      let batches = 0;
      try {
        while (written < limit && !interrupted) {
          const elapsedMs = performance.now() - started;
          // What is due by the end of this batch's interval: a batch that ran late is caught up by the next.
          const due = Math.min(limit, Math.floor((options.rate * (elapsedMs + intervalMs)) / 1000));
          const count = due - written;
          if (count > 0) {
            const batchStarted = performance.now();
            const batch = (await operations.run('simulate.batch', {
              organizationId: options.org,
              events: scheduledEvents(written, count),
              seed: options.seed === undefined ? undefined : options.seed + batches,
            })) as SimulatedBatch;
            batches++;
            written += count;
            add(totals, batch);
            const line = { type: 'batch', batch: batches, at: new Date().toISOString(), changes: count, events: batch.events, rows: batch.rows, ms: Math.round(performance.now() - batchStarted) };
            console.log(json ? JSON.stringify(line) : `#${line.batch} ${line.at}  ${eventsText(batch.events)}  (${rowsText(batch.rows)})  ${line.ms} ms`);
          }
          if (written >= limit) break;
          const nextMs = started + (Math.floor(elapsedMs / intervalMs) + 1) * intervalMs;
          await sleep(Math.max(0, nextMs - performance.now()));
        }
      } finally {
        process.removeListener('SIGINT', interrupt);
        await operations.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        type: 'summary',
        organizationId: options.org,
        changes: written,
        batches,
        seconds: Number(seconds.toFixed(2)),
        ratePerSecond: Number((written / Math.max(seconds, 1e-3)).toFixed(1)),
        events: totals.events,
        rows: totals.rows,
      };
      console.log(
        json
          ? JSON.stringify(summary)
          : `Wrote ${written} changes to ${options.org} in ${summary.seconds} s (${summary.ratePerSecond}/s, ${batches} batches): ${eventsText(totals.events) || 'none'}.\nRows: ${rowsText(totals.rows) || 'none'} (+ inserted, ~ updated). Read them with the \`changes\` field, or receive them as webhooks.`,
      );
    });
}
