import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import { withCursorChecks } from './types/paging.ts';
import './types/user.ts';
import './types/attendance.ts';
import './types/course.ts';
import './types/live-session.ts';
import './types/engagement.ts';
import './types/queries.ts';
import './types/cursors.ts';
import './types/mutations.ts';
import './types/subscriptions.ts';
import './types/answers.ts';
import './types/answers-mutations.ts';
import './types/operations.ts';
import { webhookEventsWhere } from './types/operations.ts';
import { recordingsWhere } from './types/recording.ts';

export const schema = withCursorChecks(builder.toSchema(), {
  'Course.liveSessions': (ctx, course, after) =>
    ctx.prisma.liveSession.count({ where: { id: after, courseId: course.id } }),
  'User.attendances': (ctx, user, after) => ctx.prisma.attendance.count({ where: { id: after, userId: user.id } }),
  'Query.webhookEvents': (ctx, _root, after, args) =>
    ctx.prisma.webhookEvent.count({ where: { AND: [webhookEventsWhere(args), { id: after }] } }),
  'Query.userErasures': (ctx, _root, after) => ctx.prisma.userErasure.count({ where: { id: after } }),
  'Query.recordings': (ctx, _root, after, args) =>
    ctx.prisma.recording.count({ where: { AND: [recordingsWhere(args, ctx), { id: after }] } }),
});
/** What schema.graphql holds. */
export const printableSchema = () => lexicographicSortSchema(schema);
