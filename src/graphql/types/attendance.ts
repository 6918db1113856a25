import { attendedSeconds } from '../../attendance/rules.ts';
import { builder } from '../builder.ts';

export const AttendanceRoleEnum = builder.enumType('AttendanceRole', { values: ['MODERATOR', 'PARTICIPANT'] as const });

export const PresenceSpanType = builder.prismaObject('PresenceSpan', {
  description: 'One connection of a user: from join to leave (null while connected).',
  fields: (t) => ({
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
    leftAt: t.expose('leftAt', { type: 'DateTime', nullable: true }),
  }),
});

export const SPAN_ORDER = [{ joinedAt: 'asc' as const }, { id: 'asc' as const }];

export const AttendanceType = builder.prismaObject('Attendance', {
  description: "One user's presence in one live session.",
  fields: (t) => ({
    id: t.exposeID('id'),
    user: t.relation('user'),
    role: t.expose('role', { type: AttendanceRoleEnum }),
    isOnline: t.exposeBoolean('isOnline', { description: 'At least one connection is open.' }),
    firstJoinedAt: t.expose('firstJoinedAt', { type: 'DateTime' }),
    lastLeftAt: t.expose('lastLeftAt', { type: 'DateTime', nullable: true }),
    attendedSeconds: t.int({
      description: 'Time covered by the union of the spans; an open span counts up to now (or the session end).',
      select: { spans: { select: { joinedAt: true, leftAt: true }, orderBy: SPAN_ORDER }, session: { select: { endedAt: true } } },
      resolve: (a) => attendedSeconds(a.spans, a.session.endedAt ?? new Date()),
    }),
    spans: t.relation('spans', { query: { orderBy: SPAN_ORDER } }),
    session: t.relation('session', {
      description: 'The session attended (its attendee may read it, not its other attendances).',
      grantScopes: (attendance, _args, ctx) =>
        ctx.viewer.kind === 'user' && ctx.viewer.userId === attendance.userId ? ['attendee'] : [],
    }),
  }),
});
