// The event store: every verified event is written before it is acted on, in the same transaction
// as its effects. The event id makes redeliveries harmless; a failed event stays stored so that
// PlugNMeet's retry (or a replay) finishes it.
import type { Effect } from '../attendance/events.ts';
import type { WebhookEventStatus } from '../db/generated/prisma/client.ts';
import { TRANSACTION_OPTIONS, withRetry } from '../db/retry.ts';
import type { PrismaClient, Tx } from '../db/types.ts';

export interface InboundEvent {
  id: string;
  name: string;
  body: string;
  roomId?: string;
  roomSid?: string;
  occurredAt?: Date;
}

export type Outcome = { duplicate: true } | { duplicate: false; effect: Effect };

/**
 * Statuses after which a redelivery is a duplicate. RECEIVED and FAILED events are (re)applied, and
 * so is a REJECTED one: this delivery reached here, so its body is usable, and it is what gets stored.
 */
const FINAL: WebhookEventStatus[] = ['APPLIED', 'IGNORED', 'PENDING'];

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

/**
 * Stores the event and applies it in one transaction, unless it was already applied. The row is
 * written as APPLIED up front (what nearly every event ends as): if applying fails, the transaction
 * rolls back with it, and the event is then kept as FAILED.
 */
export async function processEvent(
  prisma: PrismaClient,
  event: InboundEvent,
  apply: (tx: Tx) => Promise<Effect>,
): Promise<Outcome> {
  try {
    return await withRetry(() =>
      prisma.$transaction(async (tx) => {
        const inserted = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO "WebhookEvent" (id, name, body, "roomId", "roomSid", "occurredAt", status, "appliedAt", attempts)
          VALUES (${event.id}, ${event.name}, ${event.body}, ${event.roomId ?? null}, ${event.roomSid ?? null},
                  ${event.occurredAt ?? null}::timestamp(3), 'APPLIED', ${new Date()}, 1)
          ON CONFLICT (id) DO NOTHING
          RETURNING id`;
        const known = inserted.length === 0;
        if (known) {
          // Known id: wait for any concurrent delivery of it to finish, then look at what it left.
          const [existing] = await tx.$queryRaw<{ status: WebhookEventStatus }[]>`
            SELECT status FROM "WebhookEvent" WHERE id = ${event.id} FOR UPDATE`;
          if (existing && FINAL.includes(existing.status)) return { duplicate: true as const };
        }
        const effect = await apply(tx);
        if (known || effect.status !== 'APPLIED') {
          await tx.webhookEvent.update({
            where: { id: event.id },
            data: {
              ...(known ? { ...row(event, effect.status), attempts: { increment: 1 } } : { status: effect.status }),
              appliedAt: new Date(),
              error: null,
            },
          });
        }
        return { duplicate: false as const, effect };
      }, TRANSACTION_OPTIONS),
    );
  } catch (error) {
    throw new EventNotApplied(error, await markFailed(prisma, event, error));
  }
}

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
async function markFailed(prisma: PrismaClient, event: InboundEvent, error: unknown): Promise<boolean> {
  const message = error instanceof Error ? error.message.slice(0, 2000) : String(error);
  try {
    const created = await prisma.webhookEvent.createMany({
      data: [{ ...row(event, 'FAILED', message), attempts: 1 }],
      skipDuplicates: true,
    });
    if (created.count === 0) {
      // never overwrite the result of a concurrent delivery that succeeded
      await prisma.webhookEvent.updateMany({
        where: { id: event.id, status: { in: ['RECEIVED', 'FAILED'] } },
        data: { status: 'FAILED', error: message, attempts: { increment: 1 } },
      });
    }
    return true;
  } catch {
    return false; // the database is unreachable: the caller says the event was not stored
  }
}

/** Stores an event that needs no processing (ignored, or unusable), once; false if it was stored before. */
export async function storeOnly(prisma: PrismaClient, event: InboundEvent, status: 'IGNORED' | 'REJECTED', error?: string): Promise<boolean> {
  const { count } = await prisma.webhookEvent.createMany({ data: [row(event, status, error)], skipDuplicates: true });
  return count === 1;
}
