// An independent model of one room run's attendance, written from the contract alone (the rules in
// the property suite's brief, SPEC section 4), never from src/. It is a pure function of the SET of
// events delivered so far and of `now`: the service must agree with it whatever the order, the
// duplicates or the concurrency of the deliveries were.
//
// Times are plain numbers of seconds on one clock (the suite uses seconds since the class's
// room_started, so that failure messages read as offsets); the model never looks at wall time.

export type RoomEventKind = 'room_created' | 'room_started' | 'room_finished';
export type ParticipantEventKind = 'participant_joined' | 'participant_left';

/** Who a participant event is about. `joinedAt` null: participant.joined_at absent from the body. */
export interface Who {
  identity: string;
  /** participant.sid: one connection */
  sid: string;
  name: string;
  /** metadata.is_admin */
  isAdmin: boolean;
  joinedAt: number | null;
}

/** One webhook event of the run: its created_at is `at`. */
export type ClassEvent = { kind: RoomEventKind; at: number } | { kind: ParticipantEventKind; at: number; who: Who };

export interface ModelSpan {
  joinedAt: number;
  leftAt: number | null;
}

export interface ModelAttendance {
  userId: string;
  role: 'MODERATOR' | 'PARTICIPANT';
  isOnline: boolean;
  firstJoinedAt: number;
  lastLeftAt: number | null;
  attendedSeconds: number;
  /** sorted by joinedAt, then leftAt (open last) */
  spans: ModelSpan[];
}

export interface ModelSession {
  startedAt: number;
  endedAt: number | null;
  isLive: boolean;
  onlineCount: number;
  /** sorted by user id */
  attendances: ModelAttendance[];
}

const BOT_NAMES = new Set(['RECORDER_BOT', 'RTMP_BOT']);
const BOT_PREFIXES = ['ingres_', 'pnm_agent-', 'pnm_tts_agent-', 'sip_'];

export const isBot = (identity: string) => BOT_NAMES.has(identity) || BOT_PREFIXES.some((p) => identity.startsWith(p));

const min = (values: number[]) => (values.length ? Math.min(...values) : null);

/**
 * joined_at as the contract reads it. Absent and 0 on the wire both mean "not given"; here times are
 * relative to the class, where 0 is a real instant, so "not given" is null and only null (the suite
 * leaves the field out of the body then).
 */
const givenJoinedAt = (who: Who) => who.joinedAt;

export const compareSpans = (a: ModelSpan, b: ModelSpan) =>
  a.joinedAt - b.joinedAt || (a.leftAt ?? Infinity) - (b.leftAt ?? Infinity);

/** floor of the seconds covered by the union of [joinedAt, leftAt ?? now]. */
export function unionSeconds(spans: readonly ModelSpan[], now: number): number {
  const intervals = spans
    .map((s) => [s.joinedAt, s.leftAt ?? Math.max(now, s.joinedAt)] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cursor = -Infinity;
  for (const [from, to] of intervals) {
    const start = Math.max(from, cursor);
    if (to > start) total += to - start;
    cursor = Math.max(cursor, to);
  }
  return Math.floor(total);
}

/**
 * The session as the service must show it once exactly `delivered` (duplicates allowed: the same
 * event object twice counts once) has been received, read at `now`; null when nothing was delivered.
 */
export function modelSession(delivered: readonly ClassEvent[], now: number): ModelSession | null {
  const events = [...new Set(delivered)];
  if (events.length === 0) return null;

  // The start: room_started's time, or until it arrives the earliest time any event carries.
  const started = min(events.filter((e) => e.kind === 'room_started').map((e) => e.at));
  const earliest = min(
    events.flatMap((e) => ('who' in e && givenJoinedAt(e.who) !== null ? [e.at, givenJoinedAt(e.who)!] : [e.at])),
  )!;
  const startedAt = started ?? earliest;

  // The end: the first room_finished, never before the start.
  const finished = min(events.filter((e) => e.kind === 'room_finished').map((e) => e.at));
  const endedAt = finished === null ? null : Math.max(finished, startedAt);
  const isLive = endedAt === null;

  // Participant events of people (bots never attend), by user then by connection.
  const byUser = new Map<string, Map<string, Extract<ClassEvent, { who: Who }>[]>>();
  for (const e of events) {
    if (!('who' in e) || isBot(e.who.identity)) continue;
    const connections = byUser.get(e.who.identity) ?? new Map();
    byUser.set(e.who.identity, connections);
    connections.set(e.who.sid, [...(connections.get(e.who.sid) ?? []), e]);
  }

  const attendances: ModelAttendance[] = [];
  for (const [userId, connections] of byUser) {
    const spans: ModelSpan[] = [];
    let moderator = false;
    for (const connectionEvents of connections.values()) {
      const joins = connectionEvents.filter((e) => e.kind === 'participant_joined');
      const leaves = connectionEvents.filter((e) => e.kind === 'participant_left');
      moderator ||= connectionEvents.some((e) => e.who.isAdmin);
      const leftAt = min(leaves.map((e) => e.at));
      const reported = min([
        ...joins.map((e) => givenJoinedAt(e.who) ?? e.at),
        ...leaves.flatMap((e) => (givenJoinedAt(e.who) === null ? [] : [givenJoinedAt(e.who)!])),
      ]);
      // only leaves without joined_at: the connection is known from the leave's own time
      let joinedAt = reported ?? leftAt!;
      if (leftAt !== null && joinedAt > leftAt) joinedAt = leftAt;
      spans.push(clip({ joinedAt, leftAt }, startedAt, endedAt));
    }
    spans.sort(compareSpans);
    const closed = spans.filter((s) => s.leftAt !== null).map((s) => s.leftAt!);
    attendances.push({
      userId,
      role: moderator ? 'MODERATOR' : 'PARTICIPANT',
      isOnline: isLive && spans.some((s) => s.leftAt === null),
      firstJoinedAt: min(spans.map((s) => s.joinedAt))!,
      lastLeftAt: closed.length ? Math.max(...closed) : null,
      attendedSeconds: unionSeconds(spans, now),
      spans,
    });
  }
  attendances.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { startedAt, endedAt, isLive, onlineCount: attendances.filter((a) => a.isOnline).length, attendances };
}

/**
 * A span as read: never before the start, never past the end (whichever arrived first), and never
 * leaving before it joined. While live an open span stays open.
 */
function clip(span: ModelSpan, startedAt: number, endedAt: number | null): ModelSpan {
  let joinedAt = Math.max(span.joinedAt, startedAt);
  if (endedAt !== null) joinedAt = Math.min(joinedAt, endedAt);
  if (endedAt === null) return { joinedAt, leftAt: span.leftAt === null ? null : Math.max(span.leftAt, joinedAt) };
  return { joinedAt, leftAt: Math.max(Math.min(span.leftAt ?? endedAt, endedAt), joinedAt) };
}
