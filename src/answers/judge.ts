// One attendance as stored (spans as reported) turned into the facts the verdict looks at: clipped
// to its session by the same functions every other reader uses.
import {
  attendedSeconds,
  firstJoinedAt,
  lastLeftAt,
  sessionEnd,
  type ReportedSummary,
  type SessionBounds,
} from '../attendance/presence.ts';
import type { Prisma } from '../db/generated/prisma/client.ts';
import { mediaTime, type ConnectionRow, type MediaSpanRow } from '../engagement/media.ts';
import {
  attendedPercent,
  durationSeconds,
  verdict,
  type AttendancePolicy,
  type Verdict,
  type VerdictFacts,
} from './verdict.ts';

export interface StoredAttendance extends ReportedSummary {
  spans: readonly ConnectionRow[];
  media: readonly MediaSpanRow[];
  engagement: { talkSeconds: number } | null;
}

/** What a StoredAttendance is read with (Prisma selections). */
export const STORED_ATTENDANCE_SELECT = {
  firstJoinedAt: true,
  lastLeftAt: true,
  connected: true,
  spans: {
    select: { participantSid: true, joinedAt: true, leftAt: true },
    orderBy: [{ joinedAt: 'asc' }, { id: 'asc' }],
  },
  media: { select: { participantSid: true, source: true, publishedAt: true, unpublishedAt: true } },
  engagement: { select: { talkSeconds: true } },
} satisfies Prisma.AttendanceSelect;

export interface Judged {
  facts: VerdictFacts;
  verdict: Verdict;
  /** attended / duration × 100, two decimals */
  attendedPercent: number;
}

export function factsOf(a: StoredAttendance, session: SessionBounds, now: Date): VerdictFacts {
  const end = sessionEnd(session);
  const first = firstJoinedAt(a, session);
  // A session always has a start once anyone attended it; the first join stands in otherwise.
  const startedAt = session.startedAt ?? first;
  return {
    startedAt,
    until: end ?? (now > startedAt ? now : startedAt),
    ended: end !== null,
    attendedSeconds: attendedSeconds(a.spans, session, now),
    firstJoinedAt: first,
    lastLeftAt: lastLeftAt(a, session),
    cameraSeconds: mediaTime(a.media, a.spans, session, now).cameraSeconds,
    talkSeconds: a.engagement?.talkSeconds ?? null,
  };
}

export function judge(a: StoredAttendance, session: SessionBounds, policy: AttendancePolicy, now: Date): Judged {
  const facts = factsOf(a, session, now);
  return {
    facts,
    verdict: verdict(facts, policy),
    attendedPercent: attendedPercent(facts.attendedSeconds, durationSeconds(facts)),
  };
}
