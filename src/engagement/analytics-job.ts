import type { Prisma } from '../db/generated/prisma/client.ts';
import {
  createJobRunner,
  type DurableJob,
  type JobRunner,
  type JobRunnerOptions,
  type JobServiceDeps,
  type LeasedTable,
} from '../jobs/durable.ts';
import type { PlugNMeetApi } from '../plugnmeet/api/client.ts';
import { parseAnalyticsFile } from './analytics-file.ts';
import { LostLeaseError, storeAnalytics } from './analytics-store.ts';

export interface AnalyticsImporterOptions extends JobRunnerOptions {
  /** A larger file is not downloaded (the import fails, saying so). */
  maxFileBytes: number;
  /**
   * The file exists once the room ended, but Rollcall's session may not be ended yet (its last
   * webhooks late, retried by PlugNMeet): the import waits for that end, up to this long after the
   * file was queued, so that users whose joins are still on their way are not left out.
   */
  waitForEndMs: number;
}

export const DEFAULT_ANALYTICS_OPTIONS: AnalyticsImporterOptions = {
  // PlugNMeet may list the artifact a little after its webhook: give it a while
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 10 * 60_000,
  leaseMs: 60_000,
  pollMs: 5_000,
  concurrency: 1,
  maxFileBytes: 32 * 1024 * 1024,
  waitForEndMs: 15 * 60_000,
};

export interface AnalyticsImporterDeps extends JobServiceDeps {
  api: PlugNMeetApi;
  options?: Partial<AnalyticsImporterOptions>;
}

interface Claimed {
  id: string;
  roomId: string;
  roomSid: string;
  sessionId: string | null;
  fileId: string | null;
  /** The file as downloaded before (kept while its session was unknown). */
  file: unknown;
  attempts: number;
  createdAt: Date;
}

/** The file cannot be imported, now or later: the import fails with this message. */
class UnusableFileError extends Error {
  readonly retryable = false;
  constructor(
    message: string,
    /** What to keep of it (the parsed JSON, or the text that did not parse). */
    readonly keep?: Prisma.InputJsonValue,
  ) {
    super(message);
  }
}

const IMPORTS: LeasedTable = {
  table: 'AnalyticsImport',
  eligible: `status IN ('PENDING', 'DOWNLOADING')`,
  onClaim: `status = 'DOWNLOADING'`,
  returning: `r.id, r."roomId", r."roomSid", r."sessionId", r."fileId", r.file, r.attempts, r."createdAt"`,
};

export function createAnalyticsImporter(deps: AnalyticsImporterDeps): JobRunner {
  const o = { ...DEFAULT_ANALYTICS_OPTIONS, ...deps.options };
  const { prisma, api } = deps;

  /** Updates the import while this runner holds its lease (the lease is then released). */
  const finish = async (
    owner: string,
    id: string,
    data: Prisma.AnalyticsImportUpdateManyMutationInput,
    sessionIdIsNull = false,
  ) => {
    const { count } = await prisma.analyticsImport.updateMany({
      where: { id, leaseOwner: owner, ...(sessionIdIsNull ? { sessionId: null } : {}) },
      data: { ...data, leaseOwner: null, leaseExpiresAt: null },
    });
    return count === 1;
  };

  async function download(job: Claimed, signal: AbortSignal, owner: string): Promise<unknown> {
    let fileId = job.fileId;
    if (!fileId) {
      // the event carried no file id: PlugNMeet lists the run's artifacts (retried until it does)
      const [latest] = await api.analyticsArtifacts(job.roomSid, { signal });
      if (!latest?.artifact_id) throw new Error(`PlugNMeet lists no analytics artifact for run ${job.roomSid} (yet)`);
      fileId = latest.artifact_id;
      await prisma.analyticsImport.updateMany({ where: { id: job.id, leaseOwner: owner }, data: { fileId } });
    }
    const info = await api.artifactInfo(fileId, { signal });
    const runOfFile = info.roomInfo?.room_sid;
    if (runOfFile && runOfFile !== job.roomSid) {
      throw new UnusableFileError(`artifact ${fileId} is the analytics of run ${runOfFile}, not of run ${job.roomSid}`);
    }
    if (info.fileSize !== null && info.fileSize > o.maxFileBytes) throw tooLarge(fileId, info.fileSize);
    const token = await api.artifactDownloadToken(fileId, { signal });
    const file = await api.downloadArtifact(token, { signal });
    if (file.contentLength !== null && file.contentLength > o.maxFileBytes) {
      file.stream.destroy();
      throw tooLarge(fileId, file.contentLength);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of file.stream) {
      size += (chunk as Buffer).length;
      if (size > o.maxFileBytes) {
        file.stream.destroy();
        throw tooLarge(fileId, size, 'over');
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new UnusableFileError(`malformed analytics file ${fileId}: not JSON (${(error as Error).message})`, text);
    }
  }

  const tooLarge = (fileId: string, bytes: number, over = '') =>
    new UnusableFileError(
      `analytics file ${fileId} is ${over ? 'over ' : ''}${bytes} bytes, more than the ${o.maxFileBytes} allowed (ANALYTICS_MAX_FILE_MB): not imported`,
    );

  const job: DurableJob<Claimed> = {
    name: 'analytics import',
    store: IMPORTS,
    async attempt(job, { signal, owner, log }) {
      let raw: unknown;
      try {
        raw = job.file ?? (await download(job, signal, owner));
      } catch (error) {
        if (error instanceof UnusableFileError && error.keep !== undefined) job.file = error.keep;
        throw error;
      }
      const parsed = parseAnalyticsFile(raw);
      if (!parsed.ok) {
        job.file = raw; // kept for inspection with the failure
        throw new UnusableFileError(parsed.error);
      }
      const file = raw as Prisma.InputJsonValue;
      const sessionId =
        job.sessionId ??
        (await prisma.liveSession.findUnique({ where: { roomSid: job.roomSid }, select: { id: true } }))?.id;
      if (!sessionId) {
        // kept: the run's first event (sessions.sql) links it and sets it PENDING again
        const kept = await finish(
          owner,
          job.id,
          {
            status: 'NO_SESSION',
            file,
            error: `Rollcall has no session of run ${job.roomSid}: the file is kept and imported when one appears`,
          },
          true,
        );
        if (kept) {
          log.warn({ roomSid: job.roomSid }, 'analytics file of a run Rollcall never saw: kept');
          return 'deferred';
        }
        // the session appeared meanwhile
        const linked = await prisma.analyticsImport.findUniqueOrThrow({
          where: { id: job.id },
          select: { sessionId: true, leaseOwner: true },
        });
        if (!linked.sessionId || linked.leaseOwner !== owner) return 'deferred';
        job.sessionId = linked.sessionId;
      }
      const session = await prisma.liveSession.findUniqueOrThrow({
        where: { id: job.sessionId ?? sessionId! },
        select: { endedAt: true },
      });
      if (!session.endedAt && Date.now() - new Date(job.createdAt).getTime() < o.waitForEndMs) {
        // not an attempt spent: tried again shortly, until the session ends or the wait is over
        await finish(owner, job.id, {
          status: 'PENDING',
          file,
          attempts: { decrement: 1 },
          nextAttemptAt: new Date(Date.now() + o.baseDelayMs),
          error: `waiting for session ${job.sessionId ?? sessionId} to end before importing its analytics file`,
        });
        return 'deferred';
      }
      try {
        const report = await storeAnalytics(prisma, {
          importId: job.id,
          owner,
          sessionId: job.sessionId ?? sessionId!,
          users: parsed.users,
          file,
        });
        deps.changesCommitted();
        if (report.unknownUsers.length)
          log.warn(
            { unknownUsers: report.unknownUsers, roomSid: job.roomSid },
            'analytics file lists users unknown to the session: left out',
          );
        log.info({ ...report, roomSid: job.roomSid }, 'analytics file imported');
      } catch (error) {
        if (error instanceof LostLeaseError) return 'deferred';
        throw error;
      }
    },
    async failed(job, { message, final, nextAttemptAt }, { owner }) {
      const keep = job.file === undefined || job.file === null ? {} : { file: job.file as Prisma.InputJsonValue };
      await finish(
        owner,
        job.id,
        final
          ? { status: 'FAILED', error: message, nextAttemptAt: null, ...keep }
          : { status: 'PENDING', error: message, nextAttemptAt },
      );
    },
  };

  return createJobRunner({
    prisma,
    logger: deps.logger.child({ component: 'analytics' }),
    job,
    options: o,
    onOutcome: deps.onOutcome,
  });
}
