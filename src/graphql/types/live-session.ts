import { sessionEnd } from '../../attendance/presence.ts';
import { builder } from '../builder.ts';
import { AttendanceType } from './attendance.ts';
import { RECORDING_ORDER } from './paging.ts';

/** Attendances in the order a dashboard lists them: first arrivals first. */
export const ATTENDANCE_ORDER = [{ firstJoinedAt: 'asc' as const }, { id: 'asc' as const }];

/** Everyone's attendance and the recordings: the course's managers (and admins) only. */
const courseOnly = (session: { courseId: string | null }) => ({ course: session.courseId });

export const LiveSessionType = builder.prismaObject('LiveSession', {
  description: 'One run of a PlugNMeet room (or a scheduled one not started yet).',
  // its course's managers (and admins); an attendee sees the session of their own attendance
  authScopes: (session) => ({ course: session.courseId, $granted: 'attendee' }),
  fields: (t) => ({
    id: t.exposeID('id'),
    roomId: t.exposeString('roomId'),
    subject: t.exposeString('subject', { nullable: true }),
    course: t.relation('course', { nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.field({
      type: 'DateTime',
      nullable: true,
      select: { startedAt: true, endedAt: true },
      resolve: (s) => sessionEnd(s),
    }),
    endInferred: t.exposeBoolean('endInferred', {
      description: 'The end was inferred (nobody online and no event for a while), not reported by PlugNMeet.',
    }),
    isLive: t.boolean({
      description: 'Started and not ended.',
      select: { startedAt: true, endedAt: true },
      resolve: (s) => s.startedAt !== null && s.endedAt === null,
    }),
    onlineCount: t.int({
      authScopes: courseOnly,
      select: { endedAt: true, _count: { select: { attendances: { where: { connected: true } } } } },
      resolve: (s) => (s.endedAt === null ? s._count.attendances : 0),
    }),
    // Shares the `attendances` query (same arguments) and filters, so both fields cost one query.
    onlineParticipants: t.field({
      type: [AttendanceType],
      authScopes: courseOnly,
      select: (_args, _ctx, nested) => ({ endedAt: true, attendances: nested({ orderBy: ATTENDANCE_ORDER }) }),
      resolve: (s) => (s.endedAt === null ? s.attendances.filter((a) => a.connected) : []),
    }),
    attendances: t.relation('attendances', { query: { orderBy: ATTENDANCE_ORDER }, authScopes: courseOnly }),
    recordings: t.relation('recordings', {
      description: "This run's recordings, newest first.",
      query: { orderBy: RECORDING_ORDER },
      authScopes: courseOnly,
    }),
  }),
});
