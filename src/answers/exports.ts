// The rows of the CSV exports, read from the database a batch at a time: a session's attendances
// then its absentees, or a course report a page of students at a time. Nothing waits for the whole
// file: each batch is written out before the next is read.
import { clipSpan, type SessionBounds } from '../attendance/presence.ts';
import type { PrismaClient } from '../db/types.ts';
import { mediaTime } from '../engagement/media.ts';
import { judge, STORED_ATTENDANCE_SELECT } from './judge.ts';
import { policyOf, POLICY_SELECT } from './policy.ts';
import { courseReport, type ReportRange } from './report.ts';

/** Rows read per statement. */
export const EXPORT_BATCH = 500;

export const SESSION_COLUMNS = [
  'user_id',
  'name',
  'role',
  'verdict',
  'first_joined_at',
  'last_left_at',
  'attended_seconds',
  'attended_percent',
  'spans',
  'camera_seconds',
  'microphone_seconds',
  'screen_share_seconds',
  'talk_seconds',
  'chat_messages',
  'raised_hands',
  'poll_votes',
  'reactions',
] as const;

export const COURSE_COLUMNS = [
  'user_id',
  'name',
  'sessions',
  'present',
  'late',
  'left_early',
  'absent',
  'attended_seconds',
  'attended_percent',
  'camera_seconds',
  'talk_seconds',
] as const;

export type Row<Columns extends readonly string[]> = { [K in Columns[number]]: string | number | null };

/** RFC 3339 in UTC, without the milliseconds when there are none (PlugNMeet's times are whole seconds). */
export const rfc3339 = (date: Date | null) => (date ? date.toISOString().replace('.000Z', 'Z') : null);

const ATTENDANCE_ORDER = [{ firstJoinedAt: 'asc' as const }, { id: 'asc' as const }];

/** What the session export needs to know before its rows: null when there is no such session. */
export function exportedSession(prisma: PrismaClient, sessionId: string) {
  return prisma.liveSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      roomId: true,
      courseId: true,
      startedAt: true,
      endedAt: true,
      course: { select: { policy: { select: POLICY_SELECT } } },
    },
  });
}

type ExportedSession = NonNullable<Awaited<ReturnType<typeof exportedSession>>>;

/**
 * One row per attendance (first arrivals first), then one per absentee (roster members with no
 * attendance, by id). Verdicts as the API gives them at `now`.
 */
export async function* sessionRows(
  prisma: PrismaClient,
  session: ExportedSession,
  now: Date,
): AsyncGenerator<Row<typeof SESSION_COLUMNS>> {
  const policy = policyOf(session.course?.policy);
  const bounds: SessionBounds = session;
  // keyset pages on values, not a cursor row: a row changing or going away between pages ends nothing
  for (let after: { firstJoinedAt: Date; id: string } | undefined; ; ) {
    const batch = await prisma.attendance.findMany({
      where: {
        sessionId: session.id,
        ...(after
          ? {
              OR: [
                { firstJoinedAt: { gt: after.firstJoinedAt } },
                { firstJoinedAt: after.firstJoinedAt, id: { gt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: ATTENDANCE_ORDER,
      take: EXPORT_BATCH,
      select: {
        ...STORED_ATTENDANCE_SELECT,
        id: true,
        userId: true,
        role: true,
        user: { select: { name: true } },
        engagement: {
          select: { talkSeconds: true, chatMessages: true, raisedHands: true, pollVotes: true, reactions: true },
        },
      },
    });
    for (const a of batch) {
      const { facts, verdict, attendedPercent } = judge(a, bounds, policy, now);
      const media = mediaTime(a.media, a.spans, bounds, now);
      const e = a.engagement;
      yield {
        user_id: a.userId,
        name: a.user.name,
        role: a.role,
        verdict,
        first_joined_at: rfc3339(facts.firstJoinedAt),
        last_left_at: rfc3339(facts.lastLeftAt),
        attended_seconds: facts.attendedSeconds,
        attended_percent: attendedPercent,
        spans: a.spans
          .map((s) => clipSpan(s, bounds))
          .map((s) => `${rfc3339(s.joinedAt)}/${rfc3339(s.leftAt) ?? ''}`)
          .join(';'),
        camera_seconds: media.cameraSeconds,
        microphone_seconds: media.microphoneSeconds,
        screen_share_seconds: media.screenShareSeconds,
        // empty until the session's analytics file is imported
        talk_seconds: e?.talkSeconds ?? null,
        chat_messages: e?.chatMessages ?? null,
        raised_hands: e?.raisedHands ?? null,
        poll_votes: e?.pollVotes ?? null,
        reactions: e?.reactions ?? null,
      };
    }
    if (batch.length < EXPORT_BATCH) break;
    after = batch[batch.length - 1];
  }
  if (!session.courseId) return;
  for (let after: string | undefined; ; ) {
    const batch = await prisma.enrolment.findMany({
      where: {
        courseId: session.courseId,
        user: { attendances: { none: { sessionId: session.id } } },
        ...(after ? { userId: { gt: after } } : {}),
      },
      orderBy: { userId: 'asc' },
      take: EXPORT_BATCH,
      select: { userId: true, user: { select: { name: true } } },
    });
    for (const e of batch) {
      yield {
        user_id: e.userId,
        name: e.user.name,
        role: null,
        verdict: 'ABSENT',
        first_joined_at: null,
        last_left_at: null,
        attended_seconds: 0,
        attended_percent: 0,
        spans: null,
        camera_seconds: 0,
        microphone_seconds: 0,
        screen_share_seconds: 0,
        talk_seconds: null,
        chat_messages: null,
        raised_hands: null,
        poll_votes: null,
        reactions: null,
      };
    }
    if (batch.length < EXPORT_BATCH) break;
    after = batch[batch.length - 1].userId;
  }
}

/** One row per student of the course report, a page of students (one statement) at a time. */
export async function* courseRows(
  prisma: PrismaClient,
  courseId: string,
  range: ReportRange,
): AsyncGenerator<Row<typeof COURSE_COLUMNS>> {
  for (let after: string | null = null; ; ) {
    const page = await courseReport(prisma, courseId, range, { after, limit: EXPORT_BATCH });
    for (const r of page) {
      yield {
        user_id: r.userId,
        name: r.name,
        sessions: r.sessions,
        present: r.present,
        late: r.late,
        left_early: r.leftEarly,
        absent: r.absent,
        attended_seconds: r.attendedSeconds,
        attended_percent: r.attendedPercent,
        camera_seconds: r.cameraSeconds,
        talk_seconds: r.talkSeconds,
      };
    }
    if (page.length < EXPORT_BATCH) return;
    after = page[page.length - 1].userId;
  }
}
