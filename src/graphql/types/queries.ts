import { visibleCourseIds, type Viewer } from '../../auth/viewer.ts';
import { builder } from '../builder.ts';
import { notEmpty } from '../errors.ts';
import { CURRENT_SESSION_ORDER, LIVE_SESSION_ORDER } from './paging.ts';

builder.queryFields((t) => ({
  liveSessions: t.prismaField({
    type: ['LiveSession'],
    description:
      'Sessions not ended, newest first: live ones by start, then scheduled ones not started; only courses the caller may read.',
    args: { courseId: t.arg.id({ required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.liveSession.findMany({
        ...query,
        where: {
          AND: [
            { endedAt: null },
            notEmpty('courseId', args.courseId) ? { courseId: args.courseId } : {},
            visibleSessions(ctx.viewer),
          ],
        },
        orderBy: CURRENT_SESSION_ORDER,
      }),
  }),
  liveSession: t.prismaField({
    type: 'LiveSession',
    nullable: true,
    description: "The room's current session (live, else scheduled), else its latest.",
    args: { roomId: t.arg.string({ required: true }) },
    resolve: async (query, _root, { roomId }, ctx) =>
      (await ctx.prisma.liveSession.findFirst({
        ...query,
        where: { roomId, endedAt: null, startedAt: { not: null } },
        orderBy: CURRENT_SESSION_ORDER,
      })) ?? ctx.prisma.liveSession.findFirst({ ...query, where: { roomId }, orderBy: LIVE_SESSION_ORDER }),
  }),
  session: t.prismaField({
    type: 'LiveSession',
    nullable: true,
    description: "A session by id, live or past (the teacher's page opens one from its course).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.liveSession.findUnique({ ...query, where: { id: String(id) } }),
  }),
  course: t.prismaField({
    type: 'Course',
    nullable: true,
    args: { slug: t.arg.string({ required: true }) },
    resolve: (query, _root, { slug }, ctx) => ctx.prisma.course.findUnique({ ...query, where: { slug } }),
  }),
  courses: t.prismaField({
    type: ['Course'],
    description: 'The courses the caller may read (every course for admins), by slug.',
    resolve: (query, _root, _args, ctx) => {
      const courseIds = visibleCourseIds(ctx.viewer);
      return ctx.prisma.course.findMany({
        ...query,
        where: courseIds ? { id: { in: courseIds } } : {},
        orderBy: { slug: 'asc' },
      });
    },
  }),
}));

/** Sessions of the courses the viewer may read (all for admins). */
function visibleSessions(viewer: Viewer) {
  const courseIds = visibleCourseIds(viewer);
  return courseIds ? { courseId: { in: courseIds } } : {};
}
