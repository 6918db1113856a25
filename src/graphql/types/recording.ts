import { SafeIntResolver } from 'graphql-scalars';
import { retryRecording } from '../../recordings/admin.ts';
import { courseOfRoom } from '../../attendance/courses.ts';
import { canSeeCourse, visibleCourseIds } from '../../auth/viewer.ts';
import { asGraphQLErrors, forbidden } from '../errors.ts';
import { builder } from '../builder.ts';
import { RECORDING_ORDER, pageArgs, pageComplexity } from './paging.ts';
import { openChanges, type ChangeEvent } from './subscriptions.ts';

builder.addScalarType('SafeInt', SafeIntResolver);

export const RecordingTypeEnum = builder.enumType('RecordingType', {
  values: ['VIDEO', 'VOICE'] as const,
  description: "From the file's streams (ffprobe), not its name: VIDEO has a video stream, VOICE is audio only.",
});
export const RecordingStatusEnum = builder.enumType('RecordingStatus', {
  values: ['PROCESSING', 'DOWNLOADING', 'READY', 'FAILED'] as const,
});

export const RecordingObject = builder.prismaObject('Recording', {
  description: 'A PlugNMeet recording, downloaded and stored by Rollcall.',
  fields: (t) => ({
    id: t.exposeID('id'),
    recordId: t.exposeString('recordId', { description: "PlugNMeet's record_id." }),
    title: t.string({
      description: "PlugNMeet's title, else the session's subject, else the room id.",
      select: { title: true, roomId: true, session: { select: { subject: true } } },
      resolve: (r) => r.title ?? r.session?.subject ?? r.roomId,
    }),
    type: t.expose('type', { type: RecordingTypeEnum, nullable: true }),
    status: t.expose('status', { type: RecordingStatusEnum }),
    durationSeconds: t.exposeFloat('durationSeconds', { nullable: true }),
    fileName: t.exposeString('fileName', { nullable: true }),
    fileSize: t.field({
      type: 'SafeInt',
      nullable: true,
      description: 'Bytes.',
      select: { fileSize: true },
      resolve: (r) => (r.fileSize === null ? null : Number(r.fileSize)),
    }),
    sha256: t.exposeString('sha256', { nullable: true }),
    url: t.string({
      nullable: true,
      description: 'Path of the file on this server (HTTP Range supported), once READY.',
      select: { status: true },
      resolve: (r) => (r.status === 'READY' ? `/recordings/${r.id}/file` : null),
    }),
    playbackUrl: t.string({
      nullable: true,
      description:
        'A link to the file that opens without credentials for 6 hours, for a <video> or <audio> element (which cannot send an Authorization header); null until READY.',
      select: { status: true },
      resolve: (r, _args, ctx) => (r.status === 'READY' ? ctx.signUrl(`/recordings/${r.id}/file`) : null),
    }),
    thumbnailUrl: t.string({
      nullable: true,
      description: 'Path of a 640 px wide JPEG, for video recordings once READY.',
      select: { status: true, hasThumbnail: true },
      resolve: (r) => (r.status === 'READY' && r.hasThumbnail ? `/recordings/${r.id}/thumbnail` : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    readyAt: t.expose('readyAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true, description: 'Why the last attempt failed.' }),
    session: t.relation('session', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  recordings: t.prismaField({
    type: ['Recording'],
    description: 'Recordings, newest first, a page at a time (after: the last recording id seen).',
    args: {
      courseId: t.arg.id({ required: false }),
      roomId: t.arg.string({ required: false }),
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string({ required: false }),
    },
    complexity: pageComplexity,
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.recording.findMany({
        ...query,
        where: recordingsWhere(args, ctx),
        orderBy: RECORDING_ORDER,
        ...pageArgs(args),
      }),
  }),
  recording: t.prismaField({
    type: 'Recording',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const owner = await ctx.prisma.recording.findUnique({
        where: { id },
        select: { session: { select: { courseId: true } } },
      });
      if (!owner) return null;
      if (!canSeeCourse(ctx.viewer, owner.session?.courseId)) throw forbidden(`Not allowed to read recording ${id}`);
      return ctx.prisma.recording.findUnique({ ...query, where: { id } });
    },
  }),
}));

/** The recordings `recordings(roomId, courseId)` lists for this viewer (paging aside). */
export function recordingsWhere(
  args: { roomId?: string | null; courseId?: string | null },
  ctx: { viewer: Parameters<typeof visibleCourseIds>[0] },
) {
  return {
    AND: [
      args.roomId ? { roomId: args.roomId } : {},
      args.courseId ? { session: { courseId: args.courseId } } : {},
      visible(ctx),
    ],
  };
}

/** Recordings of the courses the viewer may read (all for admins). */
function visible(ctx: { viewer: Parameters<typeof visibleCourseIds>[0] }) {
  const courseIds = visibleCourseIds(ctx.viewer);
  return courseIds ? { session: { courseId: { in: courseIds } } } : {};
}

builder.mutationFields((t) => ({
  retryRecording: t.prismaField({
    authScopes: { admin: true },
    type: 'Recording',
    description: 'Admin: queue a FAILED recording for download again, with a fresh set of attempts.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const { changes } = await asGraphQLErrors(() => retryRecording(ctx.prisma, id));
      if (changes.length) ctx.changesCommitted();
      const recording = await ctx.prisma.recording.findUniqueOrThrow({ ...query, where: { id } });
      ctx.kickRecordings();
      return recording;
    },
  }),
}));

const RecordingChange = builder.objectRef<ChangeEvent<'recording'>>('RecordingChange').implement({
  fields: (t) => ({
    status: t.field({ type: RecordingStatusEnum, resolve: (e) => e.status }),
    cursor: t.string({
      description:
        'Where this change is in its stream: subscribe again with after: <cursor> to receive every change that followed it.',
      resolve: (e) => e.cursor,
    }),
    recording: t.prismaField({
      type: 'Recording',
      resolve: (query, e, _args, ctx) =>
        ctx.prisma.recording.findUniqueOrThrow({ ...query, where: { id: e.recordingId } }),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  recordingChanged: t.field({
    type: RecordingChange,
    description: "Every status change of a recording: one room's, one course's, or all when neither is given.",
    args: {
      courseId: t.arg.id({ required: false }),
      roomId: t.arg.string({ required: false }),
      after: t.arg.string({
        required: false,
        description:
          'A cursor of a change this subscription delivered before: first every change since, in order, then live ones.',
      }),
    },
    authScopes: async (_root, { courseId, roomId }, ctx) => {
      if (courseId) return { course: courseId };
      if (roomId) return { course: await courseOfRoom(ctx.prisma, roomId) };
      return true; // every course: changes are filtered per subscriber
    },
    // each subscriber receives only what it may read (and, with both arguments, that course's and room's)
    subscribe: (_root, { courseId, roomId, after }, ctx) =>
      openChanges<'recording'>(
        ctx,
        { topic: 'recording' },
        after,
        (e) =>
          canSeeCourse(ctx.viewer, e.courseId) &&
          (!courseId || e.courseId === courseId) &&
          (!roomId || e.roomId === roomId),
      ),
    resolve: (event) => event,
  }),
}));
