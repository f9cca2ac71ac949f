/**
 * Adds one generated clinic to the database DATABASE_URL names:
 *   npm run generate -- --patients 10000 [--clinic-name "Harbor Dermatology"] [--seed 7]
 *   npm run generate -- --scale 0.5          (0.5 × 10,000 patients)
 */
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { describeTarget, openDatabase, parseDatabaseUrl, type Database } from '../src/db/database.js';
import { lockDataDirectory } from '../src/db/lock.js';
import { defaultSeed, generateClinics, generatedTables } from '../src/demo/generate.js';

const patientsPerScaleUnit = 10_000;

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return parsed;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a number above 0');
  return parsed;
}

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

/** A plausible clinic name picked by the seed, so repeated runs with new seeds read differently. */
function clinicNameFor(seed: number): string {
  const places = ['Harbor', 'Summit', 'Cedar Ridge', 'Northgate', 'Willow Creek', 'Bayview', 'Pinecrest', 'Meadowbrook', 'Oak Hill', 'Silver Lake', 'Brookside'];
  const kinds = ['Dermatology', 'Family Medicine', 'Skin & Laser Center', 'Primary Care', 'Internal Medicine'];
  const index = Math.abs(seed);
  return `${places[index % places.length]} ${kinds[Math.floor(index / places.length) % kinds.length]}`;
}

interface CliOptions {
  patients?: number;
  scale?: number;
  clinicName?: string;
  seed?: number;
}

const program = new Command('generate')
  .description('Generate one additional fake clinic (deterministic for a given seed and name) into DATABASE_URL')
  .option('--patients <count>', 'patients in the clinic (default 10,000; about 10 appointments each)', positiveInteger)
  .option('--scale <factor>', 'alternative to --patients: factor × 10,000 patients', positiveNumber)
  .option('--clinic-name <name>', 'organization name (default: picked from the seed)')
  .option('--seed <n>', `random seed (default: ${defaultSeed} + the number of organizations already present)`, integer)
  .showHelpAfterError();

program.parse();
const options = program.opts<CliOptions>();
if (options.patients !== undefined && options.scale !== undefined) program.error('Give either --patients or --scale, not both.');
const patients = options.patients ?? Math.max(1, Math.round((options.scale ?? 1) * patientsPerScaleUnit));

const target = parseDatabaseUrl();
let db: Database | undefined;
let releaseLock: (() => Promise<void>) | undefined;
const bar = new cliProgress.SingleBar(
  { format: '{bar} {percentage}% | {duration_formatted} elapsed, ETA {eta_formatted} | {label}', hideCursor: true, etaBuffer: 20 },
  cliProgress.Presets.shades_classic,
);
let exitCode = 0;
try {
  // Two processes writing one PGlite directory corrupt it; the running server holds the same lock.
  if (target.kind === 'pglite' && target.dataDir) releaseLock = await lockDataDirectory(target.dataDir);
  // Bulk inserts of a few thousand rows can outlast the API's short statement timeout on a busy machine.
  db = await openDatabase(target, { statementTimeoutMs: 120_000 });
  await db.migrate();
  const seed = options.seed ?? defaultSeed + (await db.prisma.organization.count());
  const name = options.clinicName ?? clinicNameFor(seed);
  console.log(`Generating "${name}" with ${patients.toLocaleString('en-US')} patients (seed ${seed}) into ${describeTarget(target)}`);

  const started = performance.now();
  let barStarted = false;
  const [clinic] = await generateClinics(db.prisma, {
    seed,
    clinics: [{ name, patients }],
    onProgress: (done, total, label) => {
      if (!barStarted) {
        bar.start(total, 0, { label });
        barStarted = true;
      }
      bar.update(done, { label });
    },
  });
  bar.stop();
  const elapsedSeconds = (performance.now() - started) / 1000;
  if (!clinic) throw new Error('No clinic was generated.');

  const width = Math.max(...generatedTables.map((table) => table.length));
  const total = generatedTables.reduce((sum, table) => sum + clinic.rowCounts[table], 0);
  console.log(`\nOrganization ${clinic.id}  "${clinic.name}"\n`);
  for (const table of generatedTables) console.log(`  ${table.padEnd(width)}  ${clinic.rowCounts[table].toLocaleString('en-US').padStart(10)}`);
  console.log(`  ${'total'.padEnd(width)}  ${total.toLocaleString('en-US').padStart(10)}`);
  console.log(`\n${elapsedSeconds.toFixed(1)} s, ${Math.round(total / elapsedSeconds).toLocaleString('en-US')} rows/s`);
} catch (error) {
  bar.stop();
  console.error(`\ngenerate failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await db?.close();
  await releaseLock?.();
}
// A pg pool (or PGlite worker) would otherwise keep the process alive for a while.
process.exit(exitCode);
