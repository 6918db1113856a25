// Reconciliation: every interval, compare the runs and connections PlugNMeet reports going on with
// the sessions and spans Rollcall holds open (rules in attendance/reconcile.ts), and apply the
// events that were lost the way a webhook is applied: stored under an id that is the same on every
// instance (so instances and repeated looks do it once), applied in one transaction, published
// after commit.
import type { Logger } from 'pino';
import {
  confirmLostEvents,
  connectionSidOf,
  findLostEvents,
  lostEventId,
  type ActiveRun,
  type HeldRun,
  type LostEvent,
} from '../attendance/reconcile.ts';
import type { PrismaClient } from '../db/types.ts';
import type { PlugNMeetApi } from '../plugnmeet/api/client.ts';
import { periodic } from '../jobs/periodic.ts';
import type { Ingest } from './ingest.ts';
import { interpret, storedFields } from '../plugnmeet/webhook-body.ts';
import { metrics } from '../ops/metrics.ts';

export interface ReconcilerOptions {
  /** Time between two looks (jittered by ±10 % so instances spread out). */
  intervalMs: number;
  /** Runs and spans younger than this are left alone. */
  graceMs: number;
}

export const DEFAULT_RECONCILE_GRACE_MS = 60_000;

export interface SweepResult {
  /** Ids of the lost events stored and applied by this look. */
  applied: string[];
}

export interface Reconciler {
  /** One look now (tests call it directly; `now` stands for the clock). */
  sweep(now?: Date): Promise<SweepResult>;
  start(): void;
  /** Stops the timer and waits for a look in progress. */
  stop(): Promise<void>;
}

export interface ReconcilerDeps {
  prisma: PrismaClient;
  ingest: Ingest;
  api: Pick<PlugNMeetApi, 'activeRooms' | 'activeRoom'>;
  logger: Logger;
  options: ReconcilerOptions;
}

export function createReconciler({ prisma, ingest, api, logger, options }: ReconcilerDeps): Reconciler {
  let suspects = new Map<string, Date>();
  const abort = new AbortController();
  const call = { signal: abort.signal };

  async function sweep(now = new Date()): Promise<SweepResult> {
    const active: ActiveRun[] = (await api.activeRooms(call)).map((room) => ({
      roomId: room.roomId,
      roomSid: room.roomSid,
      connections: room.participants && {
        sids: new Set(room.participants.flatMap((p) => (typeof p.sid === 'string' ? [p.sid] : []))),
        identities: new Set(room.participants.flatMap((p) => (typeof p.identity === 'string' ? [p.identity] : []))),
      },
    }));
    const { confirmed, next } = confirmLostEvents(
      suspects,
      findLostEvents(await heldRuns(prisma), active, now, options.graceMs),
      now,
    );
    suspects = next;
    const applied: string[] = [];
    for (const { event, at } of confirmed) {
      // Each room on its own: PlugNMeet failing to describe one room (or its event failing to
      // apply) must not hold back the lost events of the others. The room stays a suspect, so the
      // next look tries it again, still at the time it was first found missing.
      try {
        // The list leaves out a room PlugNMeet fails to describe: ask about this one before ending it.
        if (event.name === 'room_finished' && (await api.activeRoom(event.roomId, call))?.roomSid === event.roomSid)
          continue;
        // A run nobody was in ended when its last one left, as an inferred end says: the two agree.
        const when = event.name === 'room_finished' && event.emptySince ? event.emptySince : at;
        if (await applyLostEvent(event, when)) applied.push(lostEventId(event));
      } catch (error) {
        if (abort.signal.aborted) throw error;
        logger.warn(
          { err: error, eventId: lostEventId(event), room: event.roomId, roomSid: event.roomSid },
          `reconciliation: skipped the lost ${event.name} of this room for now; trying again at the next interval`,
        );
      }
    }
    return { applied };
  }

  async function applyLostEvent(event: LostEvent, at: Date): Promise<boolean> {
    const id = lostEventId(event);
    const body = wireBody(event, id, at);
    const interpreted = interpret(event.name, body, at);
    if (!interpreted.ok) throw new Error(`reconciliation built an unusable ${event.name}: ${interpreted.message}`);
    const outcome = await ingest(
      { id, name: event.name, body: JSON.stringify(body), ...storedFields(body) },
      interpreted.event,
    );
    if (outcome.duplicate) return false;
    logger.info(
      { eventId: id, room: event.roomId, roomSid: event.roomSid, at },
      `reconciliation: ${outcome.effect.message} (its webhook was lost)`,
    );
    return true;
  }

  /** A sweep, counted: whether PlugNMeet answered, and how many lost events it applied. */
  async function countedSweep(): Promise<SweepResult> {
    try {
      const result = await sweep();
      metrics.reconcileRun('ok', result.applied.length);
      return result;
    } catch (error) {
      if (!abort.signal.aborted) metrics.reconcileRun('failed');
      throw error;
    }
  }

  const task = periodic(() => countedSweep(), {
    name: 'reconciliation with PlugNMeet',
    intervalMs: options.intervalMs,
    logger,
  });
  return {
    sweep: countedSweep,
    start: task.start,
    async stop() {
      abort.abort(new Error('reconciler stopped'));
      await task.stop();
    },
  };
}

/** The sessions Rollcall holds live (of a known run) with their open spans. */
async function heldRuns(prisma: PrismaClient): Promise<HeldRun[]> {
  const sessions = await prisma.liveSession.findMany({
    where: { endedAt: null, startedAt: { not: null }, roomSid: { not: null } },
    select: {
      roomId: true,
      roomSid: true,
      startedAt: true,
      attendances: {
        select: {
          userId: true,
          lastLeftAt: true,
          spans: { where: { leftAt: null }, select: { participantSid: true, joinedAt: true } },
        },
      },
    },
  });
  return sessions.map((s) => ({
    roomId: s.roomId,
    roomSid: s.roomSid!,
    startedAt: s.startedAt!,
    openSpans: s.attendances.flatMap((a) => a.spans.map((span) => ({ userId: a.userId, ...span }))),
    lastLeftAt: s.attendances.reduce<Date | null>(
      (last, a) => (a.lastLeftAt && (!last || a.lastLeftAt > last) ? a.lastLeftAt : last),
      null,
    ),
  }));
}

/** The lost event as PlugNMeet would have posted it, marked as Rollcall's. */
function wireBody(event: LostEvent, id: string, at: Date): Record<string, unknown> {
  const base = {
    event: event.name,
    id,
    created_at: String(Math.floor(at.getTime() / 1000)),
    room: { sid: event.roomSid, room_id: event.roomId },
    rollcall: { reconciled: true, reason: 'PlugNMeet no longer reports it; its webhook was lost' },
  };
  if (event.name === 'room_finished') return base;
  return {
    ...base,
    participant: {
      sid: connectionSidOf(event.participantSid),
      identity: event.userId,
      joined_at: String(Math.floor(event.joinedAt.getTime() / 1000)),
      joined_at_ms: String(event.joinedAt.getTime()),
    },
  };
}
