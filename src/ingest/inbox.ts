// The event store: every verified event is written before it is acted on. Events applied go in
// through the ingest routine (ingest.ts), in one statement with their effects; those not acted on
// (ignored, unusable) are only stored; one whose effects failed is kept as FAILED, so that
// PlugNMeet's retry (or a replay) finishes it.
import type { WebhookEventStatus } from '../db/generated/prisma/client.ts';
import type { PrismaClient } from '../db/types.ts';

export interface InboundEvent {
  id: string;
  name: string;
  body: string;
  roomId?: string;
  roomSid?: string;
  occurredAt?: Date;
}

const row = (event: InboundEvent, status: WebhookEventStatus, error?: string) => ({
  id: event.id,
  name: event.name,
  body: event.body,
  roomId: event.roomId ?? null,
  roomSid: event.roomSid ?? null,
  occurredAt: event.occurredAt ?? null,
  status,
  error: error ?? null,
});

/** Applying the event failed; `stored` says whether it is kept (as FAILED) for a retry to finish. */
export class EventNotApplied extends Error {
  constructor(
    readonly cause: unknown,
    readonly stored: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'EventNotApplied';
  }
}

/** Keeps an event whose effects failed (rolled back), so nothing is lost; false if even that failed. */
export async function markFailed(prisma: PrismaClient, event: InboundEvent, error: unknown): Promise<boolean> {
  const message = error instanceof Error ? error.message.slice(0, 2000) : String(error);
  try {
    const created = await prisma.webhookEvent.createMany({
      data: [{ ...row(event, 'FAILED', message), attempts: 1 }],
      skipDuplicates: true,
    });
    if (created.count === 0) {
      // never overwrite the result of a concurrent delivery that succeeded
      await prisma.webhookEvent.updateMany({
        where: { id: event.id, status: 'FAILED' },
        data: { status: 'FAILED', error: message, attempts: { increment: 1 } },
      });
    }
    return true;
  } catch {
    return false; // the database is unreachable: the caller says the event was not stored
  }
}

/** Stores an event that needs no processing (ignored, or unusable), once; false if it was stored before. */
export async function storeOnly(
  prisma: PrismaClient,
  event: InboundEvent,
  status: 'IGNORED' | 'REJECTED',
  error?: string,
): Promise<boolean> {
  const { count } = await prisma.webhookEvent.createMany({ data: [row(event, status, error)], skipDuplicates: true });
  return count === 1;
}
