// Answers a teacher wants rather than spans: a course's roster and attendance policy, each
// attendance's verdict, a session's absentees and the course report. Every value is computed when
// read, so it follows joins, leaves, the end, the policy and the roster as they change.
import { judge, STORED_ATTENDANCE_SELECT } from '../../answers/judge.ts';
import { policyOf, POLICY_SELECT } from '../../answers/policy.ts';
import { checkRange, courseReports, type StudentReportRow } from '../../answers/report.ts';
import type { AttendancePolicy } from '../../answers/verdict.ts';
import { loadBatched } from '../batch.ts';
import { builder } from '../builder.ts';
import { asGraphQLErrors } from '../errors.ts';
import { ATTENDANCE_ORDER } from './live-session.ts';
import { UserType } from './user.ts';

export const AttendanceVerdictEnum = builder.enumType('AttendanceVerdict', {
  values: ['PRESENT', 'LATE', 'LEFT_EARLY', 'ABSENT'] as const,
  description:
    "ABSENT: attended less than the policy's minimum share of the session, or a camera on for less than its minimum share of " +
    'the time attended, or (once the analytics file is imported) talked less than its minimum; else LATE: first joined more ' +
    'than lateAfterMinutes after the start; else LEFT_EARLY: last left more than leftEarlyMinutes before the end (ended ' +
    'sessions); else PRESENT.',
});

const AttendancePolicyType = builder.objectRef<AttendancePolicy>('AttendancePolicy').implement({
  description: "How a course's attendances are judged (defaults 75 %, 10 min, 10 min).",
  fields: (t) => ({
    minAttendedPercent: t.exposeInt('minAttendedPercent', {
      description: 'ABSENT below this share of the session (0-100).',
    }),
    lateAfterMinutes: t.exposeInt('lateAfterMinutes', {
      description: 'LATE when the first join is more than this after the start.',
    }),
    leftEarlyMinutes: t.exposeInt('leftEarlyMinutes', {
      description: 'LEFT_EARLY when the last leave is more than this before the end.',
    }),
    minCameraPercent: t.exposeInt('minCameraPercent', {
      description:
        'ABSENT when a camera was on for less than this share of the time attended (0-100; 0: not required).',
    }),
    minTalkSeconds: t.exposeInt('minTalkSeconds', {
      description:
        "ABSENT when the session's analytics file says the student talked less than this (0: not required; judged once the file is imported).",
    }),
  }),
});

const StudentReportType = builder.objectRef<StudentReportRow>('StudentReport').implement({
  description: "One student's attendance over the ended sessions of a course that started in the report's range.",
  fields: (t) => ({
    user: t.prismaField({
      type: 'User',
      // Prisma answers the findUnique of every row of the report with one query
      resolve: (query, row, _args, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: row.userId } }),
    }),
    sessions: t.exposeInt('sessions', { description: 'Ended sessions of the course that started in [from, to).' }),
    present: t.exposeInt('present'),
    late: t.exposeInt('late'),
    leftEarly: t.exposeInt('leftEarly'),
    absent: t.exposeInt('absent', { description: 'Sessions judged ABSENT, those with no attendance at all included.' }),
    attendedSeconds: t.exposeInt('attendedSeconds', {
      description: 'Over those sessions, each clipped to its session.',
    }),
    attendedPercent: t.exposeFloat('attendedPercent', {
      description:
        'attendedSeconds / the total duration of those sessions × 100, to two decimals (0 without sessions).',
    }),
    cameraSeconds: t.exposeInt('cameraSeconds', { description: 'Seconds a camera was on, over those sessions.' }),
    talkSeconds: t.exposeInt('talkSeconds', {
      description: 'Seconds talked, over those of the sessions whose analytics file is imported.',
    }),
  }),
});

/** The policy of an attendance's session's course (a session of no course: the defaults). */
const POLICY_OF_SESSION = { course: { select: { policy: { select: POLICY_SELECT } } } } as const;

builder.prismaObjectField('Attendance', 'verdict', (t) =>
  t.field({
    type: AttendanceVerdictEnum,
    description: "With the course's policy; while the session runs, the verdict it would get if it ended now.",
    select: {
      ...STORED_ATTENDANCE_SELECT,
      session: { select: { startedAt: true, endedAt: true, ...POLICY_OF_SESSION } },
    },
    resolve: (a) => judge(a, a.session, policyOf(a.session.course?.policy), new Date()).verdict,
  }),
);

builder.prismaObjectField('LiveSession', 'absentees', (t) =>
  t.field({
    type: [UserType],
    description: "Members of the course's roster with no attendance in this session, by id.",
    authScopes: (session: { courseId: string | null }) => ({ course: session.courseId }),
    select: (_args, _ctx, nested) => ({
      // the same arguments as the attendances field: one query serves both
      attendances: { select: { userId: true }, orderBy: ATTENDANCE_ORDER },
      course: { include: { enrolments: { include: { user: nested() }, orderBy: { userId: 'asc' as const } } } },
    }),
    resolve: (session) => {
      const came = new Set(session.attendances.map((a) => a.userId));
      return (session.course?.enrolments ?? []).filter((e) => !came.has(e.userId)).map((e) => e.user);
    },
  }),
);

builder.prismaObjectFields('Course', (t) => ({
  roster: t.field({
    type: [UserType],
    description: 'The students enrolled in the course, by id.',
    select: (_args, _ctx, nested) => ({ enrolments: { select: { user: nested() }, orderBy: { userId: 'asc' } } }),
    resolve: (course) => course.enrolments.map((e) => e.user),
  }),
  policy: t.field({
    type: AttendancePolicyType,
    select: { policy: { select: POLICY_SELECT } },
    resolve: (course) => policyOf(course.policy),
  }),
  report: t.field({
    type: [StudentReportType],
    description:
      'Per student (the roster, and whoever attended a session as PARTICIPANT), over the ended sessions that started in [from, to), by user id.',
    args: { from: t.arg({ type: 'DateTime', required: false }), to: t.arg({ type: 'DateTime', required: false }) },
    complexity: { field: 20, multiplier: 10 },
    resolve: async (course, args, ctx) => {
      const range = await asGraphQLErrors(async () => checkRange(args));
      // every course of a list asking for the same range: one statement
      const batchKey = `Course.report:${range.from?.toISOString()}:${range.to?.toISOString()}`;
      return loadBatched(ctx, batchKey, course.id, (ids) => courseReports(ctx.prisma, ids, range));
    },
  }),
}));
