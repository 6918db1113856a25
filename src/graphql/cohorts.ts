// Subscription multiplexing: subscribers with the same document, variables and viewer form a
// cohort. Each event is executed once per cohort (one set of database reads, one serialization) and
// the same bytes go to every socket in it, framed with each subscriber's id. Without this, every
// subscriber runs its own execution (and database reads) for every event.
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

type Source = AsyncIterator<ExecutionResult> & { return?(value?: unknown): Promise<IteratorResult<ExecutionResult>> };

interface Cohort {
  key: string;
  members: Set<Member>;
  source: Source;
}

export interface CohortStats {
  cohorts: number;
  members: number;
}

const OPEN = 1; // WebSocket.OPEN
const DONE: IteratorResult<ExecutionResult> = { done: true, value: undefined };

/**
 * What graphql-ws sees for a multiplexed subscriber: an async iterator that yields nothing (the
 * cohort writes its messages to the socket directly) and ends when the cohort does. A class, so
 * that thousands of idle members share their methods (memory per idle subscriber).
 */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private finish!: (result: IteratorResult<ExecutionResult>) => void;
  private readonly done = new Promise<IteratorResult<ExecutionResult>>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    private readonly cohort: Cohort,
    private readonly hub: CohortHub,
  ) {}

  next() {
    return this.done;
  }

  /** graphql-ws ends the subscription (complete, or the socket closed). */
  async return() {
    this.hub.leave(this.cohort, this);
    this.end();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.hub.leave(this.cohort, this);
    this.end();
    throw error;
  }

  /** Ends the (empty) iteration: graphql-ws then completes the subscription. */
  end() {
    this.finish(DONE);
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
   * Joins the cohort `key`, starting it with `start()` (the real GraphQL subscribe) when it is the
   * first. A start that returns a single result (an error, such as a refused subscription) is
   * answered to this subscriber alone.
   */
  async join(
    key: string,
    member: { id: string; socket: WebSocket },
    start: () => Promise<AsyncIterable<ExecutionResult> | ExecutionResult>,
  ): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    let cohort = this.cohorts.get(key);
    if (!cohort) {
      const result = await start();
      if (!(Symbol.asyncIterator in result)) return result;
      cohort = this.cohorts.get(key); // another subscriber may have started it meanwhile
      if (cohort) {
        void (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]().return?.();
      } else {
        cohort = { key, members: new Set(), source: (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]() };
        this.cohorts.set(key, cohort);
        void this.pump(cohort);
      }
    }
    // the member keeps the cohort (and its one copy of the key), not this subscriber's copy
    const entry = new Member(member.id, member.socket, cohort, this);
    cohort.members.add(entry);
    return entry;
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
        const payload = JSON.stringify(value);
        for (const member of cohort.members) {
          if (member.socket.readyState !== OPEN) continue;
          member.socket.send(`{"id":${JSON.stringify(member.id)},"type":"next","payload":${payload}}`);
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
