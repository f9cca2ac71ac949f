import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { openDatabase, parseDatabaseUrl } from '../db/database.js';
import { DataDirectoryBusyError, isDataDirectoryLocked, lockDataDirectory } from '../db/lock.js';
import { MarketplaceError } from '../marketplace/service.js';
import { runOperation, type OperationInput, type OperationName } from '../marketplace/operations.js';
import { assignableScopes } from '../scopes.js';
import { callAdminSocket } from './admin-socket.js';
import { printResult } from './print.js';
import { projectRoot } from '../project-root.js';
import { addSyncCommands } from './sync-commands.js';

/** Operations against one database, for as long as a command needs it (simulate runs many). */
export interface OperationRunner {
  run<Name extends OperationName>(name: Name, input: OperationInput<Name>): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Opens DATABASE_URL for operations. On the embedded default, while a server holds the data
 * directory, operations go through that server instead of opening the files a second time.
 */
async function openOperations(): Promise<OperationRunner> {
  const target = parseDatabaseUrl();
  const dataDir = target.kind === 'pglite' ? target.dataDir : null;
  const throughServer = (dir: string): OperationRunner => ({ run: (name, input) => callAdminSocket(dir, name, input), close: async () => undefined });
  if (dataDir && (await isDataDirectoryLocked(dataDir))) return throughServer(dataDir);
  let release: (() => Promise<void>) | null = null;
  if (dataDir) {
    try {
      release = await lockDataDirectory(dataDir);
    } catch (error) {
      if (error instanceof DataDirectoryBusyError) return throughServer(dataDir);
      throw error;
    }
  }
  const db = await openDatabase(target, { poolSize: 1 });
  try {
    await db.migrate();
  } catch (error) {
    await db.close();
    await release?.();
    throw error;
  }
  return {
    run: (name, input) => runOperation(db.prisma, name, input),
    close: async () => {
      await db.close();
      await release?.();
    },
  };
}

async function execute<Name extends OperationName>(name: Name, input: OperationInput<Name>): Promise<unknown> {
  const operations = await openOperations();
  try {
    return await operations.run(name, input);
  } finally {
    await operations.close();
  }
}

function requiredOrganization(org: string | undefined): string {
  if (!org) throw new MarketplaceError("audit needs --org <id>: the clinic whose trail to list (see: orgs list). `audit purge` needs none.");
  return org;
}

const scopeList = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
const scopesHelp = `comma-separated, from: ${assignableScopes.join(', ')}`;

const { version } = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };

/** Under --json, errors (usage errors too) are one JSON object on stderr. Known before parsing, which may fail. */
const wantsJson = (argv: readonly string[]) => argv.slice(2).includes('--json');

/** Commander's own check, with its "Did you mean" suggestion; typed as private in its declarations. */
type WithUnknownOption = { unknownOption(flag: string): never };

export function buildProgram(): Command {
  const program = new Command('clinicgraph')
    .description('Manage clinicgraph organizations, apps, installations and API keys; answer a clinic’s audit questions.')
    .version(version, '-V, --version', 'print the version')
    .option('--json', 'print machine-readable JSON')
    // Before any subcommand exists, so they inherit them: main() decides the exit code and prints errors, not commander.
    .exitOverride()
    // main() prints usage errors itself, as text or JSON, once it knows the one to name.
    .configureOutput({ outputError: () => undefined });

  const run =
    <Name extends OperationName, Args extends unknown[]>(name: Name, toInput: (...args: Args) => OperationInput<Name>) =>
    async (...args: Args) => {
      const result = await execute(name, toInput(...args));
      printResult(name, result, Boolean(program.opts().json));
    };

  const orgs = program.command('orgs').description('Organizations (clinics).');
  orgs
    .command('create')
    .description('Create an organization.')
    .requiredOption('--name <name>', 'the clinic name')
    .action(run('orgs.create', (options: { name: string }) => ({ name: options.name })));
  orgs.command('list').description('List organizations.').action(run('orgs.list', () => undefined as never));

  const apps = program.command('apps').description('Apps, their declared scopes and installations.');
  apps
    .command('create')
    .description('Create an app that declares the scopes it needs.')
    .requiredOption('--slug <slug>', 'unique, lowercase letters, digits and hyphens')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--scopes <scopes>', scopesHelp, scopeList)
    .option('--optional <scopes>', 'declared scopes the consent page leaves unchecked unless the admin opts in', scopeList)
    .option('--redirect-uris <uris>', 'comma-separated OAuth redirect URIs (matched exactly); prints a client secret once', scopeList)
    .action(
      run('apps.create', (options: { slug: string; name: string; scopes: string[]; optional?: string[]; redirectUris?: string[] }) => ({
        slug: options.slug,
        name: options.name,
        scopes: options.scopes,
        optionalScopes: options.optional,
        redirectUris: options.redirectUris,
      })),
    );
  apps.command('list').description('List apps with their installations.').action(run('apps.list', () => undefined as never));
  apps
    .command('update')
    .description('Declare a new scope set (a new live version of the app).')
    .requiredOption('--app <slug>', 'the app')
    .requiredOption('--scopes <scopes>', scopesHelp, scopeList)
    .action(run('apps.update', (options: { app: string; scopes: string[] }) => ({ slug: options.app, scopes: options.scopes })));
  apps
    .command('oauth')
    .description('Register the app for the install flow: redirect URIs, optional scopes, and a client secret (printed once).')
    .requiredOption('--app <slug>', 'the app')
    .option('--redirect-uris <uris>', 'comma-separated redirect URIs, each matched exactly (https, or http on 127.0.0.1/localhost)', scopeList)
    .option('--optional <scopes>', 'declared scopes left unchecked on the consent page unless the admin opts in', scopeList)
    .option('--new-secret', 'replace the client secret (the old one stops working at once)')
    .action(
      run('apps.oauth', (options: { app: string; redirectUris?: string[]; optional?: string[]; newSecret?: boolean }) => ({
        slug: options.app,
        redirectUris: options.redirectUris,
        optionalScopes: options.optional,
        newSecret: options.newSecret,
      })),
    );
  apps
    .command('install')
    .description('Install an app in a clinic, approving all or part of its declared scopes.')
    .requiredOption('--app <slug>', 'the app')
    .requiredOption('--org <id>', 'the organization (org_…)')
    .option('--grant <scopes>', `approved scopes (default: all declared); ${scopesHelp}`, scopeList)
    .action(
      run('apps.install', (options: { app: string; org: string; grant?: string[] }) => ({
        slug: options.app,
        organizationId: options.org,
        grant: options.grant,
      })),
    );
  apps
    .command('uninstall')
    .description('Uninstall an app from a clinic: access ends at once; history is kept.')
    .requiredOption('--app <slug>', 'the app')
    .requiredOption('--org <id>', 'the organization (org_…)')
    .action(run('apps.uninstall', (options: { app: string; org: string }) => ({ slug: options.app, organizationId: options.org })));

  const installations = program.command('installations').description("A clinic's approval of an app.");
  installations
    .command('update')
    .description('Change the scopes a clinic grants an app; applies to the next request.')
    .requiredOption('--app <slug>', 'the app')
    .requiredOption('--org <id>', 'the organization (org_…)')
    .requiredOption('--grant <scopes>', scopesHelp, scopeList)
    .action(
      run('installations.update', (options: { app: string; org: string; grant: string[] }) => ({
        slug: options.app,
        organizationId: options.org,
        grant: options.grant,
      })),
    );

  const keys = program.command('keys').description("An app's API keys.");
  keys
    .command('create')
    .description('Create an API key; its secret is printed once and never again.')
    .requiredOption('--app <slug>', 'the app')
    .option('--scopes <scopes>', `the key's scopes (default: all the app declares); ${scopesHelp}`, scopeList)
    .option('--expires-in <duration>', 'e.g. 30d, 12h, 8w (default: no expiry)')
    .option('--test', 'a test key (cgk_test_…) instead of a live one (cgk_live_…)')
    .option('--name <name>', 'a label to tell keys apart')
    .action(
      run('keys.create', (options: { app: string; scopes?: string[]; expiresIn?: string; test?: boolean; name?: string }) => ({
        slug: options.app,
        scopes: options.scopes,
        expiresIn: options.expiresIn,
        test: options.test,
        name: options.name,
      })),
    );
  keys
    .command('list')
    .description("List an app's keys (never their secrets).")
    .requiredOption('--app <slug>', 'the app')
    .action(run('keys.list', (options: { app: string }) => ({ slug: options.app })));
  keys
    .command('revoke')
    .description('Revoke a key; the next request with it is refused.')
    .argument('<id>', 'the key id (key_…)')
    .action(run('keys.revoke', (id: string) => ({ id })));
  keys
    .command('rotate')
    .description('Create a replacement key; the old one is revoked now or after a grace period.')
    .argument('<id>', 'the key id (key_…)')
    .addOption(new Option('--grace <duration>', 'keep the old key working this long, e.g. 1h, 7d'))
    .action(run('keys.rotate', (id: string, options: { grace?: string }) => ({ id, grace: options.grace })));

  const audit = program
    .command('audit')
    .description("Which apps read patients' data in a clinic, when, and which fields: newest first.")
    // Not a required option: commander would demand it of `audit purge` too, which spans every clinic.
    .option('--org <id>', 'the organization (org_…); required')
    .option('--app <slug>', 'only this app')
    .option('--patient <id>', "only requests that returned this patient's data (pat_…)")
    .option('--since <when>', 'a date (2026-01-31), an instant, or an age (7d, 12h)')
    .option('--before <when>', 'only records before this date, instant or age')
    .option('--limit <n>', 'at most this many records (default 100)', (value) => Number(value))
    .action(
      run('audit.list', (options: { org?: string; app?: string; patient?: string; since?: string; before?: string; limit?: number }) => ({
        organizationId: requiredOrganization(options.org),
        app: options.app,
        patient: options.patient,
        since: options.since,
        before: options.before,
        limit: options.limit,
      })),
    );
  audit
    .command('purge')
    .description('Delete the access records older than the retention (all clinics), oldest first, in batches.')
    .option('--retention <age>', 'keep this long: 6y, 10y or 2200d (default: PHI_AUDIT_RETENTION, else 6y, the HIPAA minimum)')
    .option('--dry-run', 'count the records that would be deleted, delete nothing')
    .option('--below-hipaa-minimum', 'allow a retention shorter than six years')
    .option('--batch <n>', 'rows per delete statement (default 10000)', (value) => Number(value))
    .action(
      run('audit.purge', (options: { retention?: string; dryRun?: boolean; belowHipaaMinimum?: boolean; batch?: number }) => ({
        retention: options.retention,
        dryRun: options.dryRun,
        belowMinimum: options.belowHipaaMinimum,
        batchSize: options.batch,
      })),
    );

  const admins = program.command('admins').description('Clinic admins: people who approve installs and use the console.');
  admins
    .command('create')
    .description('Create a clinic admin and print a one-time link to set the password (no mail is sent).')
    .requiredOption('--org <id>', 'the organization (org_…)')
    .requiredOption('--email <email>', 'the person’s email, used to sign in')
    .requiredOption('--name <name>', 'the person’s name')
    .action(
      run('admins.create', (options: { org: string; email: string; name: string }) => ({
        organizationId: options.org,
        email: options.email,
        name: options.name,
      })),
    );
  admins
    .command('list')
    .description("List a clinic's admins.")
    .requiredOption('--org <id>', 'the organization (org_…)')
    .action(run('admins.list', (options: { org: string }) => ({ organizationId: options.org })));
  admins
    .command('reset-password')
    .description('Print a new one-time set-password link; earlier links stop working.')
    .requiredOption('--email <email>', 'the admin')
    .action(run('admins.reset-password', (options: { email: string }) => ({ email: options.email })));
  admins
    .command('disable')
    .description('Disable an admin: sessions end at once and sign-in is refused.')
    .requiredOption('--email <email>', 'the admin')
    .action(run('admins.disable', (options: { email: string }) => ({ email: options.email })));

  const report = program.command('report').description('Reports for a clinic.');
  report
    .command('scopes')
    .description('Per installed app: granted scopes used in the last N days, and those never used in them.')
    .requiredOption('--org <id>', 'the organization (org_…)')
    .option('--days <n>', 'the window, in days up to today (default 30)', (value) => Number(value))
    .action(run('report.scopes', (options: { org: string; days?: number }) => ({ organizationId: options.org, days: options.days })));

  addSyncCommands(program, { execute, open: openOperations, json: () => Boolean(program.opts().json) });
  return program;
}

/** The command `argv` reaches (`orgs create` in `orgs create --name X`), and the arguments after its name. */
function commandOf(program: Command, args: readonly string[]): { command: Command; rest: string[] } {
  let command = program;
  let rest = [...args];
  for (;;) {
    const index = rest.findIndex((arg) => !arg.startsWith('-'));
    const next = index < 0 ? undefined : command.commands.find((sub) => sub.name() === rest[index] || sub.aliases().includes(rest[index]!));
    if (!next) return { command, rest };
    command = next;
    rest = rest.slice(index + 1);
  }
}

/**
 * Commander reports a missing required option before an unknown one, so `orgs create --nmae X` would
 * say that --name is missing and never name --nmae: the unknown option, when there is one, is the error.
 */
function usageError(program: Command, argv: readonly string[], error: CommanderError): CommanderError {
  if (error.code !== 'commander.missingMandatoryOptionValue') return error;
  const { command, rest } = commandOf(program, argv.slice(2));
  const unknown = command.parseOptions(rest).unknown.find((arg) => arg.startsWith('-') && arg !== '--json');
  if (!unknown) return error;
  try {
    (command as unknown as WithUnknownOption).unknownOption(unknown);
  } catch (unknownError) {
    if (unknownError instanceof CommanderError) return unknownError;
    throw unknownError;
  }
  return error;
}

export async function main(argv = process.argv): Promise<number> {
  const json = wantsJson(argv);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      const usage = usageError(program, argv, error);
      const message = usage.message.replace(/^error: /, '');
      if (json) console.error(JSON.stringify({ error: message.replace(/\n/g, ' '), code: usage.code.replace(/^commander\./, 'usage.') }));
      else console.error(`error: ${message}\n(add --help for usage)`);
      return 2;
    }
    const message = error instanceof MarketplaceError || error instanceof DataDirectoryBusyError
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
    if (json) console.error(JSON.stringify({ error: message }));
    else console.error(`error: ${message}`);
    return 1;
  }
}
