import { builder } from '../builder.ts';
import { UserType } from './user.ts';
import { LIVE_SESSION_ORDER, pageArgs, pageComplexity } from './paging.ts';

export const CourseType = builder.prismaObject('Course', {
  authScopes: (course) => ({ course: course.id }),
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    title: t.exposeString('title'),
    liveSessions: t.relation('liveSessions', {
      description: "The course's sessions, newest first, a page at a time (after: the last session id seen).",
      args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.id({ required: false }) },
      complexity: pageComplexity,
      query: (args) => ({ orderBy: LIVE_SESSION_ORDER, ...pageArgs(args) }),
    }),
    managers: t.field({
      type: [UserType],
      description: 'Users who manage this course (moderators of its sessions).',
      select: (_args, _ctx, nested) => ({ managers: { include: { user: nested() }, orderBy: { userId: 'asc' } } }),
      resolve: (course) => course.managers.map((m) => m.user),
    }),
  }),
});
