// Durable jobs whose state lives on their own row (attempts, next attempt, lease): recording
// downloads and analytics imports. A job is claimed with FOR UPDATE SKIP LOCKED and a lease, so it
// runs on one runner at a time, also across instances; the lease is renewed while it runs and lapses
// if the process dies, so a restart (or another instance) resumes it. A failure is retried with
// exponential backoff and jitter, up to a number of attempts; the job decides what a final failure
// writes. Every attempt ends with an outcome reported to `onOutcome`, for counting.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Prisma } from '../db/generated/prisma/client.ts';
import type { PrismaClient } from '../db/types.ts';

export interface JobRunnerOptions {
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with ±50 % jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed job is ours without a heartbeat. */
  leaseMs: number;
  /** How often to look for due jobs (retries, other instances' work) when nobody kicks us. */
  pollMs: number;
  concurrency: number;
}

/**
 * succeeded: done; deferred: done for now, waiting for something else (an analytics file kept until
 * its session appears); retrying: failed, another attempt is due later; failed: failed for good;
 * aborted: stopped mid-way (resumed later).
 */
export type JobOutcome = 'succeeded' | 'deferred' | 'retrying' | 'failed' | 'aborted';

/** What every durable job of the service is given (each adds its own, such as PlugNMeet's API). */
export interface JobServiceDeps {
  prisma: PrismaClient;
  /** Changes were committed to the change log: number and deliver them. */
  changesCommitted: () => void;
  logger: Logger;
  /** Called once per attempt with the job's kind and its outcome (metrics). */
  onOutcome?: (kind: string, outcome: JobOutcome) => void;
}

/** A table whose rows are jobs: columns id, attempts, "nextAttemptAt", "leaseOwner", "leaseExpiresAt", "updatedAt". */
export interface LeasedTable {
  /** The table's name, as quoted in SQL ("Recording"). A constant, never input. */
  table: string;
  /** SQL condition of a row waiting for an attempt, besides being due and not leased (columns unqualified). */
  eligible: string;
  /** SQL assignments made when a row is claimed (status = 'DOWNLOADING'), besides the lease and attempts. */
  onClaim: string;
  /** SQL select list of the claimed row (qualified with r.; picked.previous is the status before). */
  returning: string;
}

export interface ClaimedJob {
  id: string;
  attempts: number;
}

export interface AttemptContext {
  signal: AbortSignal;
  /** This runner's lease owner id: updates of the job row are conditioned on it. */
  owner: string;
  log: Logger;
}

export interface FailureDecision {
  message: string;
  /** No attempt follows: the error is not retryable, or the attempts are used up. */
  final: boolean;
  /** When not final: when the next attempt is due. */
  nextAttemptAt: Date | null;
  error: unknown;
}

export interface DurableJob<J extends ClaimedJob> {
  /** For logs ('recording download'). */
  name: string;
  store: LeasedTable;
  /** One attempt (succeeded unless it says otherwise). Throwing fails it: an error with `retryable: false` fails the job for good. */
  attempt(job: J, ctx: AttemptContext): Promise<'succeeded' | 'deferred' | void>;
  /** Writes a failed attempt to the job row (the lease is released by the runner afterwards). */
  failed(job: J, decision: FailureDecision, ctx: AttemptContext): Promise<void>;
}

export interface JobRunner {
  start(): void;
  /** Look for work now (a webhook just queued some). */
  kick(): void;
  /** Stops claiming, aborts what runs and waits for it, then releases this runner's leases. */
  stop(): Promise<void>;
}

export interface JobRunnerDeps<J extends ClaimedJob> {
  prisma: PrismaClient;
  logger: Logger;
  job: DurableJob<J>;
  options: JobRunnerOptions;
  /** Called once per attempt with its outcome (metrics). */
  onOutcome?: (kind: string, outcome: JobOutcome) => void;
}

export function backoffDelay(
  attempt: number,
  o: Pick<JobRunnerOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random = Math.random,
): number {
  const exponential = Math.min(o.baseDelayMs * 2 ** (attempt - 1), o.maxDelayMs);
  return Math.round(exponential * (0.5 + random()));
}

/** Whether trying again later can help: errors say so with `retryable` (unknown errors may be transient). */
export function isRetryable(error: unknown): boolean {
  return (error as { retryable?: boolean } | null)?.retryable !== false;
}

export function createJobRunner<J extends ClaimedJob>(deps: JobRunnerDeps<J>): JobRunner {
  const { prisma, job: spec, options: o } = deps;
  const { table } = spec.store;
  const owner = `${process.pid}-${randomUUID()}`;
  const log = deps.logger.child({ job: spec.name });
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const outcome = (value: JobOutcome) => {
    try {
      deps.onOutcome?.(spec.name, value);
    } catch (error) {
      log.warn({ err: error }, 'onOutcome threw');
    }
  };
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let looking: Promise<void> | undefined;
  let again = false;

  async function claim(): Promise<J | undefined> {
    const now = new Date();
    const { eligible, onClaim, returning } = spec.store;
    const rows = await prisma.$queryRaw<J[]>(Prisma.sql`
      WITH picked AS (
        SELECT id, status::text AS previous FROM ${Prisma.raw(`"${table}"`)}
        WHERE (${Prisma.raw(eligible)})
          AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
          AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
        ORDER BY "createdAt" LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${Prisma.raw(`"${table}"`)} AS r
      SET ${Prisma.raw(onClaim)}, "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(now.getTime() + o.leaseMs)},
          attempts = r.attempts + 1, "updatedAt" = ${now}
      FROM picked WHERE r.id = picked.id
      RETURNING ${Prisma.raw(returning)}`);
    return rows[0];
  }

  const renew = (id: string) =>
    prisma.$executeRaw(Prisma.sql`
      UPDATE ${Prisma.raw(`"${table}"`)} SET "leaseExpiresAt" = ${new Date(Date.now() + o.leaseMs)}
      WHERE id = ${id} AND "leaseOwner" = ${owner}`);

  const release = (id?: string) =>
    prisma.$executeRaw(Prisma.sql`
      UPDATE ${Prisma.raw(`"${table}"`)} SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL
      WHERE "leaseOwner" = ${owner} ${id === undefined ? Prisma.empty : Prisma.sql`AND id = ${id}`}`);

  async function run(job: J, controller: AbortController) {
    const ctx: AttemptContext = {
      signal: controller.signal,
      owner,
      log: log.child({ jobId: job.id, attempt: job.attempts }),
    };
    const heartbeat = setInterval(
      () => {
        renew(job.id).catch((error) => ctx.log.warn({ err: error }, 'lease heartbeat failed'));
      },
      Math.max(1_000, o.leaseMs / 3),
    );
    try {
      outcome((await spec.attempt(job, ctx)) ?? 'succeeded');
    } catch (error) {
      // shutting down: the lease is released (or lapses), and a later run resumes the job
      if (controller.signal.aborted) return outcome('aborted');
      const final = !isRetryable(error) || job.attempts >= o.maxAttempts;
      const delay = backoffDelay(job.attempts, o);
      const message = error instanceof Error ? error.message : String(error);
      ctx.log.warn(
        { err: error, final, retryInMs: final ? undefined : delay },
        final ? `${spec.name} failed` : `${spec.name} failed; will retry`,
      );
      try {
        await spec.failed(
          job,
          { message, final, nextAttemptAt: final ? null : new Date(Date.now() + delay), error },
          ctx,
        );
      } catch (writeError) {
        // the lease lapses and the attempt is made again: nothing is lost
        ctx.log.error({ err: writeError }, `could not record the failed ${spec.name}`);
      }
      outcome(final ? 'failed' : 'retrying');
      if (!final) schedule(delay + 10);
    } finally {
      clearInterval(heartbeat);
      await release(job.id).catch(() => {});
    }
  }

  async function lookForWork() {
    do {
      again = false;
      while (!stopped && running.size < o.concurrency) {
        const job = await claim().catch((error) => {
          log.warn({ err: error }, `could not look for ${spec.name} jobs`);
          return undefined;
        });
        if (!job) break;
        const controller = new AbortController();
        const done = run(job, controller).finally(() => {
          running.delete(job.id);
          if (!stopped) kick();
        });
        running.set(job.id, { controller, done });
      }
    } while (again && !stopped);
  }

  function kick() {
    if (stopped) return;
    if (looking) {
      again = true;
      return;
    }
    looking = lookForWork().finally(() => (looking = undefined));
  }

  function schedule(ms: number) {
    if (stopped) return;
    setTimeout(kick, ms).unref();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(kick, o.pollMs);
      timer.unref();
      kick();
    },
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await looking;
      for (const { controller } of running.values()) controller.abort(new Error(`${spec.name} stopped`));
      await Promise.all([...running.values()].map((r) => r.done));
      // release every lease of ours at once so a restart resumes without waiting for them to lapse
      await release().catch(() => {});
    },
  };
}

/** On the embedded database only this process can hold leases: any lease there is a previous run's. */
export async function releaseStaleLeases(prisma: PrismaClient, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    await prisma.$executeRaw(
      Prisma.sql`UPDATE ${Prisma.raw(`"${table}"`)} SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL WHERE "leaseOwner" IS NOT NULL`,
    );
  }
}
