// npm run db:migrate           apply pending migrations (the same step start-up runs)
// npm run db:status            list pending or problem migrations
// npm run db:migration:create -- <name>
//                              write prisma/migrations/<timestamp>_<name>/migration.sql from the
//                              difference between schema.prisma and the migration history
// The Prisma CLI's `migrate` needs a native engine that cannot be downloaded here; this drives the
// same engine compiled to wasm. `create` diffs against an in-memory PGlite shadow database.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { DataDirLockedError } from '../src/db/lock.ts';
import { migrationsDir, openMigrationEngine } from '../src/db/migrate.ts';
import { ROUTINES } from '../src/ingest/routines.ts';

const [command = 'deploy', name] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command === 'create') {
    if (!name || !/^[a-z0-9_]+$/.test(name)) {
      console.error('usage: npm run db:migration:create -- <name in snake_case>');
      return 2;
    }
    const shadow = await PGlite.create();
    const engine = await openMigrationEngine(new PrismaPGlite(shadow));
    try {
      const sql = await engine.diffSchemaAgainstMigrations();
      if (!sql) {
        console.log('schema.prisma and prisma/migrations agree: no migration written');
        return 0;
      }
      const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
      const dir = path.join(migrationsDir, `${stamp}_${name}`);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'migration.sql'), sql);
      console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
      return 0;
    } finally {
      engine.close();
      await shadow.close();
    }
  }

  const config = loadConfig();
  if (command === 'status') {
    const target = config.database;
    // a status check never creates a database: opening a missing embedded folder would initdb one
    if (target.kind === 'embedded' && !existsSync(path.join(target.dir, 'pgdata', 'PG_VERSION'))) {
      console.error(`no database in DATA_DIR ${target.dir} yet: npm start or npm run db:migrate creates it`);
      return 1;
    }
    const adapter =
      target.kind === 'postgres'
        ? new PrismaPg({ connectionString: target.url, max: 2 })
        : await (async () => {
            const db = await openDatabase(target);
            return { adapter: new PrismaPGlite(db.pglite!), db };
          })();
    const factory = 'db' in adapter ? adapter.adapter : adapter;
    const engine = await openMigrationEngine(factory);
    try {
      const { pending, problems } = await engine.status();
      console.log(pending.length ? `pending: ${pending.join(', ')}` : 'no pending migrations');
      for (const problem of problems) console.log(problem);
      return problems.length ? 1 : 0;
    } finally {
      engine.close();
      if ('db' in adapter) await adapter.db.close();
    }
  }

  if (command === 'deploy') {
    const db = await openDatabase(config.database);
    try {
      const applied = await db.migrate(ROUTINES);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
      return 0;
    } finally {
      await db.close();
    }
  }
  console.error(`unknown command ${command}: use deploy, status or create`);
  return 2;
}

main().then(
  (code) => process.exit(code), // the wasm engine leaves a timer alive: exit explicitly
  (error) => {
    // expected conditions in one line (the running server holds the folder); anything else in full
    console.error(error instanceof ConfigError || error instanceof DataDirLockedError ? error.message : error);
    process.exit(1);
  },
);
