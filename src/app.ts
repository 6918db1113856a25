// Rollcall assembled: the server plus the recording downloader, over a database and a bus that
// the caller opened (main.ts in production, the test harness in tests).
import type { Logger } from 'pino';
import { publishChanges, type Bus } from './bus.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { createDownloader, releaseStaleLeases, type DownloaderOptions } from './recordings/downloader.ts';
import type { MediaToolPaths } from './recordings/media.ts';
import { createPlugNMeetApi } from './recordings/plugnmeet-api.ts';
import { recordingsDir } from './recordings/storage.ts';
import { startServer, type RunningServer } from './server.ts';
import { createReconciler, DEFAULT_RECONCILE_GRACE_MS, type Reconciler, type ReconcilerOptions } from './webhook/reconciler.ts';

export interface RollcallParts {
  config: Pick<Config, 'adminApiToken' | 'graphiql' | 'plugnmeet' | 'nodeEnv' | 'dataDir'> &
    Partial<Pick<Config, 'dashboard' | 'maxSubscriptionsPerConnection' | 'reconcileIntervalMs'>>;
  db: Database;
  bus: Bus;
  logger: Logger;
  listen: { port: number; host: string };
  downloader?: Partial<DownloaderOptions> & { media?: MediaToolPaths };
  /** Overrides for tests (the grace period). */
  reconcile?: Partial<ReconcilerOptions>;
}

export interface Rollcall {
  server: RunningServer;
  url: string;
  /** Present when PlugNMeet's address is known and reconcileIntervalMs > 0. */
  reconciler?: Reconciler;
  /** Graceful stop: the server (in-flight requests, WebSockets), then the reconciler and the downloader. */
  stop(graceMs?: number): Promise<void>;
}

export async function startRollcall(parts: RollcallParts): Promise<Rollcall> {
  const { config, db, bus, logger } = parts;
  const dir = recordingsDir(config.dataDir);
  const api = config.plugnmeet.serverUrl
    ? createPlugNMeetApi({ serverUrl: config.plugnmeet.serverUrl, apiKey: config.plugnmeet.apiKey, apiSecret: config.plugnmeet.apiSecret })
    : null;
  if (!api) {
    logger.warn('PLUGNMEET_SERVER_URL not set: recordings are listed (PROCESSING) but not downloaded, and sessions whose room_finished is lost stay live, until it is set');
  }
  // Only this process can hold leases on the embedded database: any lease there is a previous run's.
  if (db.kind !== 'postgres') await releaseStaleLeases(db.prisma);
  // Without PlugNMeet's address this instance claims no download job: they wait, untouched, for
  // an instance (or a restart) that has it, instead of failing their attempts here.
  const downloader = api
    ? createDownloader({ prisma: db.prisma, dir, api, publish: (changes) => publishChanges(bus.pubsub, changes), logger, options: parts.downloader })
    : undefined;
  const intervalMs = config.reconcileIntervalMs ?? 0;
  const reconciler =
    api && intervalMs > 0
      ? createReconciler({
          prisma: db.prisma,
          pubsub: bus.pubsub,
          api,
          logger,
          options: { intervalMs, graceMs: DEFAULT_RECONCILE_GRACE_MS, ...parts.reconcile },
        })
      : undefined;
  const server = await startServer({ config, db, bus, logger, recordings: { dir, kick: () => downloader?.kick() } }, parts.listen);
  downloader?.start();
  // The first look comes an interval after start: webhooks PlugNMeet retries after an outage first.
  reconciler?.start();
  return {
    server,
    url: server.url,
    reconciler,
    async stop(graceMs) {
      await server.stop(graceMs);
      await reconciler?.stop();
      await downloader?.stop();
    },
  };
}

