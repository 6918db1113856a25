// Rollcall assembled over a database and a bus the caller opened (main.ts in production, the test
// harness in tests): the Yoga app with its routes, graphql-ws, the listener, the recording
// downloader and the reconciler.
import type { Logger } from 'pino';
import { createAuthenticator, CredentialError } from './auth/credentials.ts';
import { canSeeCourse } from './auth/viewer.ts';
import type { Bus } from './bus.ts';
import { ChangeFeed } from './changes/feed.ts';
import { pruneChanges, type SequencedChange } from './changes/log.ts';
import { createSequencer, type Sequencer } from './changes/sequencer.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { CohortHub } from './graphql/cohorts.ts';
import { attachGraphQLWebSocket } from './graphql/ws.ts';
import { createYogaApp, type RollcallYoga } from './graphql/yoga.ts';
import { closeListener, listen } from './http/listener.ts';
import { useRollcallRoutes } from './http/routes.ts';
import { inferredEnds } from './ingest/inferred-ends.ts';
import { createIngest } from './ingest/ingest.ts';
import { periodic, type PeriodicTask } from './jobs/periodic.ts';
import { ROUTINES_VERSION } from './ingest/routines.ts';
import { createReconciler, DEFAULT_RECONCILE_GRACE_MS, type Reconciler, type ReconcilerOptions } from './ingest/reconciler.ts';
import { createWebhookVerifier } from './plugnmeet/signature.ts';
import { createDownloader, releaseStaleLeases, type DownloaderOptions } from './recordings/downloader.ts';
import type { MediaToolPaths } from './recordings/media.ts';
import { recordingsDir } from './recordings/storage.ts';

export type ServiceConfig = Pick<Config, 'adminApiToken' | 'graphiql' | 'plugnmeet' | 'nodeEnv' | 'dataDir'> &
  Partial<Pick<Config, 'dashboard' | 'maxSubscriptionsPerConnection' | 'reconcileIntervalMs' | 'inferredEndAfterMs'>>;

export interface ServiceParts {
  config: ServiceConfig;
  db: Database;
  bus: Bus;
  logger: Logger;
  listen: { port: number; host: string };
  downloader?: Partial<DownloaderOptions> & { media?: MediaToolPaths };
  /** Overrides for tests (the grace period). */
  reconcile?: Partial<ReconcilerOptions>;
}

export interface RunningService {
  url: string;
  port: number;
  yoga: RollcallYoga;
  /** Subscription cohorts (multiplexing), for diagnostics. */
  cohorts: CohortHub;
  /** Present when PlugNMeet's address is known and reconcileIntervalMs > 0. */
  reconciler?: Reconciler;
  /** Present when inferredEndAfterMs > 0. */
  inferredEnds?: PeriodicTask;
  /** This instance's view of the change log, and the sequencer that numbers new changes. */
  feed: ChangeFeed;
  sequencer: Sequencer;
  /**
   * Graceful stop: stops accepting, closes WebSockets (1001), waits for in-flight requests (up to
   * `graceMs`), then stops the reconciler and the downloader.
   */
  stop(graceMs?: number): Promise<void>;
}

/** What the HTTP surface needs of the rest of the service. */
export interface YogaWiring {
  feed: ChangeFeed;
  /** Changes were committed to the change log: number (unless numbered) and deliver them. */
  changesCommitted(numbered?: readonly SequencedChange[]): void;
  recordings?: { dir: string; kick(): void };
}

/** Keep changes a day and an hour: cursors stay valid for at least a day. */
const CHANGE_LOG_KEEP_MS = 25 * 3_600_000;

/** The Yoga app of the whole HTTP surface (GraphQL and the other routes), not listening yet. */
export function createRollcallYoga(
  parts: Pick<ServiceParts, 'db' | 'bus' | 'logger'> & { config: Omit<ServiceConfig, 'dataDir'> },
  wiring: YogaWiring,
): RollcallYoga {
  const { config, db, bus, logger } = parts;
  const { feed, changesCommitted } = wiring;
  const recordings = wiring.recordings ?? { dir: '', kick: () => {} };
  const authenticator = createAuthenticator({ adminApiToken: config.adminApiToken, dashboard: config.dashboard ?? {} }, db.prisma);
  // recording files and CSV exports: the API's rule for a course's data
  const authorize = async (request: Request, courseId: string | null) => {
    const viewer = await authenticator.authenticate(request.headers.get('authorization'));
    if (viewer instanceof CredentialError) return 'unauthenticated' as const;
    return canSeeCourse(viewer, courseId) ? ('ok' as const) : ('forbidden' as const);
  };
  const routes = useRollcallRoutes({
    prisma: db.prisma,
    ingest: createIngest({ prisma: db.prisma, changesCommitted, onRecordingWork: recordings.kick }),
    verify: createWebhookVerifier(config.plugnmeet),
    logger,
    recordings: { dir: recordings.dir, authorize },
    exports: { authorize },
    readiness: {
      database: () => db.ping(),
      ...(bus.kind === 'redis' ? { redis: () => bus.ping() } : {}),
    },
  });
  return createYogaApp({
    config,
    authenticator,
    logger,
    routes,
    context: { prisma: db.prisma, feed, changesCommitted, kickRecordings: recordings.kick },
  });
}

export async function startService(parts: ServiceParts): Promise<RunningService> {
  const { config, db, bus, logger } = parts;
  const feed = new ChangeFeed(db.prisma, bus, logger);
  await feed.start();
  const sequencer = createSequencer({ prisma: db.prisma, bus, logger, routinesVersion: ROUTINES_VERSION });
  /** Delivers changes numbered as they were written; has the others numbered. */
  const changesCommitted = (numbered?: readonly SequencedChange[]) => (numbered ? bus.announce(numbered) : sequencer.kick());
  const prune = periodic(() => pruneChanges(db.prisma, CHANGE_LOG_KEEP_MS), { name: 'pruning the change log', intervalMs: 3_600_000, logger });
  const dir = recordingsDir(config.dataDir);
  // PlugNMeet's API client (and got, its HTTP client) is loaded only when its address is known.
  const api = config.plugnmeet.serverUrl
    ? (await import('./plugnmeet/api/client.ts')).createPlugNMeetApi({ serverUrl: config.plugnmeet.serverUrl, apiKey: config.plugnmeet.apiKey, apiSecret: config.plugnmeet.apiSecret })
    : null;
  if (!api) {
    logger.warn('PLUGNMEET_SERVER_URL not set: recordings are listed (PROCESSING) but not downloaded, and lost webhooks are not reconciled, until it is set');
  }
  // Only this process can hold leases on the embedded database: any lease there is a previous run's.
  if (db.kind !== 'postgres') await releaseStaleLeases(db.prisma);
  // Without PlugNMeet's address this instance claims no download job: they wait, untouched, for
  // an instance (or a restart) that has it, instead of failing their attempts here.
  const downloader = api
    ? createDownloader({ prisma: db.prisma, dir, api, changesCommitted, logger, options: parts.downloader })
    : undefined;
  const intervalMs = config.reconcileIntervalMs ?? 0;
  const reconciler =
    api && intervalMs > 0
      ? createReconciler({
          prisma: db.prisma,
          ingest: createIngest({ prisma: db.prisma, changesCommitted }),
          api,
          logger,
          options: { intervalMs, graceMs: DEFAULT_RECONCILE_GRACE_MS, ...parts.reconcile },
        })
      : undefined;

  const quietMs = config.inferredEndAfterMs ?? 0;
  const ends = quietMs > 0 ? inferredEnds({ prisma: db.prisma, changesCommitted, logger, quietMs }) : undefined;

  const yoga = createRollcallYoga(parts, { feed, changesCommitted, recordings: { dir, kick: () => downloader?.kick() } });
  const listener = await listen(yoga, parts.listen);
  const ws = attachGraphQLWebSocket(listener.server, yoga, { maxSubscriptions: config.maxSubscriptionsPerConnection ?? 50, feed });
  sequencer.start();
  prune.start();
  downloader?.start();
  // The first look comes an interval after start: webhooks PlugNMeet retries after an outage first.
  reconciler?.start();
  ends?.start();
  return {
    url: listener.url,
    port: listener.port,
    yoga,
    cohorts: ws.cohorts,
    reconciler,
    inferredEnds: ends,
    feed,
    sequencer,
    async stop(graceMs = 8_000) {
      const closed = closeListener(listener.server, graceMs);
      await ws.close();
      await closed;
      await reconciler?.stop();
      await ends?.stop();
      await downloader?.stop();
      await prune.stop();
      await sequencer.stop();
      feed.stop();
    },
  };
}
