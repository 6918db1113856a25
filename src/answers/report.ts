// The course report, computed in the database: one statement judges every student in every ended
// session of the range (the union of clipped spans with range_agg, the verdict with the SQL rule)
// and sums it up per student, whatever the number of sessions and students.
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
}

/** A page of one course's students by user id in byte order (the same on every database), after `after`. */
export interface StudentPage {
  after: string | null;
  limit: number;
}

export function checkRange(range: { from?: Date | null; to?: Date | null }): ReportRange {
  const from = range.from ?? null;
  const to = range.to ?? null;
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (value && Number.isNaN(value.getTime())) throw new DomainError(`${name} is not a valid date-time`, 'BAD_USER_INPUT');
  }
  if (from && to && from > to) {
    throw new DomainError(`from (${from.toISOString()}) must not be after to (${to.toISOString()})`, 'BAD_USER_INPUT');
  }
  return { from, to };
}

const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * The common part, for one or more courses: `policy` (per course), `sessions` (ended, in range),
 * `students` (per course: the roster and whoever attended one of its sessions as PARTICIPANT; a page
 * of them when given), `covered` and `attended` (each attendance of a student in a session, its
 * spans clipped to the session and united) and `verdicts` (one per student and session of their
 * course: no attendance is ABSENT).
 */
function judgedSessions(courseIds: readonly string[], range: ReportRange, page?: StudentPage): Prisma.Sql {
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
  return Prisma.sql`
    WITH policy AS (
      SELECT c.id AS course_id,
             COALESCE(p."minAttendedPercent", ${DEFAULT_POLICY.minAttendedPercent}::int) AS min_pct,
             COALESCE(p."lateAfterMinutes", ${DEFAULT_POLICY.lateAfterMinutes}::int) AS late_min,
             COALESCE(p."leftEarlyMinutes", ${DEFAULT_POLICY.leftEarlyMinutes}::int) AS left_min
      FROM unnest(${ids}) AS c(id) LEFT JOIN "AttendancePolicy" p ON p."courseId" = c.id
    ),
    sessions AS (
      -- an end reported before the start is read as the start (as presence.ts reads it)
      SELECT s.id, s."courseId" AS course_id, s."startedAt" AS started_at, GREATEST(s."endedAt", s."startedAt") AS ended_at
      FROM "LiveSession" s WHERE ${inRange}
    ),
    students AS (
      SELECT x.course_id, x.user_id FROM (
        SELECT e."courseId" AS course_id, e."userId" AS user_id FROM "Enrolment" e WHERE e."courseId" = ANY(${ids})
        UNION
        SELECT s.course_id, a."userId" FROM "Attendance" a JOIN sessions s ON s.id = a."sessionId" WHERE a.role = 'PARTICIPANT'
      ) x ${paged}
      ORDER BY x.course_id, x.user_id COLLATE "C" ${limit}
    ),
    covered AS (
      -- each span clipped to its session, as presence.ts clipSpan; their union per attendance
      SELECT a.id, range_agg(tsrange(c.joined_at, GREATEST(c.left_at, c.joined_at))) AS time
      FROM students st
      JOIN sessions s ON s.course_id = st.course_id
      JOIN "Attendance" a ON a."sessionId" = s.id AND a."userId" = st.user_id
      JOIN "PresenceSpan" p ON p."attendanceId" = a.id
      CROSS JOIN LATERAL (SELECT LEAST(GREATEST(p."joinedAt", s.started_at), s.ended_at) AS joined_at,
                                 LEAST(COALESCE(p."leftAt", s.ended_at), s.ended_at) AS left_at) c
      GROUP BY a.id
    ),
    attended AS (
      -- first join and last leave clipped as presence.ts firstJoinedAt and lastLeftAt
      SELECT a."userId" AS user_id, a."sessionId" AS session_id,
             COALESCE((SELECT floor(extract(epoch FROM sum(upper(r) - lower(r))))::bigint FROM unnest(cv.time) r), 0) AS seconds,
             LEAST(GREATEST(a."firstJoinedAt", s.started_at), s.ended_at) AS first_joined_at,
             CASE WHEN a.connected THEN s.ended_at
                  WHEN a."lastLeftAt" IS NULL THEN NULL
                  ELSE LEAST(GREATEST(a."lastLeftAt", s.started_at), s.ended_at) END AS last_left_at
      FROM students st
      JOIN sessions s ON s.course_id = st.course_id
      JOIN "Attendance" a ON a."sessionId" = s.id AND a."userId" = st.user_id
      LEFT JOIN covered cv ON cv.id = a.id
    ),
    verdicts AS (
      SELECT st.course_id, st.user_id, s.id AS session_id, ${duration}(s.started_at, s.ended_at) AS duration,
             COALESCE(x.seconds, 0) AS seconds,
             CASE WHEN x.user_id IS NULL THEN 'ABSENT'
                  ELSE ${verdict}(x.seconds, s.started_at, s.ended_at, true, x.first_joined_at, x.last_left_at,
                                  pol.min_pct, pol.late_min, pol.left_min) END AS verdict
      FROM students st
      JOIN sessions s ON s.course_id = st.course_id
      JOIN policy pol ON pol.course_id = st.course_id
      LEFT JOIN attended x ON x.user_id = st.user_id AND x.session_id = s.id
    )`;
}

function reportQuery(courseIds: readonly string[], range: ReportRange, page?: StudentPage): Prisma.Sql {
  return Prisma.sql`${judgedSessions(courseIds, range, page)}
    SELECT st.course_id AS "courseId", st.user_id AS "userId", u.name,
           count(v.session_id)::int AS sessions,
           (count(*) FILTER (WHERE v.verdict = 'PRESENT'))::int AS present,
           (count(*) FILTER (WHERE v.verdict = 'LATE'))::int AS late,
           (count(*) FILTER (WHERE v.verdict = 'LEFT_EARLY'))::int AS "leftEarly",
           (count(*) FILTER (WHERE v.verdict = 'ABSENT'))::int AS absent,
           COALESCE(sum(v.seconds), 0)::int AS "attendedSeconds",
           COALESCE(round(sum(v.seconds) * 100.0 / NULLIF(sum(v.duration), 0), 2), 0)::float8 AS "attendedPercent"
    FROM students st
    JOIN "User" u ON u.id = st.user_id
    LEFT JOIN verdicts v ON v.course_id = st.course_id AND v.user_id = st.user_id
    GROUP BY st.course_id, st.user_id, u.name
    ORDER BY st.course_id, st.user_id COLLATE "C"`;
}

/** The report of a course: one row per student, by user id (byte order); one SQL statement. */
export async function courseReport(prisma: PrismaClient, courseId: string, range: ReportRange, page?: StudentPage): Promise<StudentReportRow[]> {
  return (await runReports(prisma, [courseId], range, page)).get(courseId) ?? [];
}

/** The reports of several courses over one range, in one SQL statement (a list of courses costs one). */
export function courseReports(prisma: PrismaClient, courseIds: readonly string[], range: ReportRange): Promise<Map<string, StudentReportRow[]>> {
  return runReports(prisma, courseIds, range);
}

/** A page (keyed by user id alone) only makes sense for one course. */
async function runReports(prisma: PrismaClient, courseIds: readonly string[], range: ReportRange, page?: StudentPage) {
  const reports = new Map<string, StudentReportRow[]>(courseIds.map((id) => [id, []]));
  if (courseIds.length === 0) return reports;
  const rows = await prisma.$queryRaw<Array<StudentReportRow & { courseId: string }>>(reportQuery(courseIds, range, page));
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
export function sessionVerdicts(prisma: PrismaClient, courseId: string, range: ReportRange): Promise<SessionVerdictRow[]> {
  return prisma.$queryRaw<SessionVerdictRow[]>(Prisma.sql`${judgedSessions([courseId], range)}
    SELECT user_id AS "userId", session_id AS "sessionId", duration::int AS "durationSeconds",
           seconds::int AS "attendedSeconds", verdict
    FROM verdicts ORDER BY user_id COLLATE "C", session_id COLLATE "C"`);
}
