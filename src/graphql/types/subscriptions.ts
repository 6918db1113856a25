import { GraphQLError } from 'graphql';
import type { Change } from '../../attendance/events.ts';
import { courseOfRoom } from '../../attendance/courses.ts';
import { canSeeCourse } from '../../auth/viewer.ts';
import { CursorError, type FeedEvent } from '../../changes/feed.ts';
import type { Stream } from '../../changes/log.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { notEmpty } from '../errors.ts';

const AttendanceChangeKindEnum = builder.enumType('AttendanceChangeKind', {
  values: ['JOINED', 'LEFT', 'UPDATED'] as const,
  description:
    "JOINED: the attendance changed and the user is online; LEFT: it changed and the user is offline; UPDATED: its engagement or media time changed without a join or leave (the session's analytics file was imported).",
});
const LiveSessionChangeKindEnum = builder.enumType('LiveSessionChangeKind', {
  values: ['STARTED', 'ENDED', 'UPDATED'] as const,
  description: "UPDATED: verdicts or absentees changed with the course's attendance policy or roster (refetch them).",
});

export type ChangeEvent<T extends Change['type']> = Extract<Change, { type: T }> & FeedEvent;

const CURSOR_DESCRIPTION =
  'Where this change is in its stream: subscribe again with after: <cursor> to receive every change that followed it.';

/**
 * The changes of a stream for this subscriber (only what it may read), after `after` if given: its
 * errors (an unusable or expired cursor) are the subscriber's.
 */
export async function openChanges<T extends Change['type']>(
  ctx: GraphQLContext,
  stream: Stream,
  after: string | null | undefined,
  keep: (change: ChangeEvent<T>) => boolean,
): Promise<AsyncIterableIterator<ChangeEvent<T>>> {
  try {
    return (await ctx.feed.open(stream, {
      after: notEmpty('after', after),
      until: ctx.subscription?.until,
      onDeliver: ctx.subscription?.onDeliver,
      filter: (change) => keep(change as ChangeEvent<T>),
    })) as AsyncIterableIterator<ChangeEvent<T>>;
  } catch (error) {
    if (error instanceof CursorError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
    throw error;
  }
}

// Change payloads carry ids; each delivery reads the current rows with the subscriber's selection.
const AttendanceChange = builder.objectRef<ChangeEvent<'attendance'>>('AttendanceChange').implement({
  fields: (t) => ({
    kind: t.field({ type: AttendanceChangeKindEnum, resolve: (e) => e.kind }),
    cursor: t.string({ description: CURSOR_DESCRIPTION, resolve: (e) => e.cursor }),
    attendance: t.prismaField({
      type: 'Attendance',
      resolve: (query, e, _args, ctx) =>
        ctx.prisma.attendance.findUniqueOrThrow({ ...query, where: { id: e.attendanceId } }),
    }),
    session: t.prismaField({
      type: 'LiveSession',
      resolve: (query, e, _args, ctx) =>
        ctx.prisma.liveSession.findUniqueOrThrow({ ...query, where: { id: e.sessionId } }),
    }),
  }),
});

const LiveSessionChange = builder.objectRef<ChangeEvent<'session'>>('LiveSessionChange').implement({
  fields: (t) => ({
    kind: t.field({ type: LiveSessionChangeKindEnum, resolve: (e) => e.kind }),
    cursor: t.string({ description: CURSOR_DESCRIPTION, resolve: (e) => e.cursor }),
    session: t.prismaField({
      type: 'LiveSession',
      resolve: (query, e, _args, ctx) =>
        ctx.prisma.liveSession.findUniqueOrThrow({ ...query, where: { id: e.sessionId } }),
    }),
  }),
});

const AFTER_DESCRIPTION =
  'A cursor of a change this subscription delivered before: first every change since, in order, then live ones.';

builder.subscriptionFields((t) => ({
  attendanceChanged: t.field({
    type: AttendanceChange,
    description: 'Every join and leave in the room (any of its runs).',
    args: {
      roomId: t.arg.string({ required: true }),
      after: t.arg.string({ required: false, description: AFTER_DESCRIPTION }),
    },
    authScopes: async (_root, { roomId }, ctx) => ({
      course: await courseOfRoom(ctx.prisma, notEmpty('roomId', roomId)),
    }),
    // a room can change course between runs: each change is checked against this subscriber
    subscribe: (_root, { roomId, after }, ctx) =>
      openChanges<'attendance'>(ctx, { topic: 'attendance', roomId }, after, (e) =>
        canSeeCourse(ctx.viewer, e.courseId),
      ),
    resolve: (event) => event,
  }),
  liveSessionChanged: t.field({
    type: LiveSessionChange,
    description: "Sessions starting and ending: one course's, or every course's when courseId is omitted.",
    args: {
      courseId: t.arg.id({ required: false }),
      after: t.arg.string({ required: false, description: AFTER_DESCRIPTION }),
    },
    authScopes: (_root, { courseId }) => (notEmpty('courseId', courseId) ? { course: courseId } : true),
    subscribe: (_root, { courseId, after }, ctx) =>
      openChanges<'session'>(
        ctx,
        { topic: 'session' },
        after,
        (e) => (!courseId || e.courseId === courseId) && canSeeCourse(ctx.viewer, e.courseId),
      ),
    resolve: (event) => event,
  }),
}));
