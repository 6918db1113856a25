// What start-up can skip on a restart: loading the wasm schema engine costs about a second and tens
// of MB, and re-creating the routines a few hundred ms more, to learn that nothing changed. Both are
// asked of the database first: the engine runs only when a migration on disk is not recorded as
// applied (or one failed: the engine then says what is wrong), and only routines missing by name
// are created (their names carry a hash of their source, so a present name is the same code).
import { readdir } from 'node:fs/promises';
import { migrationsDir } from './migrate.ts';

export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export async function migrationsPending(query: Query, dir = migrationsDir): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const onDisk = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const [table] = await query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  if (!table?.present) return true;
  const rows = await query(
    `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM "_prisma_migrations"`,
  );
  if (rows.some((row) => !row.finished && !row.rolled_back)) return true;
  const applied = new Set(rows.filter((row) => row.finished).map((row) => row.migration_name));
  return onDisk.some((name) => !applied.has(name));
}

const FUNCTION_NAME = /^CREATE\s+OR\s+REPLACE\s+FUNCTION\s+(\w+)/i;

/** The statements among `routines` whose function does not exist yet (any other statement is kept). */
export async function missingRoutines(query: Query, routines: readonly string[]): Promise<string[]> {
  const named = routines.map((sql) => ({ sql, name: FUNCTION_NAME.exec(sql)?.[1]?.toLowerCase() }));
  const names = named.flatMap((routine) => (routine.name ? [routine.name] : []));
  if (names.length === 0) return [...routines];
  // names are \w+ only, so a comma-separated list is unambiguous (and needs no array parameter)
  const rows = await query(
    `SELECT proname FROM pg_proc WHERE pronamespace = to_regnamespace(current_schema())::oid AND proname = ANY(string_to_array($1, ','))`,
    [names.join(',')],
  );
  const existing = new Set(rows.map((row) => row.proname));
  return named.filter((routine) => !routine.name || !existing.has(routine.name)).map((routine) => routine.sql);
}
