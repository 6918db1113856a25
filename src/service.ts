// Rollcall assembled over a database and a bus the caller opened (main.ts in production, the test
// harness in tests): the Yoga app with its routes, graphql-ws, the listener, the durable jobs
// (recording downloads, analytics imports) and the reconciler.
import type { Logger } from 'pino';
import { createAuthenticator, CredentialError } from './auth/credentials.ts';
import { canSeeCourse } from './auth/viewer.ts';
import type { Bus } from './bus.ts';
import { ChangeFeed } from './changes/feed.ts';
import { pruneChanges, stampCommitted, type SequencedChange } from './changes/log.ts';
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
import {
  createReconciler,
  DEFAULT_RECONCILE_GRACE_MS,
  type Reconciler,
  type ReconcilerOptions,
} from './ingest/reconciler.ts';
import { createWebhookVerifier } from './plugnmeet/signature.ts';
import { createUrlSigner } from './lib/signed-urls.ts';
import { createDownloader, type DownloaderOptions } from './recordings/downloader.ts';
import { createAnalyticsImporter, type AnalyticsImporterOptions } from './engagement/analytics-job.ts';
import { releaseStaleLeases, type JobOutcome } from './jobs/durable.ts';
import type { MediaToolPaths } from './recordings/media-tools.ts';
import { recordingsDir } from './recordings/storage.ts';
import { metrics } from './ops/metrics.ts';
import { applyRetention } from './ops/retention.ts';

export type ServiceConfig = Pick<Config, 'adminApiToken' | 'graphiql' | 'plugnmeet' | 'nodeEnv' | 'dataDir'> &
  Partial<
    Pick<
      Config,
      | 'dashboard'
      | 'maxSubscriptionsPerConnection'
      | 'reconcileIntervalMs'
      | 'inferredEndAfterMs'
      | 'analyticsMaxFileBytes'
      | 'metricsToken'
      | 'retentionDays'
    >
  >;

export interface ServiceParts {
  config: ServiceConfig;
  db: Database;
  bus: Bus;
  logger: Logger;
  listen: { port: number; host: string };
  downloader?: Partial<DownloaderOptions> & { media?: MediaToolPaths };
  /** Overrides of the analytics import's retries and lease (tests). */
  analytics?: Partial<AnalyticsImporterOptions>;
  /** Called once per job attempt with the job's kind and its outcome (metrics). */
  onJobOutcome?: (kind: string, outcome: JobOutcome) => void;
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
  /** Present when retentionDays > 0: deletes what is older. */
  retention?: PeriodicTask;
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
  /** Wakes the analytics importer when an analytics event committed. */
  analytics?: { kick(): void };
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
  const authenticator = createAuthenticator(
    { adminApiToken: config.adminApiToken, dashboard: config.dashboard ?? {} },
    db.prisma,
  );
  // recording files and CSV exports: the API's rule for a course's data
  const signer = createUrlSigner(config.plugnmeet.apiSecret);
  const authorize = async (request: Request, courseId: string | null) => {
    if (signer.verify(new URL(request.url))) return 'ok' as const;
    const viewer = await authenticator.authenticate(request.headers.get('authorization'));
    if (viewer instanceof CredentialError) return 'unauthenticated' as const;
    return canSeeCourse(viewer, courseId) ? ('ok' as const) : ('forbidden' as const);
  };
  const ingest = createIngest({
    prisma: db.prisma,
    changesCommitted,
    onRecordingWork: recordings.kick,
    onAnalyticsWork: wiring.analytics?.kick,
  });
  const routes = useRollcallRoutes({
    prisma: db.prisma,
    ingest,
    verify: createWebhookVerifier(config.plugnmeet),
    logger,
    recordings: { dir: recordings.dir, authorize },
    exports: { authorize },
    metricsToken: config.metricsToken,
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
    context: {
      prisma: db.prisma,
      feed,
      changesCommitted,
      ingest,
      kickRecordings: recordings.kick,
      signUrl: (path) => signer.sign(path),
    },
  });
}

export async function startService(parts: ServiceParts): Promise<RunningService> {
  const { config, db, bus, logger } = parts;
  const feed = new ChangeFeed(db.prisma, bus, logger);
  await feed.start();
  const sequencer = createSequencer({ prisma: db.prisma, bus, logger, routinesVersion: ROUTINES_VERSION });
  /** Delivers changes numbered as they were written; has the others numbered. */
  const changesCommitted = (numbered?: readonly SequencedChange[]) =>
    numbered ? bus.announce(stampCommitted(numbered)) : sequencer.kick();
  const unwatchPool = db.pool ? metrics.watchPool(db.pool) : undefined;
  const prune = periodic(() => pruneChanges(db.prisma, CHANGE_LOG_KEEP_MS), {
    name: 'pruning the change log',
    intervalMs: 3_600_000,
    logger,
  });
  const dir = recordingsDir(config.dataDir);
  // PlugNMeet's API client (and got, its HTTP client) is loaded only when its address is known.
  const api = config.plugnmeet.serverUrl
    ? (await import('./plugnmeet/api/client.ts')).createPlugNMeetApi({
        serverUrl: config.plugnmeet.serverUrl,
        apiKey: config.plugnmeet.apiKey,
        apiSecret: config.plugnmeet.apiSecret,
      })
    : null;
  if (!api) {
    logger.warn(
      'PLUGNMEET_SERVER_URL not set: recordings are listed (PROCESSING) but not downloaded, analytics files are queued (PENDING) but not imported, and lost webhooks are not reconciled, until it is set',
    );
  }
  // Only this process can hold leases on the embedded database: any lease there is a previous run's.
  if (db.kind !== 'postgres') await releaseStaleLeases(db.prisma, ['Recording', 'AnalyticsImport']);
  // Without PlugNMeet's address this instance claims no download job: they wait, untouched, for
  // an instance (or a restart) that has it, instead of failing their attempts here.
  const onOutcome = (kind: string, outcome: JobOutcome) => {
    metrics.jobs.inc({ kind: kind === 'recording download' ? 'recording' : 'analytics', outcome });
    parts.onJobOutcome?.(kind, outcome);
  };
  const downloader = api
    ? createDownloader({ prisma: db.prisma, dir, api, changesCommitted, logger, options: parts.downloader, onOutcome })
    : undefined;
  const analytics = api
    ? createAnalyticsImporter({
        prisma: db.prisma,
        api,
        changesCommitted,
        logger,
        options: {
          ...(config.analyticsMaxFileBytes ? { maxFileBytes: config.analyticsMaxFileBytes } : {}),
          ...parts.analytics,
        },
        onOutcome,
      })
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

  // Hourly, so that a limit of N days holds within the hour even across restarts; a run with
  // nothing old enough to delete costs three indexed look-ups.
  const retentionDays = config.retentionDays ?? 0;
  const retention =
    retentionDays > 0
      ? periodic(
          async (signal) => {
            const result = await applyRetention(db.prisma, retentionDays, { signal });
            if (result.sessions + result.webhookEvents + result.analyticsImports)
              logger.info(result, `retention: deleted what is older than ${retentionDays} days`);
          },
          { name: 'retention', intervalMs: 3_600_000, logger },
        )
      : undefined;

  const yoga = createRollcallYoga(parts, {
    feed,
    changesCommitted,
    recordings: { dir, kick: () => downloader?.kick() },
    analytics: { kick: () => analytics?.kick() },
  });
  const listener = await listen(yoga, parts.listen);
  const ws = attachGraphQLWebSocket(listener.server, yoga, {
    maxSubscriptions: config.maxSubscriptionsPerConnection ?? 50,
    feed,
  });
  sequencer.start();
  prune.start();
  downloader?.start();
  analytics?.start();
  // The first look comes an interval after start: webhooks PlugNMeet retries after an outage first.
  reconciler?.start();
  ends?.start();
  retention?.start();
  return {
    url: listener.url,
    port: listener.port,
    yoga,
    cohorts: ws.cohorts,
    reconciler,
    inferredEnds: ends,
    retention,
    feed,
    sequencer,
    async stop(graceMs = 8_000) {
      const closed = closeListener(listener.server, graceMs);
      await ws.close();
      await closed;
      await reconciler?.stop();
      await ends?.stop();
      await retention?.stop();
      await downloader?.stop();
      await analytics?.stop();
      await prune.stop();
      await sequencer.stop();
      feed.stop();
      unwatchPool?.();
    },
  };
}
