// The verdict a teacher would give an attendance: a pure function of what happened and the course's
// policy. The course report applies the same rule in SQL (verdict.sql.ts); a property test holds
// the two to the same answers.
//
// The rule is a list, checked in order, the first that holds giving the verdict (PRESENT when none
// does). A new threshold is one more entry with its own fact and its own policy field (0 when not
// required), in both languages.

export type Verdict = 'PRESENT' | 'LATE' | 'LEFT_EARLY' | 'ABSENT';

export interface AttendancePolicy {
  /** ABSENT below this share of the session's duration (0-100). */
  minAttendedPercent: number;
  /** LATE when the first join is more than this after the start. */
  lateAfterMinutes: number;
  /** LEFT_EARLY when the last leave is more than this before the end (ended sessions only). */
  leftEarlyMinutes: number;
  /** ABSENT when the camera was on for less than this share of the time attended (0-100; 0: not required). */
  minCameraPercent: number;
  /** ABSENT when the student talked less than this, once the analytics file says (0: not required). */
  minTalkSeconds: number;
}

export const DEFAULT_POLICY: Readonly<AttendancePolicy> = Object.freeze({
  minAttendedPercent: 75,
  lateAfterMinutes: 10,
  leftEarlyMinutes: 10,
  minCameraPercent: 0,
  minTalkSeconds: 0,
});

/** What the rule looks at, already clipped to the session (attendance/presence.ts). */
export interface VerdictFacts {
  startedAt: Date;
  /** The session's end, or now while it runs: a live verdict is the one it would get ending now. */
  until: Date;
  ended: boolean;
  /** Seconds of the union of the spans, up to `until` (whole seconds, rounded down). */
  attendedSeconds: number;
  firstJoinedAt: Date;
  /** The last leave; null while no connection has closed. */
  lastLeftAt: Date | null;
  /** Seconds a camera was on, within the attendance (engagement/media.ts). */
  cameraSeconds: number;
  /** Seconds talked, from the session's analytics file; null until it is imported. */
  talkSeconds: number | null;
}

/**
 * Whole seconds from start to `until`, rounded down as attended seconds are: someone connected
 * from start to end has exactly the duration.
 */
export const durationSeconds = (f: Pick<VerdictFacts, 'startedAt' | 'until'>) =>
  Math.max(0, Math.floor((f.until.getTime() - f.startedAt.getTime()) / 1000));

const MINUTE_MS = 60_000;

interface Rule {
  verdict: Exclude<Verdict, 'PRESENT'>;
  holds(f: VerdictFacts, p: AttendancePolicy): boolean;
}

export const RULES: readonly Rule[] = [
  {
    verdict: 'ABSENT',
    // attended < min% of the duration, in integers: attended × 100 < min × duration
    holds: (f, p) => f.attendedSeconds * 100 < p.minAttendedPercent * durationSeconds(f),
  },
  {
    verdict: 'ABSENT',
    // a camera required: on for less than min% of the time attended
    holds: (f, p) => f.cameraSeconds * 100 < p.minCameraPercent * f.attendedSeconds,
  },
  {
    verdict: 'ABSENT',
    // talk required: known only once the analytics file is imported, and not judged before
    holds: (f, p) => f.talkSeconds !== null && f.talkSeconds < p.minTalkSeconds,
  },
  {
    verdict: 'LATE',
    holds: (f, p) => f.firstJoinedAt.getTime() - f.startedAt.getTime() > p.lateAfterMinutes * MINUTE_MS,
  },
  {
    verdict: 'LEFT_EARLY',
    holds: (f, p) =>
      f.ended && f.lastLeftAt !== null && f.until.getTime() - f.lastLeftAt.getTime() > p.leftEarlyMinutes * MINUTE_MS,
  },
];

export function verdict(facts: VerdictFacts, policy: AttendancePolicy = DEFAULT_POLICY): Verdict {
  return RULES.find((rule) => rule.holds(facts, policy))?.verdict ?? 'PRESENT';
}

/** attended / duration × 100, to two decimals (0 for a session of no duration). */
export function attendedPercent(attendedSeconds: number, duration: number): number {
  return duration > 0 ? Math.round((attendedSeconds * 10_000) / duration) / 100 : 0;
}
