// Joins and leaves: presence spans per connection, kept right whatever order they arrive in.
// Written in SQL that does each step in one statement (upserts that lock and return the row), as
// this is the hot path of every class: a join or leave is three or four statements of its own.
import { randomUUID } from 'node:crypto';
import type { LiveSession } from '../db/generated/prisma/client.ts';
import type { Tx } from '../db/types.ts';
import type { Change, ParticipantRef } from './events.ts';
import { maxDate, minDate, roleFor, type Role } from './rules.ts';

interface AttendanceRow {
  id: string;
  userId: string;
}

/**
 * The user's attendance in the session, created if needed. The upsert locks the row until commit,
 * so changes to one user's presence are serialized and every later read sees what committed before.
 * The caller holds the session's lock (findOrStartSession).
 */
async function lockedAttendance(tx: Tx, session: LiveSession, participant: ParticipantRef, firstSeenAt: Date) {
  const userId = participant.identity;
  const managesCourse = session.courseId
    ? (await tx.$queryRaw<{ manages: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM "CourseManager" WHERE "courseId" = ${session.courseId} AND "userId" = ${userId}) AS manages`)[0].manages
    : false;
  const role: Role = roleFor({ managesCourse, isAdmin: participant.isAdmin });
  // The user (created, or renamed when the event has a name) and their attendance, in one statement.
  const [attendance] = await tx.$queryRaw<AttendanceRow[]>`
    WITH person AS (
      INSERT INTO "User" (id, name) VALUES (${userId}, ${participant.name ?? null})
      ON CONFLICT (id) DO UPDATE SET name = COALESCE(EXCLUDED.name, "User".name)
      RETURNING id
    )
    INSERT INTO "Attendance" (id, "sessionId", "userId", role, "roomAdmin", "isOnline", "firstJoinedAt")
    SELECT ${randomUUID()}, ${session.id}, person.id, ${role}::"AttendanceRole", ${participant.isAdmin}, false, ${firstSeenAt} FROM person
    ON CONFLICT ("sessionId", "userId") DO UPDATE
      SET role = CASE WHEN EXCLUDED.role = 'MODERATOR' THEN EXCLUDED.role ELSE "Attendance".role END,
          "roomAdmin" = "Attendance"."roomAdmin" OR EXCLUDED."roomAdmin"
    RETURNING id, "userId"`;
  return attendance;
}

/** Span key: the connection id; without one, a user's presence is one span. */
const connectionKey = (p: ParticipantRef) => p.sid ?? `user:${p.identity}`;

/** Brings the attendance's summary in line with its spans and reports the change. */
async function settle(tx: Tx, session: LiveSession, attendance: AttendanceRow, touched: { joinedAt?: Date; leftAt?: Date }) {
  const [{ isOnline }] = await tx.$queryRaw<{ isOnline: boolean }[]>`
    UPDATE "Attendance" SET
      "isOnline" = EXISTS (SELECT 1 FROM "PresenceSpan" WHERE "attendanceId" = ${attendance.id} AND "leftAt" IS NULL),
      "firstJoinedAt" = LEAST("firstJoinedAt", COALESCE(${touched.joinedAt ?? null}::timestamp(3), "firstJoinedAt")),
      "lastLeftAt" = GREATEST("lastLeftAt", ${touched.leftAt ?? null}::timestamp(3))
    WHERE id = ${attendance.id}
    RETURNING "isOnline"`;
  const change: Change = {
    type: 'attendance',
    kind: isOnline ? 'JOINED' : 'LEFT',
    attendanceId: attendance.id,
    userId: attendance.userId,
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
  const { endedAt } = session;
  let joinedAt = participant.joinedAt ?? at;
  if (endedAt) joinedAt = minDate(joinedAt, endedAt);
  const attendance = await lockedAttendance(tx, session, participant, joinedAt);
  const sid = connectionKey(participant);

  const opened = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "PresenceSpan" (id, "attendanceId", "participantSid", "joinedAt", "leftAt")
    VALUES (${randomUUID()}, ${attendance.id}, ${sid}, ${joinedAt}, ${endedAt})
    ON CONFLICT ("attendanceId", "participantSid") DO NOTHING
    RETURNING id`;
  if (opened.length) return settle(tx, session, attendance, { joinedAt, leftAt: endedAt ?? undefined });

  // The connection is known: a duplicate or late join adds nothing, unless it tells an earlier
  // start than a leave without joined_at could.
  const earlier = await tx.$executeRaw`
    UPDATE "PresenceSpan" SET "joinedAt" = ${joinedAt}
    WHERE "attendanceId" = ${attendance.id} AND "participantSid" = ${sid} AND "joinedAt" > ${joinedAt}`;
  return earlier ? settle(tx, session, attendance, { joinedAt }) : [];
}

/**
 * participant_left: closes the connection's span. A leave without a span (it overtook its join, or
 * the join was lost) is recorded as a closed span; a span already closed (a duplicate, or closed by
 * the session's end) is left as it is.
 */
export async function recordLeave(tx: Tx, session: LiveSession, participant: ParticipantRef, at: Date): Promise<Change[]> {
  const { endedAt } = session;
  const leftAt = endedAt ? minDate(at, endedAt) : at;
  const joinedAt = minDate(participant.joinedAt ?? leftAt, leftAt);
  const attendance = await lockedAttendance(tx, session, participant, joinedAt);
  const sid = connectionKey(participant);

  // A leave that names no connection is the user's: it closes whichever of theirs are open.
  const closed = await tx.$queryRaw<{ leftAt: Date }[]>`
    UPDATE "PresenceSpan" SET "leftAt" = GREATEST("joinedAt", ${leftAt})
    WHERE "attendanceId" = ${attendance.id} AND "leftAt" IS NULL AND (${participant.sid === undefined} OR "participantSid" = ${sid})
    RETURNING "leftAt"`;
  if (closed.length) return settle(tx, session, attendance, { leftAt: closed.map((c) => c.leftAt).reduce(maxDate) });

  if (endedAt && leftAt < endedAt) {
    // The end closed this connection at the end's time (or a late join was recorded so): its own
    // leave, dated earlier, says when it really closed, whichever of the two arrived first.
    const corrected = await tx.$executeRaw`
      UPDATE "PresenceSpan" SET "leftAt" = GREATEST("joinedAt", ${leftAt})
      WHERE "attendanceId" = ${attendance.id} AND "participantSid" = ${sid} AND "leftAt" = ${endedAt}`;
    if (corrected) {
      await tx.$executeRaw`
        UPDATE "Attendance" SET "lastLeftAt" = (SELECT max("leftAt") FROM "PresenceSpan" WHERE "attendanceId" = ${attendance.id})
        WHERE id = ${attendance.id}`;
      return []; // offline before and after: nothing to announce
    }
  }

  const recorded = await tx.$executeRaw`
    INSERT INTO "PresenceSpan" (id, "attendanceId", "participantSid", "joinedAt", "leftAt")
    VALUES (${randomUUID()}, ${attendance.id}, ${sid}, ${joinedAt}, ${leftAt})
    ON CONFLICT ("attendanceId", "participantSid") DO NOTHING`;
  return recorded ? settle(tx, session, attendance, { joinedAt, leftAt }) : []; // already closed: nothing twice
}
