import type { Viewer } from '../auth/viewer.ts';
import type { ChangeFeed, FeedEvent } from '../changes/feed.ts';
import type { PrismaClient } from '../db/types.ts';
import type { Ingest } from '../ingest/ingest.ts';

export type { Viewer };

export interface GraphQLContext {
  prisma: PrismaClient;
  viewer: Viewer;
  /** This instance's view of the change log, which subscriptions read. */
  feed: ChangeFeed;
  /** Changes were committed to the change log (admin mutations): number and deliver them. */
  changesCommitted(): void;
  /** The one path events take (replays of stored webhooks go through it). */
  ingest: Ingest;
  /** Wakes the recording downloader. */
  kickRecordings(): void;
  /** A short-lived link to a path of this server that opens without credentials (recording files). */
  signUrl(path: string): string;
  /**
   * Set on the context of a subscription multiplexed into a cohort (graphql/cohorts.ts): where the
   * cohort learns each delivery's place, and how far a member catching up reads the log.
   */
  subscription?: { until?: number; onDeliver?: (event: FeedEvent) => void };
}
