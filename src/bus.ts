// The pub/sub bus: every topic and its payload typed in one place. In-process by default; with
// REDIS_URL it spans every instance. Payloads are plain JSON (ids and enum names), so they cross
// Redis intact; subscribers load current rows from the database.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { AttendanceChangeKind, Change, LiveSessionChangeKind } from './attendance/events.ts';

export interface AttendanceChangedEvent {
  kind: AttendanceChangeKind;
  attendanceId: string;
  userId: string;
  sessionId: string;
  roomId: string;
  courseId: string | null;
}

export interface LiveSessionChangedEvent {
  kind: LiveSessionChangeKind;
  sessionId: string;
  roomId: string;
  courseId: string | null;
}

/** liveSessionChanged is published to the course's scope and to this one, for "every course". */
export const EVERY_COURSE = '*';

export type BusTopics = {
  /** keyed by room id */
  attendanceChanged: [roomId: string, payload: AttendanceChangedEvent];
  /** keyed by course id, or EVERY_COURSE */
  liveSessionChanged: [courseScope: string, payload: LiveSessionChangedEvent];
};

export type RollcallPubSub = PubSub<BusTopics>;

export interface Bus {
  pubsub: RollcallPubSub;
  kind: 'in-process' | 'redis';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createBus(options: { redisUrl?: string; onError?: (error: Error) => void }): Bus {
  if (!options.redisUrl) {
    return { pubsub: createPubSub<BusTopics>(), kind: 'in-process', ping: async () => {}, close: async () => {} };
  }
  const connect = () => {
    const client = new Redis(options.redisUrl!, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    client.on('error', (error) => options.onError?.(error));
    return client;
  };
  const publishClient = connect();
  const subscribeClient = connect();
  return {
    pubsub: createPubSub<BusTopics>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) }),
    kind: 'redis',
    ping: async () => {
      await publishClient.ping();
    },
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}

/** Publishes what a committed transaction changed. Call only after commit. */
export function publishChanges(pubsub: RollcallPubSub, changes: readonly Change[]): void {
  for (const change of changes) {
    if (change.type === 'attendance') {
      const { type: _type, ...payload } = change;
      pubsub.publish('attendanceChanged', change.roomId, payload);
    } else {
      const { type: _type, ...payload } = change;
      pubsub.publish('liveSessionChanged', EVERY_COURSE, payload);
      if (change.courseId) pubsub.publish('liveSessionChanged', change.courseId, payload);
    }
  }
}
