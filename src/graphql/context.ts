import type { Change } from '../attendance/events.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { RollcallPubSub } from '../bus.ts';
import type { PrismaClient } from '../db/types.ts';

export type { Viewer };

export interface GraphQLContext {
  prisma: PrismaClient;
  pubsub: RollcallPubSub;
  viewer: Viewer;
  /** Publishes committed changes (admin mutations). */
  publish(changes: Change[]): void;
  /** Wakes the recording downloader. */
  kickRecordings(): void;
}
