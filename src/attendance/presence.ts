// Presence as a user sees it. Spans are stored as PlugNMeet reported them; the session's start and
// end bound them when they are read. So the result is a function of the events received, not of
// the order they came in: a leave dated after the end counts up to the end whether it arrived
// before or after the room_finished.

export interface Span {
  joinedAt: Date;
  leftAt: Date | null;
}

export interface SessionBounds {
  startedAt: Date | null;
  endedAt: Date | null;
}

/** The session's end as read: never before its start (an end reported earlier than room_started). */
export function sessionEnd({ startedAt, endedAt }: SessionBounds): Date | null {
  return endedAt && startedAt && endedAt < startedAt ? startedAt : endedAt;
}

const later = (a: Date, b: Date) => (a >= b ? a : b);
const earlier = (a: Date, b: Date) => (a <= b ? a : b);

/**
 * A span clipped to its session: it starts no earlier than the session and ends no later; an open
 * span of an ended session closes at the end; one wholly after the end is empty, at the end.
 */
export function clipSpan(span: Span, session: SessionBounds): Span {
  const end = sessionEnd(session);
  let joinedAt = session.startedAt ? later(span.joinedAt, session.startedAt) : span.joinedAt;
  if (end) joinedAt = earlier(joinedAt, end);
  let leftAt = span.leftAt ?? end;
  if (leftAt && end) leftAt = earlier(leftAt, end);
  return { joinedAt, leftAt: leftAt && later(leftAt, joinedAt) };
}

/** Online: a connection is open and the session has not ended. */
export const isOnline = (connected: boolean, session: SessionBounds) => connected && session.endedAt === null;

/** An attendance's summary as stored: from its spans, not clipped. */
export interface ReportedSummary {
  connected: boolean;
  firstJoinedAt: Date;
  lastLeftAt: Date | null;
}

/** The earliest clipped join (clipping keeps the order of joins, so it is the clipped first join). */
export function firstJoinedAt(a: ReportedSummary, session: SessionBounds): Date {
  return clipSpan({ joinedAt: a.firstJoinedAt, leftAt: null }, session).joinedAt;
}

/**
 * The latest end of a closed clipped span, or null while none has closed. Once the session ended
 * every span is closed, and one still open closed at the end.
 */
export function lastLeftAt(a: ReportedSummary, session: SessionBounds): Date | null {
  const end = sessionEnd(session);
  if (end && a.connected) return end;
  if (!a.lastLeftAt) return null;
  const left = session.startedAt ? later(a.lastLeftAt, session.startedAt) : a.lastLeftAt;
  return end ? earlier(left, end) : left;
}

/**
 * Seconds covered by the union of the clipped spans: overlapping connections (two tabs, a reconnect
 * that beat the old leave) count once; a span still open counts up to `now`.
 */
export function attendedSeconds(spans: readonly Span[], session: SessionBounds, now: Date): number {
  return unionSeconds(
    spans.map((s) => clipSpan(s, session)),
    now,
  );
}

/** Whole seconds covered by the union of the spans, an open one counting up to `now`. */
export function unionSeconds(spans: readonly Span[], now: Date): number {
  const intervals = spans
    .map((s) => [s.joinedAt.getTime(), (s.leftAt ?? now).getTime()] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [start, end] of intervals) {
    if (!current || start > current[1]) {
      if (current) total += current[1] - current[0];
      current = [start, end];
    } else if (end > current[1]) {
      current[1] = end;
    }
  }
  if (current) total += current[1] - current[0];
  return Math.floor(total / 1000);
}
