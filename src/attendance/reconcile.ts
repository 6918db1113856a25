// Webhooks get lost: a room_finished that never arrives leaves a class live for ever, a lost
// participant_left leaves a student online. PlugNMeet's API says which runs and connections are
// going on now; what Rollcall holds open beyond that is the events that were lost. These rules
// decide which; the reconciler (webhook/reconciler.ts) stores and applies them as events.

/** A run PlugNMeet reports as going on, with its connections (null: it could not list them). */
export interface ActiveRun {
  roomId: string;
  roomSid: string;
  connections: { sids: ReadonlySet<string>; identities: ReadonlySet<string> } | null;
}

/** Spans of events without participant.sid are keyed by the user (presence.ts): `user:<identity>`. */
const USER_KEYED = 'user:';

/** A session Rollcall holds live, with its open spans. */
export interface HeldRun {
  roomId: string;
  roomSid: string;
  startedAt: Date;
  openSpans: { userId: string; participantSid: string; joinedAt: Date }[];
  /** The latest leave reported in the run (null if none). */
  lastLeftAt: Date | null;
}

export type LostEvent =
  /** `emptySince`: nobody was connected; the run ended when the last one left (as an inferred end says). */
  | { name: 'room_finished'; roomId: string; roomSid: string; emptySince: Date | null }
  | {
      name: 'participant_left';
      roomId: string;
      roomSid: string;
      userId: string;
      participantSid: string;
      joinedAt: Date;
    };

/** The connection id to send in the lost participant_left: none for a span keyed by the user. */
export const connectionSidOf = (participantSid: string) =>
  participantSid.startsWith(USER_KEYED) ? undefined : participantSid;

/** One key per lost event: the id it is stored under, the same on every instance. */
export function lostEventId(event: LostEvent): string {
  return event.name === 'room_finished'
    ? `reconciled:room_finished:${event.roomSid}`
    : `reconciled:participant_left:${event.roomSid}:${event.participantSid}`;
}

/**
 * The events that must have been lost: a held run PlugNMeet does not report ended; an open span
 * whose connection PlugNMeet does not list left. Runs and spans younger than `graceMs` are left
 * alone: their webhooks may still be on the way, or PlugNMeet's lists not yet up to date.
 */
export function findLostEvents(
  held: readonly HeldRun[],
  active: readonly ActiveRun[],
  now: Date,
  graceMs: number,
): LostEvent[] {
  const bySid = new Map(active.map((run) => [run.roomSid, run]));
  const settled = (at: Date) => now.getTime() - at.getTime() >= graceMs;
  const lost: LostEvent[] = [];
  for (const run of held) {
    const going = bySid.get(run.roomSid);
    if (!going) {
      if (settled(run.startedAt)) {
        const emptySince = run.openSpans.length
          ? null
          : run.lastLeftAt && run.lastLeftAt > run.startedAt
            ? run.lastLeftAt
            : run.startedAt;
        lost.push({ name: 'room_finished', roomId: run.roomId, roomSid: run.roomSid, emptySince });
      }
      continue;
    }
    const { connections } = going;
    if (!connections) continue;
    for (const span of run.openSpans) {
      const listed = span.participantSid.startsWith(USER_KEYED)
        ? connections.identities.has(span.userId)
        : connections.sids.has(span.participantSid);
      if (!listed && settled(span.joinedAt)) {
        lost.push({ name: 'participant_left', roomId: run.roomId, roomSid: run.roomSid, ...span });
      }
    }
  }
  return lost;
}

/**
 * A lost event is acted on only once two looks in a row found it, and then at the time of the
 * first: one look can catch PlugNMeet between two states. Returns those to act on and what to
 * remember for the next look.
 */
export function confirmLostEvents(
  previous: ReadonlyMap<string, Date>,
  current: readonly LostEvent[],
  now: Date,
): { confirmed: { event: LostEvent; at: Date }[]; next: Map<string, Date> } {
  const next = new Map<string, Date>();
  const confirmed: { event: LostEvent; at: Date }[] = [];
  for (const event of current) {
    const id = lostEventId(event);
    const firstSeen = previous.get(id);
    if (firstSeen) confirmed.push({ event, at: firstSeen });
    next.set(id, firstSeen ?? now);
  }
  return { confirmed, next };
}
