// The course report, computed in the database: one statement judges every attendance in the ended
// sessions of the range (the union of clipped spans with range_agg, the verdict with the SQL rule)
// and counts per student, a session without an attendance being absent, whatever the number of
// sessions and students.
import { DomainError } from '../attendance/courses.ts';
import { Prisma } from '../db/generated/prisma/client.ts';
import type { PrismaClient } from '../db/types.ts';
import { DURATION_FUNCTION, VERDICT_FUNCTION } from '../ingest/routines.ts';
import { DEFAULT_POLICY, type Verdict } from './verdict.ts';

/** Sessions that started in [from, to); null: unbounded. */
export interface ReportRange {
  from: Date | null;
  to: Date | null;
}

export interface StudentReportRow {
  userId: string;
  name: string | null;
  sessions: number;
  present: number;
  late: number;
  leftEarly: number;
  absent: number;
  attendedSeconds: number;
  /** attendedSeconds / the sessions' total duration × 100, two decimals (0 without sessions) */
  attendedPercent: number;
  /** seconds a camera was on, over the sessions */
  cameraSeconds: number;
  /** seconds talked, over the sessions whose analytics file is imported */
  talkSeconds: number;
}

/** A page of one course's students by user id in byte order (the same on every database), after `after`. */
export interface StudentPage {
  after: string | null;
  limit: number;
}

export function checkRange(range: { from?: Date | null; to?: Date | null }): ReportRange {
  const from = range.from ?? null;
  const to = range.to ?? null;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value && Number.isNaN(value.getTime()))
      throw new DomainError(`${name} is not a valid date-time`, 'BAD_USER_INPUT');
  }
  if (from && to && from > to) {
    throw new DomainError(`from (${from.toISOString()}) must not be after to (${to.toISOString()})`, 'BAD_USER_INPUT');
  }
  return { from, to };
}

const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * The common part, for one or more courses: `policy` (per course), `sessions` (ended, in range, with
 * their duration), `students` (per course: the roster and whoever attended one of its sessions as
 * PARTICIPANT; a page of them when given), `covered` (each attendance's spans clipped to its session
 * and united) and `judged` (each attendance in those sessions, with its attended seconds and its
 * verdict). A student's sessions without an attendance are ABSENT: counted, not listed.
 */
function judgedAttendances(courseIds: readonly string[], range: ReportRange, page?: StudentPage): Prisma.Sql {
  const verdict = Prisma.raw(VERDICT_FUNCTION);
  const duration = Prisma.raw(DURATION_FUNCTION);
  const ids = Prisma.sql`${[...courseIds]}::text[]`;
  const inRange = Prisma.join(
    [
      Prisma.sql`s."courseId" = ANY(${ids}) AND s."startedAt" IS NOT NULL AND s."endedAt" IS NOT NULL`,
      ...(range.from ? [Prisma.sql`s."startedAt" >= ${utc(range.from)}`] : []),
      ...(range.to ? [Prisma.sql`s."startedAt" < ${utc(range.to)}`] : []),
    ],
    ' AND ',
  );
  const paged = page?.after == null ? Prisma.empty : Prisma.sql`WHERE x.user_id COLLATE "C" > ${page.after}`;
  const limit = page ? Prisma.sql`LIMIT ${page.limit}` : Prisma.empty;
  // a page judges its own students' attendances only
  const ofPage = page
    ? Prisma.sql`JOIN students st ON st.course_id = s.course_id AND st.user_id = a."userId"`
    : Prisma.empty;
  return Prisma.sql`
    WITH policy AS (
      SELECT c.id AS course_id,
             COALESCE(p."minAttendedPercent", ${DEFAULT_POLICY.minAttendedPercent}::int) AS min_pct,
             COALESCE(p."lateAfterMinutes", ${DEFAULT_POLICY.lateAfterMinutes}::int) AS late_min,
             COALESCE(p."leftEarlyMinutes", ${DEFAULT_POLICY.leftEarlyMinutes}::int) AS left_min,
             COALESCE(p."minCameraPercent", ${DEFAULT_POLICY.minCameraPercent}::int) AS camera_pct,
             COALESCE(p."minTalkSeconds", ${DEFAULT_POLICY.minTalkSeconds}::int) AS talk_min
      FROM unnest(${ids}) AS c(id) LEFT JOIN "AttendancePolicy" p ON p."courseId" = c.id
    ),
    sessions AS (
      -- an end reported before the start is read as the start (as presence.ts reads it)
      SELECT s.id, s."courseId" AS course_id, s."startedAt" AS started_at, x.ended_at, ${duration}(s."startedAt", x.ended_at) AS duration
      FROM "LiveSession" s CROSS JOIN LATERAL (SELECT GREATEST(s."endedAt", s."startedAt") AS ended_at) x
      WHERE ${inRange}
    ),
    students AS (
      SELECT x.course_id, x.user_id FROM (
        SELECT e."courseId" AS course_id, e."userId" AS user_id FROM "Enrolment" e WHERE e."courseId" = ANY(${ids})
        UNION
        SELECT s.course_id, a."userId" FROM "Attendance" a JOIN sessions s ON s.id = a."sessionId" WHERE a.role = 'PARTICIPANT'
      ) x ${paged}
      ORDER BY x.course_id, x.user_id COLLATE "C" ${limit}
    ),
    judged AS MATERIALIZED (
      -- one row per attendance, each computed once (the counts below would each evaluate an
      -- inlined expression again): its spans clipped to the session (as presence.ts clipSpan) and
      -- united in whole seconds (most attendances are one span, which needs no union), its first join
      -- and last leave clipped as presence.ts firstJoinedAt and lastLeftAt, its camera time (each
      -- track within its connection and the session, as engagement/media.ts clipMediaSpan, united),
      -- its talk time once the analytics file is imported, and its verdict
      SELECT x.course_id, x.user_id, x.session_id, x.seconds, cam.seconds AS camera_seconds, eng."talkSeconds" AS talk_seconds,
             ${verdict}(x.seconds, x.duration, true,
               LEAST(GREATEST(x.first_joined_at, x.started_at), x.ended_at) - x.started_at,
               x.ended_at - CASE WHEN x.connected THEN x.ended_at
                                 WHEN x.last_left_at IS NULL THEN NULL
                                 ELSE LEAST(GREATEST(x.last_left_at, x.started_at), x.ended_at) END,
               cam.seconds, eng."talkSeconds",
               pol.min_pct, pol.late_min, pol.left_min, pol.camera_pct, pol.talk_min) AS verdict
      FROM (
        SELECT a.id AS attendance_id, s.course_id, a."userId" AS user_id, s.id AS session_id, s.started_at, s.ended_at, s.duration,
               a.connected, a."firstJoinedAt" AS first_joined_at, a."lastLeftAt" AS last_left_at,
               COALESCE(floor(date_part('epoch', CASE
                 WHEN count(c.joined_at) = 1 THEN max(c.left_at - c.joined_at)
                 ELSE (SELECT sum(upper(r) - lower(r)) FROM unnest(range_agg(tsrange(c.joined_at, c.left_at))) r)
               END))::bigint, 0) AS seconds
        FROM sessions s
        JOIN "Attendance" a ON a."sessionId" = s.id ${ofPage}
        LEFT JOIN "PresenceSpan" p ON p."attendanceId" = a.id
        LEFT JOIN LATERAL (SELECT LEAST(GREATEST(p."joinedAt", s.started_at), s.ended_at) AS joined_at) j ON true
        LEFT JOIN LATERAL (SELECT j.joined_at, GREATEST(LEAST(COALESCE(p."leftAt", s.ended_at), s.ended_at), j.joined_at) AS left_at
                           WHERE p.id IS NOT NULL) c ON true
        GROUP BY a.id, s.course_id, s.id, s.started_at, s.ended_at, s.duration
      ) x
      JOIN policy pol ON pol.course_id = x.course_id
      LEFT JOIN "Engagement" eng ON eng."attendanceId" = x.attendance_id
      CROSS JOIN LATERAL (
        SELECT COALESCE(floor(date_part('epoch', (SELECT sum(upper(r) - lower(r)) FROM unnest(range_agg(tsrange(t.from_at, t.to_at))) r)))::bigint, 0) AS seconds
        FROM "MediaSpan" m
        LEFT JOIN "PresenceSpan" ps ON ps."attendanceId" = m."attendanceId" AND ps."participantSid" = m."participantSid"
        CROSS JOIN LATERAL (SELECT LEAST(GREATEST(ps."joinedAt", x.started_at), x.ended_at) AS joined_at) cj
        CROSS JOIN LATERAL (SELECT GREATEST(LEAST(COALESCE(ps."leftAt", x.ended_at), x.ended_at), cj.joined_at) AS left_at) cl
        CROSS JOIN LATERAL (SELECT
          GREATEST(LEAST(GREATEST(m."publishedAt", x.started_at), x.ended_at), COALESCE(cj.joined_at, x.started_at)) AS from_at,
          LEAST(LEAST(COALESCE(m."unpublishedAt", x.ended_at), x.ended_at), COALESCE(cl.left_at, x.ended_at)) AS to_at) t
        WHERE m."attendanceId" = x.attendance_id AND m.source = 'CAMERA' AND t.to_at > t.from_at
      ) cam
    )`;
}

function reportQuery(courseIds: readonly string[], range: ReportRange, page?: StudentPage): Prisma.Sql {
  return Prisma.sql`${judgedAttendances(courseIds, range, page)},
    totals AS (SELECT course_id, count(*) AS sessions, sum(duration) AS duration FROM sessions GROUP BY course_id),
    counted AS (
      SELECT j.course_id, j.user_id,
             count(*) FILTER (WHERE j.verdict = 'PRESENT') AS present,
             count(*) FILTER (WHERE j.verdict = 'LATE') AS late,
             count(*) FILTER (WHERE j.verdict = 'LEFT_EARLY') AS left_early,
             sum(j.seconds) AS seconds,
             sum(j.camera_seconds) AS camera_seconds,
             sum(j.talk_seconds) AS talk_seconds
      FROM judged j GROUP BY j.course_id, j.user_id
    )
    SELECT st.course_id AS "courseId", st.user_id AS "userId", u.name,
           COALESCE(t.sessions, 0)::int AS sessions,
           COALESCE(c.present, 0)::int AS present,
           COALESCE(c.late, 0)::int AS late,
           COALESCE(c.left_early, 0)::int AS "leftEarly",
           -- every session without one of those verdicts: judged ABSENT, or not attended at all
           (COALESCE(t.sessions, 0) - COALESCE(c.present + c.late + c.left_early, 0))::int AS absent,
           COALESCE(c.seconds, 0)::int AS "attendedSeconds",
           COALESCE(round(c.seconds * 100.0 / NULLIF(t.duration, 0), 2), 0)::float8 AS "attendedPercent",
           COALESCE(c.camera_seconds, 0)::int AS "cameraSeconds",
           COALESCE(c.talk_seconds, 0)::int AS "talkSeconds"
    FROM students st
    JOIN "User" u ON u.id = st.user_id
    LEFT JOIN totals t ON t.course_id = st.course_id
    LEFT JOIN counted c ON c.course_id = st.course_id AND c.user_id = st.user_id
    ORDER BY st.course_id, st.user_id COLLATE "C"`;
}

/** The report of a course: one row per student, by user id (byte order); one SQL statement. */
export async function courseReport(
  prisma: PrismaClient,
  courseId: string,
  range: ReportRange,
  page?: StudentPage,
): Promise<StudentReportRow[]> {
  return (await runReports(prisma, [courseId], range, page)).get(courseId) ?? [];
}

/** The reports of several courses over one range, in one SQL statement (a list of courses costs one). */
export function courseReports(
  prisma: PrismaClient,
  courseIds: readonly string[],
  range: ReportRange,
): Promise<Map<string, StudentReportRow[]>> {
  return runReports(prisma, courseIds, range);
}

/** A page (keyed by user id alone) only makes sense for one course. */
async function runReports(prisma: PrismaClient, courseIds: readonly string[], range: ReportRange, page?: StudentPage) {
  const reports = new Map<string, StudentReportRow[]>(courseIds.map((id) => [id, []]));
  if (courseIds.length === 0) return reports;
  const rows = await prisma.$queryRaw<Array<StudentReportRow & { courseId: string }>>(
    reportQuery(courseIds, range, page),
  );
  for (const { courseId, ...row } of rows) reports.get(courseId)?.push(row);
  return reports;
}

export interface SessionVerdictRow {
  userId: string;
  sessionId: string;
  durationSeconds: number;
  attendedSeconds: number;
  verdict: Verdict;
}

/** Each student's verdict in each session of the report (what the report counts): for tests and audits. */
export function sessionVerdicts(
  prisma: PrismaClient,
  courseId: string,
  range: ReportRange,
): Promise<SessionVerdictRow[]> {
  return prisma.$queryRaw<SessionVerdictRow[]>(Prisma.sql`${judgedAttendances([courseId], range)}
    SELECT st.user_id AS "userId", s.id AS "sessionId", s.duration::int AS "durationSeconds",
           COALESCE(j.seconds, 0)::int AS "attendedSeconds", COALESCE(j.verdict, 'ABSENT') AS verdict
    FROM students st
    JOIN sessions s ON s.course_id = st.course_id
    LEFT JOIN judged j ON j.session_id = s.id AND j.user_id = st.user_id
    ORDER BY st.user_id COLLATE "C", s.id COLLATE "C"`);
}
