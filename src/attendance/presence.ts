// Joins and leaves: presence spans per connection, kept right whatever order they arrive in.
import type { Attendance, LiveSession } from '../db/generated/prisma/client.ts';
import type { Tx } from '../db/types.ts';
import type { Change, ParticipantRef } from './events.ts';
import { maxDate, minDate, roleFor } from './rules.ts';

/**
 * Locks the session against ending while this transaction changes its spans (an end waits for us,
 * and we see an end that committed first) and returns its current end.
 */
async function lockSession(tx: Tx, sessionId: string): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ endedAt: Date | null }[]>`
    SELECT "endedAt" FROM "LiveSession" WHERE id = ${sessionId} FOR SHARE`;
  return rows[0]?.endedAt ?? null;
}

/** The user's attendance in the session, created if needed and locked for this transaction. */
async function lockedAttendance(
  tx: Tx,
  session: LiveSession,
  participant: ParticipantRef,
  firstSeenAt: Date,
): Promise<Attendance> {
  const userId = participant.identity;
  await tx.user.upsert({
    where: { id: userId },
    create: { id: userId, name: participant.name ?? null },
    update: participant.name ? { name: participant.name } : {},
  });
  const managesCourse = session.courseId
    ? (await tx.courseManager.count({ where: { courseId: session.courseId, userId } })) > 0
    : false;
  const role = roleFor({ managesCourse, isAdmin: participant.isAdmin });
  const { id } = await tx.attendance.upsert({
    where: { sessionId_userId: { sessionId: session.id, userId } },
    create: { sessionId: session.id, userId, role, firstJoinedAt: firstSeenAt },
    update: role === 'MODERATOR' ? { role } : {},
    select: { id: true },
  });
  // Serialize every change to this attendance: the reads below must see what committed before us.
  const [locked] = await tx.$queryRaw<Attendance[]>`
    SELECT * FROM "Attendance" WHERE id = ${id} FOR UPDATE`;
  return locked;
}

/** Span key: the connection id; without one, a user's presence is one span. */
const connectionKey = (p: ParticipantRef) => p.sid ?? `user:${p.identity}`;

/** Brings the attendance's summary in line with its spans and reports the change, if any. */
async function settle(tx: Tx, session: LiveSession, before: Attendance, touched: { joinedAt?: Date; leftAt?: Date }) {
  const isOnline = (await tx.presenceSpan.count({ where: { attendanceId: before.id, leftAt: null } })) > 0;
  const firstJoinedAt = touched.joinedAt ? minDate(before.firstJoinedAt, touched.joinedAt) : before.firstJoinedAt;
  const lastLeftAt = touched.leftAt
    ? before.lastLeftAt ? maxDate(before.lastLeftAt, touched.leftAt) : touched.leftAt
    : before.lastLeftAt;
  await tx.attendance.update({ where: { id: before.id }, data: { isOnline, firstJoinedAt, lastLeftAt } });
  const change: Change = {
    type: 'attendance',
    kind: isOnline ? 'JOINED' : 'LEFT',
    attendanceId: before.id,
    userId: before.userId,
    sessionId: session.id,
    roomId: session.roomId,
    courseId: session.courseId,
  };
  return [change];
}

/**
 * participant_joined: opens the connection's span. A span that exists already (a duplicate, or a
 * leave that overtook this join) is not reopened. In an ended session the span is recorded closed.
 */
export async function recordJoin(tx: Tx, session: LiveSession, participant: ParticipantRef, at: Date): Promise<Change[]> {
  const endedAt = await lockSession(tx, session.id);
  let joinedAt = participant.joinedAt ?? at;
  if (endedAt) joinedAt = minDate(joinedAt, endedAt);
  const attendance = await lockedAttendance(tx, session, participant, joinedAt);
  const key = { attendanceId: attendance.id, participantSid: connectionKey(participant) };

  const span = await tx.presenceSpan.findUnique({ where: { attendanceId_participantSid: key } });
  if (span) {
    if (joinedAt >= span.joinedAt) return []; // duplicate or late join: nothing new
    await tx.presenceSpan.update({ where: { id: span.id }, data: { joinedAt } });
    return settle(tx, session, attendance, { joinedAt });
  }
  await tx.presenceSpan.create({ data: { ...key, joinedAt, leftAt: endedAt } });
  return settle(tx, session, attendance, { joinedAt, leftAt: endedAt ?? undefined });
}

/**
 * participant_left: closes the connection's span. A leave without a span (it overtook its join, or
 * the join was lost) is recorded as a closed span; a span already closed (a duplicate, or closed by
 * the session's end) is left as it is.
 */
export async function recordLeave(tx: Tx, session: LiveSession, participant: ParticipantRef, at: Date): Promise<Change[]> {
  const endedAt = await lockSession(tx, session.id);
  const leftAt = endedAt ? minDate(at, endedAt) : at;
  const attendance = await lockedAttendance(tx, session, participant, minDate(participant.joinedAt ?? leftAt, leftAt));
  const key = { attendanceId: attendance.id, participantSid: connectionKey(participant) };

  const span = await tx.presenceSpan.findUnique({ where: { attendanceId_participantSid: key } });
  if (span && span.leftAt) return [];
  if (span) {
    const closedAt = maxDate(leftAt, span.joinedAt);
    await tx.presenceSpan.update({ where: { id: span.id }, data: { leftAt: closedAt } });
    return settle(tx, session, attendance, { leftAt: closedAt });
  }
  const joinedAt = minDate(participant.joinedAt ?? leftAt, leftAt);
  await tx.presenceSpan.create({ data: { ...key, joinedAt, leftAt } });
  return settle(tx, session, attendance, { joinedAt, leftAt });
}
