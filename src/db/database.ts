// The database: PGlite in-process (embedded default) or PostgreSQL, behind one Prisma client.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Pool } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';
import { lockDataDir } from './lock.ts';
import { withParsersInstalledOnce } from './pglite-client.ts';
import { openMigrationEngine } from './migrate.ts';
import { migrationsPending, missingRoutines, type Query } from './up-to-date.ts';

export type { PrismaClient };
export type Prisma = PrismaClient;

export type DatabaseTarget =
  | { kind: 'embedded'; dir: string }
  /** in-memory PGlite, optionally from a snapshot (tests) */
  | { kind: 'memory'; loadDataDir?: Blob }
  /** preparedStatements (default true): off behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode) */
  | { kind: 'postgres'; url: string; poolSize: number; preparedStatements?: boolean };

export interface Database {
  kind: DatabaseTarget['kind'];
  prisma: PrismaClient;
  /**
   * Applies pending migrations, then (re)creates `routines` (CREATE OR REPLACE statements of
   * functions: they live with the code that calls them); returns the migrations applied.
   */
  migrate(routines?: readonly string[]): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The embedded database's PGlite, for snapshots in tests. */
  pglite?: PGlite;
  /** PostgreSQL's connection pool (its gauges are exported as metrics). */
  pool?: Pool;
}

export interface DatabaseOptions {
  /** Called with every SQL statement Prisma sends (tests count them). */
  onQuery?: (sql: string) => void;
  log?: (message: string) => void;
}

// PostgreSQL's default 128 MB of shared buffers would live in PGlite's wasm memory, in our process;
// Rollcall's working set is small and the OS caches the data folder anyway.
const PGLITE_SETTINGS = { postgresqlconf: 'shared_buffers = 16MB\nwork_mem = 4MB' };

// Identifies Rollcall's migration lock among PostgreSQL advisory locks.
const MIGRATION_LOCK_KEY = 7_204_311_509;

export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  if (target.kind === 'postgres') return openPostgres(target, options);

  let release = () => {};
  let pglite: PGlite;
  if (target.kind === 'embedded') {
    await mkdir(target.dir, { recursive: true });
    release = lockDataDir(target.dir);
    try {
      pglite = await PGlite.create(`${target.dir}/pgdata`, PGLITE_SETTINGS);
    } catch (error) {
      release();
      throw error;
    }
  } else {
    pglite = await PGlite.create({ loadDataDir: target.loadDataDir, ...PGLITE_SETTINGS });
  }
  // One connection: transactions commit in the order they run, so changes are numbered as they are
  // written (changes/log.ts), without a sequencer's transaction of their own.
  await pglite.exec(`SET rollcall.numbering = 'inline'`);
  const adapter = new PrismaPGlite(withParsersInstalledOnce(pglite));
  const prisma = createClient(adapter, options);
  return {
    kind: target.kind,
    prisma,
    pglite,
    migrate: async (routines = []) => {
      const query: Query = async (sql, params) => (await pglite.query<Record<string, unknown>>(sql, params)).rows;
      const applied = (await migrationsPending(query)) ? await runMigrations(adapter, options.log) : [];
      for (const sql of await missingRoutines(query, routines)) await pglite.exec(sql);
      return applied;
    },
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      release();
    },
  };
}

async function openPostgres(
  target: Extract<DatabaseTarget, { kind: 'postgres' }>,
  options: DatabaseOptions,
): Promise<Database> {
  // Loaded here, not at the top: the embedded database (the default) never needs them (~200 ms, ~10 MB).
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
  const pool: Pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize,
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', (error) => options.log?.(`postgres pool error: ${error.message}`));
  // A connection killed between the pool handing it out and Prisma's adapter listening on it
  // (a restart, a failover, pg_terminate_backend) would emit 'error' with no listener and end the
  // process: every client keeps one of ours; the request using it fails and is retried.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.log?.(`postgres connection error: ${error.message}`));
  });
  const adapter = new PrismaPg(
    pool,
    target.preparedStatements === false ? {} : { statementNameGenerator: preparedStatementNames() },
  );
  const prisma = createClient(adapter, options);
  return {
    kind: 'postgres',
    prisma,
    pool,
    async migrate(routines = []) {
      // Several instances may start at once: one applies the migrations, the others wait, then find none.
      const client = new pg.Client({ connectionString: target.url });
      const migrationPool = new pg.Pool({ connectionString: target.url, max: 2 });
      client.on('error', (error) => options.log?.(`postgres migration lock connection error: ${error.message}`));
      migrationPool.on('error', (error) => options.log?.(`postgres migration pool error: ${error.message}`));
      await client.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        const query: Query = async (sql, params) => (await client.query(sql, params)).rows;
        const applied = (await migrationsPending(query))
          ? await runMigrations(new PrismaPg(migrationPool), options.log)
          : [];
        for (const sql of await missingRoutines(query, routines)) await client.query(sql);
        return applied;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
        await client.end();
        await migrationPool.end();
      }
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * Names each distinct SQL text so that pg prepares it once per connection, as a hand-written pg
 * server would: PostgreSQL then skips parsing and planning a statement it has seen on that
 * connection. Bounded: past MAX_PREPARED texts, statements go unnamed (prepared per use).
 */
function preparedStatementNames(): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_PREPARED)
      names.set(sql, (name = `rc_${createHash('sha1').update(sql).digest('hex')}`));
    return name ?? ''; // '' is pg's unnamed statement
  };
}
const MAX_PREPARED = 1_000;

// 'minimal': Prisma's other formats capture a stack trace on every query (a code frame for error
// messages), about 15 µs a statement; our errors are logged and stored as plain messages anyway.
const ERROR_FORMAT = 'minimal';

function createClient(adapter: SqlDriverAdapterFactory, options: DatabaseOptions): PrismaClient {
  if (!options.onQuery) return new PrismaClient({ adapter, errorFormat: ERROR_FORMAT });
  const prisma = new PrismaClient({ adapter, errorFormat: ERROR_FORMAT, log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (event: { query: string }) => options.onQuery?.(event.query));
  return prisma as unknown as PrismaClient;
}

async function runMigrations(adapter: SqlMigrationAwareDriverAdapterFactory, log?: (message: string) => void) {
  const engine = await openMigrationEngine(adapter, log);
  try {
    return await engine.deploy();
  } finally {
    engine.close();
  }
}
