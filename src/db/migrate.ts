// Applies and checks the migrations in prisma/migrations with Prisma's schema engine compiled to wasm,
// driven through the same driver adapter the app uses. The native engine cannot be downloaded on
// these machines, and this way PGlite and PostgreSQL share one code path.
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine as WasmSchemaEngine } from '@prisma/schema-engine-wasm';
import { projectRoot } from '../lib/project-root.ts';

export const prismaSchemaPath = path.join(projectRoot, 'prisma', 'schema.prisma');
export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');
const filters = { externalTables: [], externalEnums: [] };

type EngineModule = typeof import('@prisma/schema-engine-wasm');
let engineModule: Promise<EngineModule> | undefined;

/** Node 20 cannot import a .wasm module directly: instantiate the bindings by hand, once. */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const wasmPath = createRequire(import.meta.url)
      .resolve('@prisma/schema-engine-wasm/schema_engine_bg')
      .replace(/schema_engine_bg\.js$/, 'schema_engine_bg.wasm');
    const globals = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    globals.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        throw new Error(`Prisma schema engine panicked: ${message}`);
      },
    };
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return engineModule;
}

/** The migration history as the engine wants it (what `prisma migrate` reads from disk). */
export async function readMigrations(dir = migrationsDir): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(dir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

export interface MigrationEngine {
  /** `prisma migrate deploy`: applies pending migrations, returns their names. */
  deploy(): Promise<string[]>;
  /** `prisma migrate status`: the migrations not yet applied, and any that failed or were edited. */
  status(): Promise<{ pending: string[]; problems: string[] }>;
  /** SQL that takes the migration history to schema.prisma; empty when they agree. */
  diffSchemaAgainstMigrations(): Promise<string>;
  close(): void;
}

export async function openMigrationEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: (message: string) => void = () => {},
): Promise<MigrationEngine> {
  const { SchemaEngine } = await loadEngineModule();
  const schema = await readFile(prismaSchemaPath, 'utf8');
  const engine: WasmSchemaEngine = await SchemaEngine.new(
    { datamodels: [[prismaSchemaPath, schema]] },
    (line: string) => log(line),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  return {
    async deploy() {
      const migrationsList = await readMigrations();
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters });
      return appliedMigrationNames;
    },
    async status() {
      const migrationsList = await readMigrations();
      const out = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters });
      const problems: string[] = [];
      if (out.failedMigrationNames.length) problems.push(`failed: ${out.failedMigrationNames.join(', ')}`);
      if (out.editedMigrationNames.length)
        problems.push(`edited after being applied: ${out.editedMigrationNames.join(', ')}`);
      if (out.history && out.history.diagnostic !== 'databaseIsBehind')
        problems.push(`history: ${out.history.diagnostic}`);
      const pending = out.history?.diagnostic === 'databaseIsBehind' ? out.history.unappliedMigrationNames : [];
      return { pending, problems };
    },
    async diffSchemaAgainstMigrations() {
      const migrationsList = await readMigrations();
      const result = await engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: [{ path: prismaSchemaPath, content: schema }] },
        script: true,
        exitCode: true,
        filters,
      });
      return result.exitCode === 0 ? '' : (result.stdout ?? '');
    },
    close() {
      engine.free();
    },
  };
}
