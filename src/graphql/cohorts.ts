// Subscription multiplexing: subscribers with the same document, variables and viewer form a
// cohort. Each event is executed once per cohort (one set of database reads, one serialization) and
// the same bytes go to every socket in it, framed with each subscriber's id. Without this, every
// subscriber runs its own execution (and database reads) for every event.
//
// A subscriber resuming after a cursor joins the cohort (its cursor is not part of the key) but
// first catches up on its own: its execution reads the change log up to where the feed was when it
// joined, while the cohort's messages for it wait; then those numbered after that point follow, so
// the seam has no gap and no repeat.
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

type Source = AsyncIterator<ExecutionResult> & { return?(value?: unknown): Promise<IteratorResult<ExecutionResult>> };

interface Cohort {
  key: string;
  hub: CohortHub;
  members: Set<Member>;
  source: Source;
  /** The number of the change the source last delivered (its context's onDeliver sets it). */
  delivered: { seq: number };
}

/** How a subscriber's operation runs: live for the cohort, and from its cursor to `until` alone. */
export interface CohortOperations {
  /** The cohort's live execution (the first subscriber's operation without its cursor). */
  start(delivered: { seq: number }): Promise<AsyncIterable<ExecutionResult> | ExecutionResult>;
  /** This subscriber's catch-up: its operation with its cursor, reading the log up to `until`. */
  catchUp?(until: number): Promise<AsyncIterable<ExecutionResult> | ExecutionResult>;
  /** Where the feed is: the number of the last change delivered on this instance. */
  head(): number;
}

export interface CohortStats {
  cohorts: number;
  members: number;
}

const OPEN = 1; // WebSocket.OPEN
const DONE: IteratorResult<ExecutionResult> = { done: true, value: undefined };

/** What a member that resumed after a cursor keeps (most members have none). */
interface Resumed {
  /** It had every change up to this number from its catch-up. */
  after: number;
  /** While catching up: the cohort's messages (change number, payload) held back. */
  pending?: Array<[seq: number, payload: string]>;
  /** Its own catch-up execution, while it runs. */
  catchingUp?: Source;
}

/**
 * What graphql-ws sees for a multiplexed subscriber: an async iterator that yields nothing (the
 * cohort writes its messages to the socket directly) and ends when the cohort does. A class, so
 * that thousands of idle members share their methods, with as few fields as it needs (memory per
 * idle subscriber).
 */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private finish!: (result: IteratorResult<ExecutionResult>) => void;
  private readonly done = new Promise<IteratorResult<ExecutionResult>>((resolve) => {
    this.finish = resolve;
  });
  resumed?: Resumed;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    private readonly cohort: Cohort,
  ) {}

  next() {
    return this.done;
  }

  /** graphql-ws ends the subscription (complete, or the socket closed). */
  async return() {
    this.cohort.hub.leave(this.cohort, this);
    this.end();
    void this.resumed?.catchingUp?.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.cohort.hub.leave(this.cohort, this);
    this.end();
    throw error;
  }

  /** Ends the (empty) iteration: graphql-ws then completes the subscription. */
  end() {
    this.finish(DONE);
  }

  send(payload: string) {
    if (this.socket.readyState === OPEN)
      this.socket.send(`{"id":${JSON.stringify(this.id)},"type":"next","payload":${payload}}`);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

export class CohortHub {
  private readonly cohorts = new Map<string, Cohort>();

  stats(): CohortStats {
    let members = 0;
    for (const cohort of this.cohorts.values()) members += cohort.members.size;
    return { cohorts: this.cohorts.size, members };
  }

  /**
   * Joins the cohort `key`, starting it (the real GraphQL subscribe, live) when it is the first. A
   * start or a catch-up that returns a single result (an error, such as a refused subscription or an
   * expired cursor) is answered to this subscriber alone.
   */
  async join(
    key: string,
    member: { id: string; socket: WebSocket; resume: boolean },
    operations: CohortOperations,
  ): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    let cohort = this.cohorts.get(key);
    if (!cohort) {
      const delivered = { seq: 0 };
      const result = await operations.start(delivered);
      if (!(Symbol.asyncIterator in result)) return result;
      cohort = this.cohorts.get(key); // another subscriber may have started it meanwhile
      if (cohort) {
        void (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]().return?.();
      } else {
        cohort = {
          key,
          hub: this,
          members: new Set(),
          source: (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator](),
          delivered,
        };
        this.cohorts.set(key, cohort);
        void this.pump(cohort);
      }
    }
    // the member keeps the cohort (and its one copy of the key), not this subscriber's copy
    const entry = new Member(member.id, member.socket, cohort);
    if (!member.resume || !operations.catchUp) {
      cohort.members.add(entry);
      return entry;
    }
    // Everything numbered up to `until` comes from the log, the cohort's messages after it follow.
    const until = operations.head();
    entry.resumed = { after: until, pending: [] };
    cohort.members.add(entry);
    let catchUp: AsyncIterable<ExecutionResult> | ExecutionResult;
    try {
      catchUp = await operations.catchUp(until);
    } catch (error) {
      this.leave(cohort, entry);
      throw error;
    }
    if (!(Symbol.asyncIterator in catchUp)) {
      this.leave(cohort, entry);
      return catchUp;
    }
    void this.catchUp(entry, (catchUp as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]());
    return entry;
  }

  /** Sends a resumed member its catch-up, then what the cohort held back for it, then it goes live. */
  private async catchUp(member: Member, source: Source) {
    const resumed = member.resumed as Resumed;
    resumed.catchingUp = source;
    try {
      for (;;) {
        const { done, value } = await source.next();
        if (done) break;
        member.send(JSON.stringify(value));
      }
    } catch {
      member.end(); // its stream broke: graphql-ws completes it, and the client resubscribes
      return;
    }
    const held = resumed.pending ?? [];
    resumed.pending = undefined;
    resumed.catchingUp = undefined;
    for (const [seq, payload] of held) if (seq > resumed.after) member.send(payload);
  }

  /** @internal A member's subscription ended; the last one stops the cohort's source. */
  leave(cohort: Cohort, member: Member) {
    if (!cohort.members.delete(member) || cohort.members.size > 0) return;
    if (this.cohorts.get(cohort.key) === cohort) this.cohorts.delete(cohort.key);
    void cohort.source.return?.();
  }

  private async pump(cohort: Cohort) {
    try {
      for (;;) {
        const { done, value } = await cohort.source.next();
        if (done) break;
        const seq = cohort.delivered.seq;
        const payload = JSON.stringify(value);
        for (const member of cohort.members) {
          const resumed = member.resumed;
          if (resumed?.pending) resumed.pending.push([seq, payload]);
          else if (seq > (resumed?.after ?? 0)) member.send(payload);
        }
      }
    } catch {
      // the source failed: its subscribers are completed below and may subscribe again
    } finally {
      if (this.cohorts.get(cohort.key) === cohort) this.cohorts.delete(cohort.key);
      for (const member of cohort.members) member.end();
      cohort.members.clear();
    }
  }
}
