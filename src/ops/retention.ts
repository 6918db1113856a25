// RETENTION_DAYS: personal data is kept no longer than that. Sessions (with their attendances,
// spans and engagement), stored webhooks and analytics files older than the limit are deleted a
// small batch at a time, each batch its own short statement, so that webhooks arriving meanwhile
// wait for one batch at most, never for the whole clean-up.
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { PrismaClient } from '../db/types.ts';
import { metrics } from './metrics.ts';

export interface RetentionResult {
  cutoff: Date;
  sessions: number;
  webhookEvents: number;
  analyticsImports: number;
}

const DAY_MS = 86_400_000;

/**
 * Older than the cutoff: a session that ended before it (a live one is never deleted, however old),
 * or one scheduled before it that never started; a webhook received before it; an analytics import
 * last touched before it.
 */
export async function applyRetention(
  prisma: PrismaClient,
  days: number,
  options: { now?: Date; batch?: number; signal?: AbortSignal } = {},
): Promise<RetentionResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS);
  const batch = options.batch ?? 200;

  /** Deletes `find`'s rows a batch at a time; the count deleted. */
  async function inBatches(
    size: number,
    find: () => Promise<string[]>,
    remove: (ids: string[]) => Promise<{ count: number }>,
  ): Promise<number> {
    let deleted = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const ids = await find();
      if (ids.length) deleted += (await remove(ids)).count;
      if (ids.length < size) return deleted;
      await yieldToOthers();
    }
  }

  const sessionsOlder = {
    OR: [{ endedAt: { lt: cutoff } }, { startedAt: null, endedAt: null, createdAt: { lt: cutoff } }],
  };
  // a session's attendances, spans, media spans and engagement go with it (cascade): fewer at a time
  const sessionBatch = Math.max(1, Math.floor(batch / 10));
  const sessions = await inBatches(
    sessionBatch,
    async () =>
      (await prisma.liveSession.findMany({ where: sessionsOlder, select: { id: true }, take: sessionBatch })).map(
        (r) => r.id,
      ),
    (ids) => prisma.liveSession.deleteMany({ where: { id: { in: ids } } }),
  ).then((n) => {
    metrics.retentionDeleted('sessions', n);
    return n;
  });

  const webhookEvents = await inBatches(
    batch,
    async () =>
      (
        await prisma.webhookEvent.findMany({ where: { receivedAt: { lt: cutoff } }, select: { id: true }, take: batch })
      ).map((r) => r.id),
    (ids) => prisma.webhookEvent.deleteMany({ where: { id: { in: ids } } }),
  ).then((n) => {
    metrics.retentionDeleted('webhook_events', n);
    return n;
  });

  const analyticsImports = await inBatches(
    batch,
    async () =>
      (
        await prisma.analyticsImport.findMany({
          where: { updatedAt: { lt: cutoff } },
          select: { id: true },
          take: batch,
        })
      ).map((r) => r.id),
    (ids) => prisma.analyticsImport.deleteMany({ where: { id: { in: ids } } }),
  ).then((n) => {
    metrics.retentionDeleted('analytics_imports', n);
    return n;
  });

  return { cutoff, sessions, webhookEvents, analyticsImports };
}
