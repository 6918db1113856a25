// One instance's view of the change log: it delivers every numbered change to this instance's
// subscriptions, in order and each once. Batches come on the bus; a gap in the numbers (a batch
// lost, Redis down, another instance's announcement overtaken) is read from the log first. A
// subscription may start after a cursor: it reads the log up to where the feed is, then goes on live.
import type { Logger } from 'pino';
import type { Bus } from '../bus.ts';
import type { PrismaClient } from '../db/types.ts';
import { decodeCursor, encodeCursor, streamName } from './cursor.ts';
import {
  logHead,
  oldestSeq,
  readAllChanges,
  readChanges,
  type Announced,
  type SequencedChange,
  type Stream,
} from './log.ts';
import { metrics } from '../ops/metrics.ts';

/** A change as a subscriber receives it: with the cursor to resume after it. */
export type FeedEvent = SequencedChange & { cursor: string };

/** A cursor that cannot be resumed from: unreadable or of another stream (bad input), or too old. */
export class CursorError extends Error {
  constructor(
    message: string,
    readonly code: 'BAD_USER_INPUT' | 'CURSOR_EXPIRED',
  ) {
    super(message);
    this.name = 'CursorError';
  }
}

export interface OpenOptions {
  /** Resume after this cursor (what the client last received). */
  after?: string | null;
  /** Deliver only up to this number, from the log, then end (a cohort member catching up). */
  until?: number;
  /** What this subscriber may see. */
  filter?: (change: SequencedChange) => boolean;
  /** Told each change as it is handed out (cohorts learn where their subscribers are). */
  onDeliver?: (event: FeedEvent) => void;
}

const PAGE = 500;
const POLL_MS = 2_000;

type Listener = (event: FeedEvent) => void;

export class ChangeFeed {
  /** The number of the last change delivered here. */
  head = 0;
  logId = '';
  private readonly listeners = new Map<string, Set<Listener>>();
  private work: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  /** Starts from the log's head: what was announced before this instance started is history. */
  async start(): Promise<void> {
    ({ logId: this.logId, seq: this.head } = await logHead(this.prisma));
    this.bus.onAnnounce((batch) => this.serially(() => this.receive(batch)));
    this.bus.onReconnect(() => this.serially(() => this.catchUp()));
    // a safety net: an announcement lost while the bus looked healthy is found within seconds
    this.timer = setInterval(() => this.serially(() => this.catchUp()), POLL_MS);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  /** Resolves once everything received so far is delivered (tests). */
  settled(): Promise<void> {
    return this.work;
  }

  /** Reads the log now for what this instance has not delivered yet, and resolves when it has. */
  private caughtUp(): Promise<void> {
    this.serially(() => this.catchUp());
    return this.work;
  }

  private serially(task: () => Promise<void>) {
    this.work = this.work
      .then(task)
      .catch((error) => this.logger.warn({ err: error }, 'reading the change log failed; trying again'));
  }

  private async receive(batch: readonly SequencedChange[]) {
    const fresh = batch.filter((c) => c.seq > this.head);
    if (fresh.length === 0) return;
    if (fresh[0].seq > this.head + 1) await this.catchUp(fresh[0].seq - 1);
    for (const change of fresh) if (change.seq === this.head + 1) this.deliver(change);
  }

  private async catchUp(until = Number.MAX_SAFE_INTEGER) {
    for (;;) {
      const page = await readAllChanges(this.prisma, this.head, Math.min(PAGE, until - this.head));
      for (const change of page) this.deliver(change);
      if (page.length < PAGE || this.head >= until) return;
    }
  }

  private deliver(change: SequencedChange) {
    this.head = change.seq;
    const stream = streamName(streamOf(change));
    const listeners = this.listeners.get(stream);
    if (!listeners) return;
    // live changes carry when they were known committed (stamped as announced); read from the log, not
    const committedAt = (change as Announced).committedAt;
    if (committedAt !== undefined) metrics.delivered(committedAt);
    const event = this.event(change, stream);
    for (const listener of listeners) listener(event);
  }

  private event(change: SequencedChange, stream: string): FeedEvent {
    return { ...change, cursor: encodeCursor({ logId: this.logId, stream, seq: change.seq }) };
  }

  /**
   * The changes of a stream, from after the cursor (or from now), in order. Refuses a cursor of
   * another stream or database, or one whose next changes were pruned.
   */
  async open(stream: Stream, options: OpenOptions = {}): Promise<AsyncIterableIterator<FeedEvent>> {
    let from = this.head;
    if (options.after !== undefined && options.after !== null) {
      from = await this.resumePoint(stream, options.after);
    }
    // Listening starts now, with `head` read in the same turn: everything numbered up to it comes
    // from the log, everything after it comes live.
    return new FeedSubscription(this, stream, from, options.until ?? this.head, options);
  }

  private async resumePoint(stream: Stream, text: string): Promise<number> {
    const cursor = decodeCursor(text);
    if (!cursor) throw new CursorError('after is not a cursor Rollcall gave', 'BAD_USER_INPUT');
    if (cursor.stream !== streamName(stream)) {
      throw new CursorError(
        `after is a cursor of another stream (${cursor.stream}), not of this subscription's`,
        'BAD_USER_INPUT',
      );
    }
    // another instance may have delivered further than this one has yet (its bus was slower, or down)
    if (cursor.logId === this.logId && cursor.seq > this.head) await this.caughtUp();
    if (cursor.logId !== this.logId || cursor.seq > this.head) {
      throw new CursorError(
        'after is not a position in this change log: subscribe without it and refetch',
        'CURSOR_EXPIRED',
      );
    }
    const oldest = await oldestSeq(this.prisma);
    if (cursor.seq < (oldest ?? this.head + 1) - 1) {
      throw new CursorError(
        'after is too old: the changes that followed it are no longer kept; refetch',
        'CURSOR_EXPIRED',
      );
    }
    return cursor.seq;
  }

  /** @internal */
  listen(stream: Stream, listener: Listener): () => void {
    const name = streamName(stream);
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(name) === set) this.listeners.delete(name);
    };
  }

  /** @internal */
  async read(stream: Stream, after: number, until: number): Promise<FeedEvent[]> {
    const name = streamName(stream);
    return (await readChanges(this.prisma, stream, after, until, PAGE)).map((c) => this.event(c, name));
  }
}

function streamOf(change: SequencedChange): Stream {
  return change.type === 'attendance' ? { topic: 'attendance', roomId: change.roomId } : { topic: change.type };
}

/** Reads the log from `from` up to `until`, then (unless told to stop there) what comes live. */
class FeedSubscription implements AsyncIterableIterator<FeedEvent> {
  private readonly live: FeedEvent[] = [];
  private backlog: FeedEvent[] = [];
  private wake?: () => void;
  private ended = false;
  private readonly unlisten?: () => void;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly stream: Stream,
    private position: number,
    private readonly until: number,
    private readonly options: OpenOptions,
  ) {
    if (options.until === undefined) {
      this.unlisten = feed.listen(stream, (event) => {
        this.live.push(event);
        this.wake?.();
      });
    }
  }

  async next(): Promise<IteratorResult<FeedEvent>> {
    for (;;) {
      if (this.ended) return { done: true, value: undefined };
      const event = await this.take();
      if (!event) continue;
      if (event.seq <= this.position) continue;
      this.position = event.seq;
      if (this.options.filter && !this.options.filter(event)) continue;
      this.options.onDeliver?.(event);
      return { done: false, value: event };
    }
  }

  /** The next change in order: from the log while behind `until`, then live; undefined to look again. */
  private async take(): Promise<FeedEvent | undefined> {
    if (this.backlog.length) return this.backlog.shift();
    if (this.position < this.until) {
      this.backlog = await this.feed.read(this.stream, this.position, this.until);
      if (this.backlog.length === 0) this.position = this.until;
      return undefined;
    }
    if (this.options.until !== undefined) {
      this.finish();
      return undefined;
    }
    if (this.live.length) return this.live.shift();
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return undefined;
  }

  private finish() {
    this.ended = true;
    this.unlisten?.();
    this.wake?.();
  }

  async return(): Promise<IteratorResult<FeedEvent>> {
    this.finish();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<FeedEvent>> {
    this.finish();
    throw error;
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
