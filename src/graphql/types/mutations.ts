import { scheduleLiveSession, upsertCourse } from '../../attendance/courses.ts';
import { asGraphQLErrors } from '../errors.ts';
import { builder } from '../builder.ts';

builder.mutationFields((t) => ({
  upsertCourse: t.prismaField({
    type: 'Course',
    description: 'Admin: create or update a course; managerIds (LMS user ids) replaces its managers.',
    args: {
      slug: t.arg.string({ required: true }),
      title: t.arg.string({ required: true }),
      managerIds: t.arg.idList({ required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await asGraphQLErrors(() => upsertCourse(ctx.prisma, args));
      return ctx.prisma.course.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  scheduleLiveSession: t.prismaField({
    type: 'LiveSession',
    description: 'Admin: tie a room id to a course (and subject) before its class starts.',
    args: {
      courseSlug: t.arg.string({ required: true }),
      roomId: t.arg.string({ required: true }),
      subject: t.arg.string({ required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await asGraphQLErrors(() => scheduleLiveSession(ctx.prisma, args));
      return ctx.prisma.liveSession.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
