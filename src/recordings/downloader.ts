// The durable download job. Its state lives on the Recording row (attempts, next attempt, lease), so
// it survives restarts, and a lease claimed with FOR UPDATE SKIP LOCKED keeps any job to one runner,
// also across instances. Files stream to a temporary name (size and SHA-256 computed on the way)
// and are renamed into place only when complete.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Change, RecordingStatus } from '../attendance/events.ts';
import { appendChanges } from '../changes/log.ts';
import type { Prisma } from '../db/generated/prisma/client.ts';
import type { PrismaClient } from '../db/types.ts';
import { makeThumbnail, mediaToolsAvailable, probeMedia, type MediaToolPaths } from './media.ts';
import type { PlugNMeetApi } from '../plugnmeet/api/client.ts';
import { extensionFor, mimeTypeFor } from './storage.ts';
import { metrics } from '../ops/metrics.ts';

export interface DownloaderOptions {
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with ±50 % jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed job is ours without a heartbeat. */
  leaseMs: number;
  /** How often to look for due jobs (retries, other instances' work) when nobody kicks us. */
  pollMs: number;
  concurrency: number;
  media?: MediaToolPaths;
}

export const DEFAULT_DOWNLOADER_OPTIONS: DownloaderOptions = {
  maxAttempts: 6,
  baseDelayMs: 5_000,
  maxDelayMs: 10 * 60_000,
  leaseMs: 60_000,
  pollMs: 5_000,
  concurrency: 2,
};

export interface DownloaderDeps {
  prisma: PrismaClient;
  /** Folder of the stored files (DATA_DIR/recordings). */
  dir: string;
  api: PlugNMeetApi;
  /** Changes were committed to the change log: number and deliver them. */
  changesCommitted: () => void;
  logger: Logger;
  options?: Partial<DownloaderOptions>;
}

interface Claimed {
  id: string;
  recordId: string;
  roomId: string;
  sessionId: string | null;
  sourcePath: string | null;
  attempts: number;
  previous: string;
}

export interface Downloader {
  start(): void;
  /** Look for work now (a recording_proceeded just committed). */
  kick(): void;
  /** Stops claiming; aborts running downloads (their leases lapse and another run resumes them). */
  stop(): Promise<void>;
}

export function backoffDelay(attempt: number, o: Pick<DownloaderOptions, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const exponential = Math.min(o.baseDelayMs * 2 ** (attempt - 1), o.maxDelayMs);
  return Math.round(exponential * (0.5 + random()));
}

export function createDownloader(deps: DownloaderDeps): Downloader {
  const o = { ...DEFAULT_DOWNLOADER_OPTIONS, ...deps.options };
  const owner = `${process.pid}-${randomUUID()}`;
  const log = deps.logger.child({ component: 'recordings' });
  const running = new Map<string, AbortController>();
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let looking: Promise<void> | undefined;
  let again = false;
  let mediaWarned = false;

  /** Updates the recording, if this run still holds its lease, and logs the status change with it. */
  const update = async (id: string, data: Prisma.RecordingUpdateManyMutationInput, status?: RecordingStatus): Promise<boolean> => {
    const done = await deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.recording.updateMany({ where: { id, leaseOwner: owner }, data });
      if (count === 0 || !status) return count === 1;
      const r = await tx.recording.findUniqueOrThrow({ where: { id }, select: { roomId: true, sessionId: true, session: { select: { courseId: true } } } });
      const change: Change = { type: 'recording', status, recordingId: id, roomId: r.roomId, sessionId: r.sessionId, courseId: r.session?.courseId ?? null };
      await appendChanges(tx, [change]);
      return true;
    });
    if (done && status) deps.changesCommitted();
    return done;
  };

  async function claim(): Promise<Claimed | undefined> {
    const now = new Date();
    const rows = await deps.prisma.$queryRaw<Claimed[]>`
      WITH picked AS (
        SELECT id, status::text AS previous FROM "Recording"
        WHERE "fileReady" AND status IN ('PROCESSING', 'DOWNLOADING')
          AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
          AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
        ORDER BY "createdAt" LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "Recording" AS r
      SET status = 'DOWNLOADING', "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(now.getTime() + o.leaseMs)},
          attempts = r.attempts + 1, "updatedAt" = ${now}
      FROM picked WHERE r.id = picked.id
      RETURNING r.id, r."recordId", r."roomId", r."sessionId", r."sourcePath", r.attempts, picked.previous`;
    return rows[0];
  }

  async function download(job: Claimed, signal: AbortSignal) {
    const info = await deps.api.recordingInfo(job.recordId, { signal }).catch(() => null); // title only: optional
    const token = await deps.api.downloadToken(job.recordId, { signal });
    const file = await deps.api.download(token, { signal });
    await mkdir(deps.dir, { recursive: true });
    const fileName = `${job.id}${extensionFor(job.sourcePath ?? file.fileName)}`;
    const finalPath = path.join(deps.dir, fileName);
    const partPath = `${finalPath}.${owner}.part`;
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(file.stream, meter, createWriteStream(partPath, { flags: 'w' }), { signal });
      if (file.contentLength !== null && size !== file.contentLength) {
        throw Object.assign(new Error(`download cut short: ${size} of ${file.contentLength} bytes`), { retryable: true });
      }
      await rename(partPath, finalPath);
    } catch (error) {
      await rm(partPath, { force: true });
      throw error;
    }
    return { fileName, finalPath, size, sha256: hash.digest('hex'), title: info?.recording?.metadata?.title || info?.roomInfo?.room_title || null };
  }

  async function describeMedia(finalPath: string, fileName: string, id: string) {
    const tools = await mediaToolsAvailable(o.media);
    if (!tools.available) {
      if (!mediaWarned) log.warn({ reason: tools.reason }, 'ffprobe/ffmpeg unavailable: recordings are stored without duration, type or thumbnail');
      mediaWarned = true;
      return { type: null, durationSeconds: null, hasThumbnail: false, mimeType: mimeTypeFor(fileName, null) };
    }
    const probe = await probeMedia(finalPath, o.media).catch((error) => {
      // the bytes are PlugNMeet's, verified by length: keep them, without what ffprobe could not tell
      log.warn({ err: error, recordingId: id }, 'ffprobe could not read the recording; stored without duration or type');
      return null;
    });
    if (!probe) return { type: null, durationSeconds: null, hasThumbnail: false, mimeType: mimeTypeFor(fileName, null) };
    let hasThumbnail = false;
    if (probe.hasVideo) {
      try {
        await makeThumbnail(finalPath, path.join(deps.dir, `${id}.jpg`), { ...o.media, probe });
        hasThumbnail = true;
      } catch (error) {
        log.warn({ err: error, recordingId: id }, 'thumbnail failed; the recording is still ready');
      }
    }
    return { type: probe.type, durationSeconds: probe.durationSeconds, hasThumbnail, mimeType: mimeTypeFor(fileName, probe.hasVideo) };
  }

  async function run(job: Claimed) {
    const controller = new AbortController();
    running.set(job.id, controller);
    const jobLog = log.child({ recordingId: job.id, recordId: job.recordId, attempt: job.attempts });
    const heartbeat = setInterval(() => {
      deps.prisma.recording
        .updateMany({ where: { id: job.id, leaseOwner: owner }, data: { leaseExpiresAt: new Date(Date.now() + o.leaseMs) } })
        .catch((error) => jobLog.warn({ err: error }, 'lease heartbeat failed'));
    }, Math.max(1_000, o.leaseMs / 3));
    metrics.jobs.inc({ kind: 'recording', outcome: 'started' });
    try {
      if (job.previous !== 'DOWNLOADING') await update(job.id, { status: 'DOWNLOADING' }, 'DOWNLOADING');
      jobLog.info('downloading recording');
      const stored = await download(job, controller.signal);
      const media = await describeMedia(stored.finalPath, stored.fileName, job.id);
      const done = await update(
        job.id,
        {
          status: 'READY',
          fileName: stored.fileName,
          fileSize: BigInt(stored.size),
          sha256: stored.sha256,
          title: stored.title ?? undefined,
          ...media,
          readyAt: new Date(),
          error: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          nextAttemptAt: null,
        },
        'READY',
      );
      metrics.jobs.inc({ kind: 'recording', outcome: 'succeeded' });
      if (done) jobLog.info({ bytes: stored.size, sha256: stored.sha256, type: media.type }, 'recording ready');
    } catch (error) {
      if (controller.signal.aborted) return; // shutting down: the lease lapses, another run resumes it
      const message = error instanceof Error ? error.message : String(error);
      const retryable = (error as { retryable?: boolean }).retryable !== false;
      const final = !retryable || job.attempts >= o.maxAttempts;
      const delay = backoffDelay(job.attempts, o);
      metrics.jobs.inc({ kind: 'recording', outcome: final ? 'failed' : 'retried' });
      jobLog.warn({ err: error, final, retryInMs: final ? undefined : delay }, final ? 'recording download failed' : 'recording download failed; will retry');
      await update(
        job.id,
        final
          ? { status: 'FAILED', error: message, leaseOwner: null, leaseExpiresAt: null, nextAttemptAt: null }
          : { error: message, leaseOwner: null, leaseExpiresAt: null, nextAttemptAt: new Date(Date.now() + delay) },
        final ? 'FAILED' : undefined,
      );
      if (!final) schedule(delay + 10);
    } finally {
      clearInterval(heartbeat);
      running.delete(job.id);
    }
  }

  async function lookForWork() {
    do {
      again = false;
      while (!stopped && running.size < o.concurrency) {
        const job = await claim().catch((error) => {
          log.warn({ err: error }, 'could not look for recording jobs');
          return undefined;
        });
        if (!job) break;
        void run(job).finally(() => !stopped && kick());
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
      for (const controller of running.values()) controller.abort();
      await looking;
      // release our leases at once so a restart resumes without waiting for them to lapse
      await deps.prisma.recording
        .updateMany({ where: { leaseOwner: owner }, data: { leaseOwner: null, leaseExpiresAt: null } })
        .catch(() => {});
    },
  };
}

/** On the embedded database only this process can hold leases: any lease is a previous run's. */
export async function releaseStaleLeases(prisma: PrismaClient): Promise<void> {
  await prisma.recording.updateMany({ where: { leaseOwner: { not: null } }, data: { leaseOwner: null, leaseExpiresAt: null } });
}
