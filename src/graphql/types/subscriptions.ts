import { filter } from 'graphql-yoga';
import { courseOfRoom } from '../../attendance/courses.ts';
import { canSeeCourse } from '../../auth/viewer.ts';
import { EVERY_COURSE, type AttendanceChangedEvent, type LiveSessionChangedEvent } from '../../bus.ts';
import { builder } from '../builder.ts';
import { notEmpty } from '../errors.ts';

const AttendanceChangeKindEnum = builder.enumType('AttendanceChangeKind', {
  values: ['JOINED', 'LEFT'] as const,
  description: 'JOINED: the attendance changed and the user is online; LEFT: it changed and the user is offline.',
});
const LiveSessionChangeKindEnum = builder.enumType('LiveSessionChangeKind', {
  values: ['STARTED', 'ENDED', 'UPDATED'] as const,
  description: "UPDATED: verdicts or absentees changed with the course's attendance policy or roster (refetch them).",
});

// Bus payloads carry ids; each delivery reads the current rows with the subscriber's selection.
const AttendanceChange = builder.objectRef<AttendanceChangedEvent>('AttendanceChange').implement({
  fields: (t) => ({
    kind: t.field({ type: AttendanceChangeKindEnum, resolve: (e) => e.kind }),
    attendance: t.prismaField({
      type: 'Attendance',
      resolve: (query, e, _args, ctx) => ctx.prisma.attendance.findUniqueOrThrow({ ...query, where: { id: e.attendanceId } }),
    }),
    session: t.prismaField({
      type: 'LiveSession',
      resolve: (query, e, _args, ctx) => ctx.prisma.liveSession.findUniqueOrThrow({ ...query, where: { id: e.sessionId } }),
    }),
  }),
});

const LiveSessionChange = builder.objectRef<LiveSessionChangedEvent>('LiveSessionChange').implement({
  fields: (t) => ({
    kind: t.field({ type: LiveSessionChangeKindEnum, resolve: (e) => e.kind }),
    session: t.prismaField({
      type: 'LiveSession',
      resolve: (query, e, _args, ctx) => ctx.prisma.liveSession.findUniqueOrThrow({ ...query, where: { id: e.sessionId } }),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  attendanceChanged: t.field({
    type: AttendanceChange,
    description: 'Every join and leave in the room (any of its runs).',
    args: { roomId: t.arg.string({ required: true }) },
    authScopes: async (_root, { roomId }, ctx) => ({ course: await courseOfRoom(ctx.prisma, notEmpty('roomId', roomId)) }),
    subscribe: (_root, { roomId }, ctx) =>
      // a room can change course between runs: each event is checked against this subscriber
      filter<AttendanceChangedEvent>((e) => canSeeCourse(ctx.viewer, e.courseId))(ctx.pubsub.subscribe('attendanceChanged', roomId)),
    resolve: (event) => event,
  }),
  liveSessionChanged: t.field({
    type: LiveSessionChange,
    description: "Sessions starting and ending: one course's, or every course's when courseId is omitted.",
    args: { courseId: t.arg.id({ required: false }) },
    authScopes: (_root, { courseId }) => (notEmpty('courseId', courseId) ? { course: courseId } : true),
    subscribe: (_root, { courseId }, ctx) =>
      filter<LiveSessionChangedEvent>((e) => canSeeCourse(ctx.viewer, e.courseId))(
        ctx.pubsub.subscribe('liveSessionChanged', courseId ?? EVERY_COURSE),
      ),
    resolve: (event) => event,
  }),
}));
