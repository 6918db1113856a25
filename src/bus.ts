// The pub/sub bus: every topic and its payload typed in one place. In-process by default; with
// REDIS_URL it spans every instance. Payloads are plain JSON (ids and enum names), so they cross
// Redis intact; subscribers load current rows from the database.
import { setMaxListeners } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { AttendanceChangeKind, Change, LiveSessionChangeKind, RecordingStatus } from './attendance/events.ts';

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

export interface RecordingChangedEvent {
  status: RecordingStatus;
  recordingId: string;
  roomId: string;
  sessionId: string | null;
  courseId: string | null;
}

/** liveSessionChanged is published to the course's scope and to this one, for "every course". */
export const EVERY_COURSE = '*';

export type BusTopics = {
  /** keyed by room id */
  attendanceChanged: [roomId: string, payload: AttendanceChangedEvent];
  /** keyed by course id, or EVERY_COURSE */
  liveSessionChanged: [courseScope: string, payload: LiveSessionChangedEvent];
  /** keyed by `room:<roomId>`, `course:<courseId>`, or EVERY_COURSE */
  recordingChanged: [scope: string, payload: RecordingChangedEvent];
};

export type RollcallPubSub = PubSub<BusTopics>;

export interface Bus {
  pubsub: RollcallPubSub;
  kind: 'in-process' | 'redis';
  ping(): Promise<void>;
  /** Resolves once the bus can carry messages (Redis connected); start-up does not wait for it. */
  connected(): Promise<void>;
  close(): Promise<void>;
}

export interface BusOptions {
  redisUrl?: string;
  /** Prefix of every Redis channel, so deployments (or test runs) can share one Redis. */
  channelPrefix?: string;
  onError?: (error: Error) => void;
}

export function createBus(options: BusOptions): Bus {
  if (!options.redisUrl) {
    // Every cohort of subscribers listens on its topic: many listeners per topic are expected.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return {
      pubsub: createPubSub<BusTopics>({ eventTarget: eventTarget as never }),
      kind: 'in-process',
      ping: async () => {},
      connected: async () => {},
      close: async () => {},
    };
  }
  const prefix = options.channelPrefix ?? 'rollcall:';
  const report = (error: Error) => options.onError?.(error);
  const connect = (offlineQueue: boolean) => {
    const client = new Redis(options.redisUrl!, { maxRetriesPerRequest: 1, enableOfflineQueue: offlineQueue });
    client.on('error', report);
    return client;
  };
  // Publishing fails fast while Redis is down (the database already holds the change); subscribing
  // queues until it is back, and ioredis re-subscribes every channel after a reconnect.
  const publisher = connect(false);
  const subscriber = connect(true);
  // The adapters give the Yoga event target prefixed channels and swallow (but report) the
  // rejections it leaves unhandled.
  const publishClient = {
    publish: (channel: string, message: string) => publisher.publish(prefix + channel, message).catch(report),
  };
  const subscribeClient = {
    subscribe: (channel: string) => subscriber.subscribe(prefix + channel).catch(report),
    unsubscribe: (channel: string) => subscriber.unsubscribe(prefix + channel).catch(report),
    on: (event: 'message', listener: (channel: string, message: string) => void) =>
      subscriber.on(event, (channel: string, message: string) => {
        if (channel.startsWith(prefix)) listener(channel.slice(prefix.length), message);
      }),
  };
  const eventTarget = createRedisEventTarget<any>({
    publishClient: publishClient as unknown as Redis,
    subscribeClient: subscribeClient as unknown as Redis,
  });
  return {
    pubsub: createPubSub<BusTopics>({ eventTarget }),
    kind: 'redis',
    ping: async () => {
      await publisher.ping();
    },
    connected: () =>
      Promise.all(
        [publisher, subscriber].map((client) =>
          client.status === 'ready' ? undefined : new Promise<void>((resolve) => client.once('ready', () => resolve())),
        ),
      ).then(() => {}),
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/** Publishes what a committed transaction changed. Call only after commit. */
export function publishChanges(pubsub: RollcallPubSub, changes: readonly Change[]): void {
  for (const change of changes) {
    if (change.type === 'attendance') {
      const { type: _type, ...payload } = change;
      pubsub.publish('attendanceChanged', change.roomId, payload);
    } else if (change.type === 'session') {
      const { type: _type, ...payload } = change;
      pubsub.publish('liveSessionChanged', EVERY_COURSE, payload);
      if (change.courseId) pubsub.publish('liveSessionChanged', change.courseId, payload);
    } else {
      const { type: _type, ...payload } = change;
      pubsub.publish('recordingChanged', EVERY_COURSE, payload);
      pubsub.publish('recordingChanged', `room:${change.roomId}`, payload);
      if (change.courseId) pubsub.publish('recordingChanged', `course:${change.courseId}`, payload);
    }
  }
}
