import { builder } from '../builder.ts';
import { ATTENDANCE_HISTORY_ORDER, pageArgs, pageComplexity } from './paging.ts';

export const UserType = builder.prismaObject('User', {
  description: 'A person, identified by their LMS user id (PlugNMeet participant.identity).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
    attendances: t.relation('attendances', {
      description: "This user's attendances, newest first (the user themself, or an admin).",
      authScopes: (user) => ({ self: user.id }),
      args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.id({ required: false }) },
      complexity: pageComplexity,
      query: (args) => ({ orderBy: ATTENDANCE_HISTORY_ORDER, ...pageArgs(args) }),
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The signed-in dashboard user (null for the admin token).',
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer.kind === 'user' ? ctx.prisma.user.findUnique({ ...query, where: { id: ctx.viewer.userId } }) : null,
  }),
}));
