import type { Change } from '../attendance/events.ts';
import type { RollcallPubSub } from '../bus.ts';
import type { PrismaClient } from '../db/types.ts';

/** Who is calling. Dashboard identities come with the access-control work; today: admin or not. */
export interface Viewer {
  isAdmin: boolean;
}

export interface GraphQLContext {
  prisma: PrismaClient;
  pubsub: RollcallPubSub;
  viewer: Viewer;
  /** Publishes committed changes (admin mutations). */
  publish(changes: Change[]): void;
  /** Wakes the recording downloader. */
  kickRecordings(): void;
}
