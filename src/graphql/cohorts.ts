// Subscription multiplexing: subscribers with the same document, variables and viewer form a
// cohort. Each event is executed once per cohort (one set of database reads, one serialization) and
// the same bytes go to every socket in it, framed with each subscriber's id. Without this, every
// subscriber runs its own execution (and database reads) for every event.
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

type Source = AsyncIterator<ExecutionResult> & { return?(value?: unknown): Promise<IteratorResult<ExecutionResult>> };

interface Member {
  id: string;
  socket: WebSocket;
  /** Ends the member's (empty) iterator: graphql-ws then completes the subscription. */
  end(): void;
}

interface Cohort {
  members: Set<Member>;
  source: Source;
}

export interface CohortStats {
  cohorts: number;
  members: number;
}

const OPEN = 1; // WebSocket.OPEN

/**
 * What graphql-ws sees for a multiplexed subscriber: an async iterator that yields nothing (the
 * cohort writes its messages to the socket directly) and ends when the cohort does.
 */
function memberIterator(onReturn: () => void) {
  let finish!: () => void;
  const done = new Promise<IteratorResult<ExecutionResult>>((resolve) => {
    finish = () => resolve({ done: true, value: undefined });
  });
  const iterator: AsyncGenerator<ExecutionResult> = {
    next: () => done,
    return: async () => {
      onReturn();
      finish();
      return { done: true, value: undefined };
    },
    throw: async (error) => {
      onReturn();
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  } as AsyncGenerator<ExecutionResult>;
  return { iterator, end: finish };
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
        cohort = { members: new Set(), source: (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]() };
        this.cohorts.set(key, cohort);
        void this.pump(key, cohort);
      }
    }
    const joined = cohort;
    const entry: Member = { ...member, end: () => {} };
    const { iterator, end } = memberIterator(() => this.leave(key, joined, entry));
    entry.end = end;
    joined.members.add(entry);
    return iterator;
  }

  private leave(key: string, cohort: Cohort, member: Member) {
    if (!cohort.members.delete(member) || cohort.members.size > 0) return;
    if (this.cohorts.get(key) === cohort) this.cohorts.delete(key);
    void cohort.source.return?.();
  }

  private async pump(key: string, cohort: Cohort) {
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
      if (this.cohorts.get(key) === cohort) this.cohorts.delete(key);
      for (const member of cohort.members) member.end();
      cohort.members.clear();
    }
  }
}
