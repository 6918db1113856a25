// Roster and policy changes. Each logs UPDATED, in its transaction, for the course's sessions not
// ended, whose verdicts and absentees it changed; they are delivered after it commits.
import { setAttendancePolicy } from '../../answers/policy.ts';
import { enrol, unenrol } from '../../answers/roster.ts';
import { builder } from '../builder.ts';
import { asGraphQLErrors, forbidden } from '../errors.ts';

builder.mutationFields((t) => ({
  enrol: t.prismaField({
    type: 'Course',
    description: "Admin: add users (LMS user ids; unknown ones are created) to a course's roster.",
    args: { courseSlug: t.arg.string({ required: true }), userIds: t.arg.idList({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { courseId, changes } = await asGraphQLErrors(() => enrol(ctx.prisma, args));
      if (changes.length) ctx.changesCommitted();
      return ctx.prisma.course.findUniqueOrThrow({ ...query, where: { id: courseId } });
    },
  }),
  unenrol: t.prismaField({
    type: 'Course',
    description: "Admin: take users off a course's roster (their attendance stays).",
    args: { courseSlug: t.arg.string({ required: true }), userIds: t.arg.idList({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { courseId, changes } = await asGraphQLErrors(() => unenrol(ctx.prisma, args));
      if (changes.length) ctx.changesCommitted();
      return ctx.prisma.course.findUniqueOrThrow({ ...query, where: { id: courseId } });
    },
  }),
  setAttendancePolicy: t.prismaField({
    type: 'Course',
    description: "Admin or the course's managers: change the thresholds given (the others keep their value).",
    args: {
      courseSlug: t.arg.string({ required: true }),
      minAttendedPercent: t.arg.int({ required: false }),
      lateAfterMinutes: t.arg.int({ required: false }),
      leftEarlyMinutes: t.arg.int({ required: false }),
      minCameraPercent: t.arg.int({ required: false }),
      minTalkSeconds: t.arg.int({ required: false }),
    },
    // not the Mutation type's admin-only rule: the course's managers too
    skipTypeScopes: true,
    authScopes: async (_root, { courseSlug }, ctx) => {
      if (ctx.viewer.kind === 'admin') return true;
      const course = await ctx.prisma.course.findUnique({ where: { slug: courseSlug }, select: { id: true } });
      // an unknown course is NOT_FOUND (from the resolver), as for an admin
      return course ? { manage: course.id } : true;
    },
    unauthorizedError: (_root, { courseSlug }) =>
      forbidden(
        `Not allowed to change the attendance policy of course "${courseSlug}": only an admin or one of its managers may`,
      ),
    resolve: async (query, _root, args, ctx) => {
      const { courseId, changes } = await asGraphQLErrors(() => setAttendancePolicy(ctx.prisma, args));
      if (changes.length) ctx.changesCommitted();
      return ctx.prisma.course.findUniqueOrThrow({ ...query, where: { id: courseId } });
    },
  }),
}));
