import { Command } from 'commander';
import { describeTarget, openDatabase, parseDatabaseUrl } from '../src/db/database.js';
import { lockDataDirectory } from '../src/db/lock.js';
import { pendingSchemaChangeSql } from '../src/db/migrate.js';

const program = new Command('db:migrate')
  .description('Apply pending migrations to DATABASE_URL, or (--check) verify schema.prisma and prisma/migrations agree')
  .option('--check', 'fail when schema.prisma has changes no migration carries')
  .action(async (options: { check?: boolean }) => {
    if (options.check) {
      const sql = await pendingSchemaChangeSql();
      if (sql) {
        console.error(`prisma/schema.prisma has changes no migration carries. Run: npm run db:migration -- <name>\n\n${sql}`);
        process.exit(1);
      }
      console.log('schema.prisma and prisma/migrations agree.');
      return;
    }
    const target = parseDatabaseUrl();
    const release = target.kind === 'pglite' && target.dataDir ? await lockDataDirectory(target.dataDir) : null;
    const db = await openDatabase(target, { poolSize: 1 });
    try {
      const applied = await db.migrate();
      console.log(`${describeTarget(target)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
    } finally {
      await db.close();
      await release?.();
    }
  });

await program.parseAsync();
process.exit(0);
