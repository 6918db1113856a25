// The service process: config -> database (lock, migrate) -> bus -> server. SIGTERM/SIGINT -> graceful stop.
import { createBus } from './bus.ts';
import { ConfigError, describeConfig, loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { DataDirLockedError } from './db/lock.ts';
import { createLogger } from './logger.ts';
import { ListenError } from './http/listener.ts';
import { startService } from './service.ts';
import { ROUTINES } from './ingest/routines.ts';
import { applyServingV8Settings } from './v8-settings.ts';

const SHUTDOWN_DEADLINE_MS = 10_000;

const DATA_DIR_PROBLEMS: Record<string, string> = {
  EEXIST: 'it (or a folder on its path) is a file',
  ENOTDIR: 'it (or a folder on its path) is a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
};

function fail(message: string): never {
  process.stderr.write(`rollcall: ${message}\n`);
  process.exit(1);
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    // one line per problem, each naming its variable
    if (error instanceof ConfigError) fail(error.problems.join('\nrollcall: '));
    throw error;
  }
  const logger = createLogger(config.logLevel, { format: config.logFormat, nodeEnv: config.nodeEnv });
  logger.info(describeConfig(config), 'starting Rollcall');
  if (config.plugnmeet.usingDevCredentials) {
    logger.warn(
      'PLUGNMEET_API_KEY/PLUGNMEET_API_SECRET not set: using the development credentials; set them before real use',
    );
  }
  if (!config.adminApiToken && !config.dashboard.secret && !config.dashboard.jwksUrl) {
    logger.warn(
      'no credential configured (ADMIN_API_TOKEN, DASHBOARD_JWT_SECRET or DASHBOARD_JWKS_URL): the GraphQL API is open to anyone who can reach it (development mode)',
    );
  }

  const db = await openDatabase(config.database, { log: (m) => logger.debug({ component: 'schema-engine' }, m) }).catch(
    (error) => {
      if (error instanceof DataDirLockedError) fail(error.message);
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (config.database.kind === 'embedded' && DATA_DIR_PROBLEMS[code]) {
        fail(`DATA_DIR ${config.dataDir} cannot hold the database: ${DATA_DIR_PROBLEMS[code]}`);
      }
      throw error;
    },
  );
  const applied = await db.migrate(ROUTINES);
  logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');

  const bus = createBus({
    redisUrl: config.redisUrl,
    channelPrefix: config.redisChannelPrefix,
    onError: (error) => logger.warn({ err: error }, 'redis error'),
  });
  const app = await startService({ config, db, bus, logger, listen: { port: config.port, host: config.host } }).catch(
    async (error) => {
      if (!(error instanceof ListenError)) throw error;
      await db.close();
      fail(error.message);
    },
  );
  applyServingV8Settings();
  logger.info({ url: `${app.url}/graphql` }, `Rollcall is serving GraphQL (and GraphiQL) at ${app.url}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await app.stop(SHUTDOWN_DEADLINE_MS - 2_000);
    await bus.close();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(
    `rollcall: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
