// The bus between instances: it carries the changes the sequencer just numbered, so that every
// instance (this one too) delivers them at once. It only wakes instances up: the change log in the
// database is the record, and an instance that missed a batch (a gap in the numbers, Redis down)
// reads it from there. In-process by default; with REDIS_URL it spans every instance.
import { createRequire } from 'node:module';
import type { SequencedChange } from './changes/log.ts';

export interface Bus {
  kind: 'in-process' | 'redis';
  /** Tells every instance that these changes were numbered (in order). */
  announce(batch: readonly SequencedChange[]): void;
  /** Each batch announced by any instance, in the order they arrive. */
  onAnnounce(handler: (batch: SequencedChange[]) => void): void;
  /** The bus is carrying messages again after it was down: what was announced meanwhile is lost. */
  onReconnect(handler: () => void): void;
  ping(): Promise<void>;
  /** Resolves once the bus can carry messages (Redis connected); start-up does not wait for it. */
  connected(): Promise<void>;
  close(): Promise<void>;
}

export interface BusOptions {
  redisUrl?: string;
  /** Prefix of Rollcall's Redis channel, so deployments (or test runs) can share one Redis. */
  channelPrefix?: string;
  onError?: (error: Error) => void;
}

export function createBus(options: BusOptions): Bus {
  const announced: Array<(batch: SequencedChange[]) => void> = [];
  const reconnected: Array<() => void> = [];
  const deliver = (batch: SequencedChange[]) => {
    for (const handler of announced) handler(batch);
  };
  if (!options.redisUrl) {
    return {
      kind: 'in-process',
      announce: (batch) => queueMicrotask(() => deliver([...batch])),
      onAnnounce: (handler) => void announced.push(handler),
      onReconnect: (handler) => void reconnected.push(handler),
      ping: async () => {},
      connected: async () => {},
      close: async () => {},
    };
  }

  // ioredis (CommonJS) is required only when Redis is configured: ~0.3 s and ~10 MB at start-up otherwise.
  const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  const channel = `${options.channelPrefix ?? 'rollcall:'}changes`;
  const report = (error: Error) => options.onError?.(error);
  const connect = (offlineQueue: boolean) => {
    const client = new Redis(options.redisUrl!, { maxRetriesPerRequest: 1, enableOfflineQueue: offlineQueue });
    client.on('error', report);
    return client;
  };
  // Announcing fails fast while Redis is down (the log keeps the changes); the subscriber
  // reconnects and re-subscribes by itself, and each time it does, instances read what they missed.
  const publisher = connect(false);
  const subscriber = connect(true);
  let readyBefore = false;
  subscriber.on('ready', () => {
    if (readyBefore) for (const handler of reconnected) handler();
    readyBefore = true;
  });
  subscriber.subscribe(channel).catch(report);
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    try {
      deliver(JSON.parse(message) as SequencedChange[]);
    } catch (error) {
      report(error as Error);
    }
  });
  return {
    kind: 'redis',
    announce: (batch) => void publisher.publish(channel, JSON.stringify(batch)).catch(report),
    onAnnounce: (handler) => void announced.push(handler),
    onReconnect: (handler) => void reconnected.push(handler),
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
