// The real Rollcall, started the way src/main.ts starts it (V8's settings, openDatabase + migrate +
// createBus + startService), on an ephemeral 127.0.0.1 port, for one benchmark round. Run by
// bench/run.ts as a child process with --expose-gc and an IPC channel; it reports its ports over IPC and logs (pino,
// as in production) to its stdout, which the parent points at a file.
//   BENCH_DATA_DIR       fresh DATA_DIR (the embedded database when no BENCH_DB_URL; recordings)
//   BENCH_DB_URL         a fresh PostgreSQL database for this round
//   BENCH_REDIS_URL      Redis for the bus (in-process when unset)
//   BENCH_COUNT_STATEMENTS=1  count SQL statements (openDatabase's onQuery), served on /statements
//   BENCH_LOG_LEVEL      default info, as in production
import { applyServingV8Settings, applyStartUpV8Settings } from '../src/v8-settings.ts';
import {
  BENCH_ADMIN_TOKEN,
  BENCH_API_KEY,
  BENCH_API_SECRET,
  BENCH_DASHBOARD_SECRET,
  type ReadyMessage,
} from './common.ts';
import type { DatabaseTarget } from '../src/db/database.ts';

// As src/main.ts does: V8's start-up settings before the service is loaded, its serving ones after.
applyStartUpV8Settings();
const { randomBytes } = await import('node:crypto');
const { createBus } = await import('../src/bus.ts');
const { openDatabase } = await import('../src/db/database.ts');
const { createLogger } = await import('../src/logger.ts');
const { startService } = await import('../src/service.ts');
const { ROUTINES } = await import('../src/ingest/routines.ts');
const { exitOnStop, startDebugPort } = await import('./debug-port.ts');

async function main() {
  const dbUrl = process.env.BENCH_DB_URL;
  const dataDir = process.env.BENCH_DATA_DIR ?? fail('BENCH_DATA_DIR is required');
  const target: DatabaseTarget = dbUrl
    ? { kind: 'postgres', url: dbUrl, poolSize: 10 }
    : { kind: 'embedded', dir: dataDir };

  let statements = 0;
  const recent: string[] = [];
  const counting = process.env.BENCH_COUNT_STATEMENTS === '1';
  const onQuery = (sql: string) => {
    statements++;
    recent.push(sql);
    if (recent.length > 200) recent.shift();
  };
  const db = await openDatabase(target, counting ? { onQuery } : {});
  await db.migrate(ROUTINES);
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'info');
  const bus = createBus({
    redisUrl: process.env.BENCH_REDIS_URL || undefined,
    channelPrefix: `rollcall-bench-${randomBytes(4).toString('hex')}:`,
    onError: (error) => logger.warn({ err: error }, 'redis error'),
  });
  // As src/main.ts starts it, configured as in production (an admin token and dashboard tokens).
  const app = await startService({
    config: {
      adminApiToken: BENCH_ADMIN_TOKEN,
      dashboard: { secret: BENCH_DASHBOARD_SECRET },
      graphiql: false,
      nodeEnv: 'production',
      dataDir,
      plugnmeet: { apiKey: BENCH_API_KEY, apiSecret: BENCH_API_SECRET, usingDevCredentials: false },
    },
    db,
    bus,
    logger,
    listen: { port: 0, host: '127.0.0.1' },
  });
  applyServingV8Settings();
  const server = app;
  const debugPort = await startDebugPort(
    counting ? { statements: () => statements, recentStatements: () => recent } : {},
  );
  const rows = await db.prisma.$queryRawUnsafe<{ version: string }[]>('SELECT version()');

  exitOnStop(async () => {
    await app.stop(2_000);
    await bus.close();
    await db.close();
  });
  const ready: ReadyMessage = { type: 'ready', port: server.port, debugPort, dbVersion: rows[0]?.version ?? 'unknown' };
  process.send!(ready);
}

function fail(message: string): never {
  process.stderr.write(`rollcall-server: ${message}\n`);
  process.exit(2);
}

main().catch((error) => {
  process.stderr.write(`rollcall-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
