// The durable download job (jobs/durable.ts): its state lives on the Recording row (attempts, next
// attempt, lease), so it survives restarts, and its lease keeps it to one runner, also across
// instances. Files stream to a temporary name (size and SHA-256 computed on the way)
// and are renamed into place only when complete.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Change, RecordingStatus } from '../attendance/events.ts';
import { appendChanges } from '../changes/log.ts';
import type { Prisma } from '../db/generated/prisma/client.ts';
import {
  backoffDelay,
  createJobRunner,
  type DurableJob,
  type JobRunner,
  type JobRunnerOptions,
  type JobServiceDeps,
  type LeasedTable,
} from '../jobs/durable.ts';
import { makeThumbnail, probeMedia } from './media.ts';
import { type MediaToolPaths, mediaToolsAvailable } from './media-tools.ts';
import type { PlugNMeetApi } from '../plugnmeet/api/client.ts';
import { extensionFor, mimeTypeFor } from './storage.ts';

export interface DownloaderOptions extends JobRunnerOptions {
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

export interface DownloaderDeps extends JobServiceDeps {
  /** Folder of the stored files (DATA_DIR/recordings). */
  dir: string;
  api: PlugNMeetApi;
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

/** start(), kick() when a recording_proceeded committed, stop() (aborts running downloads: a later run resumes them). */
export type Downloader = JobRunner;

export { backoffDelay };

/** A recording is a job once its file is ready, until READY or FAILED. */
const RECORDINGS: LeasedTable = {
  table: 'Recording',
  eligible: `"fileReady" AND status IN ('PROCESSING', 'DOWNLOADING')`,
  onClaim: `status = 'DOWNLOADING'`,
  returning: `r.id, r."recordId", r."roomId", r."sessionId", r."sourcePath", r.attempts, picked.previous`,
};

export function createDownloader(deps: DownloaderDeps): Downloader {
  const o = { ...DEFAULT_DOWNLOADER_OPTIONS, ...deps.options };
  const log = deps.logger.child({ component: 'recordings' });
  let mediaWarned = false;

  /** Updates the recording, if this run still holds its lease, and logs the status change with it. */
  const update = async (
    owner: string,
    id: string,
    data: Prisma.RecordingUpdateManyMutationInput,
    status?: RecordingStatus,
  ): Promise<boolean> => {
    const done = await deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.recording.updateMany({ where: { id, leaseOwner: owner }, data });
      if (count === 0 || !status) return count === 1;
      const r = await tx.recording.findUniqueOrThrow({
        where: { id },
        select: { roomId: true, sessionId: true, session: { select: { courseId: true } } },
      });
      const change: Change = {
        type: 'recording',
        status,
        recordingId: id,
        roomId: r.roomId,
        sessionId: r.sessionId,
        courseId: r.session?.courseId ?? null,
      };
      await appendChanges(tx, [change]);
      return true;
    });
    if (done && status) deps.changesCommitted();
    return done;
  };

  async function download(job: Claimed, signal: AbortSignal, owner: string) {
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
        throw Object.assign(new Error(`download cut short: ${size} of ${file.contentLength} bytes`), {
          retryable: true,
        });
      }
      await rename(partPath, finalPath);
    } catch (error) {
      await rm(partPath, { force: true });
      throw error;
    }
    return {
      fileName,
      finalPath,
      size,
      sha256: hash.digest('hex'),
      title: info?.recording?.metadata?.title || info?.roomInfo?.room_title || null,
    };
  }

  async function describeMedia(finalPath: string, fileName: string, id: string) {
    const tools = await mediaToolsAvailable(o.media);
    if (!tools.available) {
      if (!mediaWarned)
        log.warn(
          { reason: tools.reason },
          'ffprobe/ffmpeg unavailable: recordings are stored without duration, type or thumbnail',
        );
      mediaWarned = true;
      return { type: null, durationSeconds: null, hasThumbnail: false, mimeType: mimeTypeFor(fileName, null) };
    }
    const probe = await probeMedia(finalPath, o.media).catch((error) => {
      // the bytes are PlugNMeet's, verified by length: keep them, without what ffprobe could not tell
      log.warn(
        { err: error, recordingId: id },
        'ffprobe could not read the recording; stored without duration or type',
      );
      return null;
    });
    if (!probe)
      return { type: null, durationSeconds: null, hasThumbnail: false, mimeType: mimeTypeFor(fileName, null) };
    let hasThumbnail = false;
    if (probe.hasVideo) {
      try {
        await makeThumbnail(finalPath, path.join(deps.dir, `${id}.jpg`), { ...o.media, probe });
        hasThumbnail = true;
      } catch (error) {
        log.warn({ err: error, recordingId: id }, 'thumbnail failed; the recording is still ready');
      }
    }
    return {
      type: probe.type,
      durationSeconds: probe.durationSeconds,
      hasThumbnail,
      mimeType: mimeTypeFor(fileName, probe.hasVideo),
    };
  }

  const job: DurableJob<Claimed> = {
    name: 'recording download',
    store: RECORDINGS,
    async attempt(job, { signal, owner, log: jobLog }) {
      if (job.previous !== 'DOWNLOADING') await update(owner, job.id, { status: 'DOWNLOADING' }, 'DOWNLOADING');
      jobLog.info({ recordId: job.recordId }, 'downloading recording');
      const stored = await download(job, signal, owner);
      const media = await describeMedia(stored.finalPath, stored.fileName, job.id);
      const done = await update(
        owner,
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
      if (done) jobLog.info({ bytes: stored.size, sha256: stored.sha256, type: media.type }, 'recording ready');
    },
    async failed(job, { message, final, nextAttemptAt }, { owner }) {
      await update(
        owner,
        job.id,
        final ? { status: 'FAILED', error: message, nextAttemptAt: null } : { error: message, nextAttemptAt },
        final ? 'FAILED' : undefined,
      );
    },
  };

  return createJobRunner({ prisma: deps.prisma, logger: log, job, options: o, onOutcome: deps.onOutcome });
}
