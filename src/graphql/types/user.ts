import { builder } from '../builder.ts';

export const UserType = builder.prismaObject('User', {
  description: 'A person, identified by their LMS user id (PlugNMeet participant.identity).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
  }),
});
