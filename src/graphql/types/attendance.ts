import { attendedSeconds, clipSpan, firstJoinedAt, isOnline, lastLeftAt } from '../../attendance/presence.ts';
import { builder } from '../builder.ts';

export const AttendanceRoleEnum = builder.enumType('AttendanceRole', { values: ['MODERATOR', 'PARTICIPANT'] as const });

export const SPAN_ORDER = [{ joinedAt: 'asc' as const }, { id: 'asc' as const }];

/** The session's bounds, which clip every span of it when read. */
const BOUNDS = { session: { select: { startedAt: true, endedAt: true } } } as const;

export const PresenceSpanType = builder.prismaObject('PresenceSpan', {
  description: 'One connection of a user, within its session: from join to leave (null while connected).',
  fields: (t) => ({
    joinedAt: t.field({
      type: 'DateTime',
      select: { joinedAt: true, leftAt: true, attendance: { select: BOUNDS } },
      resolve: (s) => clipSpan(s, s.attendance.session).joinedAt,
    }),
    leftAt: t.field({
      type: 'DateTime',
      nullable: true,
      select: { joinedAt: true, leftAt: true, attendance: { select: BOUNDS } },
      resolve: (s) => clipSpan(s, s.attendance.session).leftAt,
    }),
  }),
});

export const AttendanceType = builder.prismaObject('Attendance', {
  description: "One user's presence in one live session.",
  fields: (t) => ({
    id: t.exposeID('id'),
    user: t.relation('user'),
    role: t.expose('role', { type: AttendanceRoleEnum }),
    isOnline: t.boolean({
      description: 'A connection is open and the session has not ended.',
      select: { connected: true, ...BOUNDS },
      resolve: (a) => isOnline(a.connected, a.session),
    }),
    firstJoinedAt: t.field({
      type: 'DateTime',
      select: { firstJoinedAt: true, connected: true, lastLeftAt: true, ...BOUNDS },
      resolve: (a) => firstJoinedAt(a, a.session),
    }),
    lastLeftAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a connection last closed (the session end closes those still open).',
      select: { firstJoinedAt: true, connected: true, lastLeftAt: true, ...BOUNDS },
      resolve: (a) => lastLeftAt(a, a.session),
    }),
    attendedSeconds: t.int({
      description: 'Time covered by the union of the spans within the session; an open span counts up to now.',
      select: { spans: { select: { joinedAt: true, leftAt: true }, orderBy: SPAN_ORDER }, ...BOUNDS },
      resolve: (a) => attendedSeconds(a.spans, a.session, new Date()),
    }),
    spans: t.relation('spans', { query: { orderBy: SPAN_ORDER } }),
    session: t.relation('session', {
      description: 'The session attended (its attendee may read it, not its other attendances).',
      grantScopes: (attendance, _args, ctx) =>
        ctx.viewer.kind === 'user' && ctx.viewer.userId === attendance.userId ? ['attendee'] : [],
    }),
  }),
});
