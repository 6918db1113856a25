// Live sessions: one per run of a room (room.sid). Any room event of a run nobody has seen yet
// creates its session, so a lost room_started never loses the class.
import { Prisma, type LiveSession } from '../db/generated/prisma/client.ts';
import type { Tx } from '../db/types.ts';
import type { Change, RoomRef } from './events.ts';
import { courseSlugFromRoomId, maxDate } from './rules.ts';

/** Another transaction changed what this one read; the caller retries the whole transaction. */
export class ConcurrentChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentChangeError';
  }
}

export interface SessionResult {
  session: LiveSession;
  changes: Change[];
}

// Named columns, not *: statements are prepared once per connection (see db/database.ts), and a
// prepared SELECT * fails once a migration adds a column under an instance still running.
const SESSION_COLUMNS = Prisma.raw(Object.values(Prisma.LiveSessionScalarFieldEnum).map((column) => `"${column}"`).join(', '));

const started = (session: LiveSession): Change => ({
  type: 'session',
  kind: 'STARTED',
  sessionId: session.id,
  roomId: session.roomId,
  courseId: session.courseId,
});

/**
 * How an event holds its session's row until it commits. A lock is never upgraded: two holders of
 * a shared lock that both go on to update the row deadlock, and PostgreSQL takes a second to see it.
 * - 'key share' (joins, leaves, starts): they run side by side; their own updates of the row (an
 *   earlier startedAt, the start confirmed) take FOR NO KEY UPDATE, which key-share holders do not
 *   block, and queue behind one another.
 * - 'update' (ends): waits for every event holding the row, and every later one waits for the end
 *   and then sees it, so no span opens in an ended session.
 */
export type SessionLock = 'key share' | 'update';
const LOCK_CLAUSE: Record<SessionLock, Prisma.Sql> = { 'key share': Prisma.sql`FOR KEY SHARE`, update: Prisma.sql`FOR UPDATE` };

/** How late a leave or an end without room.sid may come and still belong to the room's last run. */
const LATE_EVENT_MS = 60 * 60 * 1000;

/**
 * The session of the event's room run, created (or claimed from a schedule) if needed, and locked
 * (see SessionLock) until this transaction commits. `at` is the event's time: until room_started
 * arrives, startedAt is the earliest event's time.
 */
export async function findOrStartSession(
  tx: Tx,
  room: RoomRef,
  at: Date,
  { lock = 'key share', beginsRun = true }: { lock?: SessionLock; beginsRun?: boolean } = {},
): Promise<SessionResult> {
  const [existing] = room.roomSid
    ? await tx.$queryRaw<LiveSession[]>`
        SELECT ${SESSION_COLUMNS} FROM "LiveSession" WHERE "roomSid" = ${room.roomSid} ${LOCK_CLAUSE[lock]}`
    : await tx.$queryRaw<LiveSession[]>`
        SELECT ${SESSION_COLUMNS} FROM "LiveSession"
        WHERE "roomId" = ${room.roomId} AND "endedAt" IS NULL AND "startedAt" IS NOT NULL
        ORDER BY "createdAt" DESC LIMIT 1 ${LOCK_CLAUSE[lock]}`;
  if (existing) {
    if (!existing.startConfirmed && existing.startedAt && at < existing.startedAt) {
      // guarded: a room_started (or an earlier event) may have committed since we read the row
      const moved = await tx.liveSession.updateMany({
        where: { id: existing.id, startConfirmed: false, startedAt: { gt: at } },
        data: { startedAt: at },
      });
      if (moved.count === 1) return { session: { ...existing, startedAt: at }, changes: [] };
      return { session: await tx.liveSession.findUniqueOrThrow({ where: { id: existing.id } }), changes: [] };
    }
    return { session: existing, changes: [] };
  }

  if (!room.roomSid) {
    // Without PlugNMeet's run id, a late event of the room's last run must not start a phantom one:
    // it belongs to that run if it happened before its end, or if it is a leave or an end (neither
    // begins a run) arriving within the hour after it.
    const [ended] = await tx.$queryRaw<LiveSession[]>`
      SELECT ${SESSION_COLUMNS} FROM "LiveSession"
      WHERE "roomId" = ${room.roomId} AND "endedAt" IS NOT NULL
        AND (${!beginsRun} OR "startedAt" <= ${at})
        AND "endedAt" >= ${beginsRun ? at : new Date(at.getTime() - LATE_EVENT_MS)}
      ORDER BY "endedAt" DESC LIMIT 1 ${LOCK_CLAUSE[lock]}`;
    if (ended) return { session: ended, changes: [] };
  }

  const scheduled = await tx.liveSession.findFirst({
    where: { roomId: room.roomId, startedAt: null, endedAt: null },
    orderBy: { createdAt: 'asc' },
  });
  if (scheduled) {
    const claimed = await tx.liveSession.updateMany({
      where: { id: scheduled.id, startedAt: null },
      data: { roomSid: room.roomSid ?? null, startedAt: at },
    });
    if (claimed.count !== 1) throw new ConcurrentChangeError(`scheduled session ${scheduled.id} was claimed concurrently`);
    const session = { ...scheduled, roomSid: room.roomSid ?? null, startedAt: at };
    await adoptRecordings(tx, session);
    return { session, changes: [started(session)] };
  }

  const session = await tx.liveSession.create({
    data: { roomId: room.roomId, roomSid: room.roomSid, startedAt: at, courseId: await courseIdForRoom(tx, room.roomId) },
  });
  await adoptRecordings(tx, session);
  return { session, changes: [started(session)] };
}

/** Recordings that arrived before any other event of their run belong to its new session. */
async function adoptRecordings(tx: Tx, session: LiveSession) {
  if (session.roomSid) {
    await tx.recording.updateMany({ where: { roomSid: session.roomSid, sessionId: null }, data: { sessionId: session.id } });
  }
}

/** The course a new run of a room belongs to: by the room id's slug, else the room's previous run's. */
async function courseIdForRoom(tx: Tx, roomId: string): Promise<string | null> {
  const slug = courseSlugFromRoomId(roomId);
  if (slug) {
    const course = await tx.course.findUnique({ where: { slug }, select: { id: true } });
    if (course) return course.id;
  }
  const previous = await tx.liveSession.findFirst({
    where: { roomId, courseId: { not: null } },
    orderBy: { createdAt: 'desc' },
    select: { courseId: true },
  });
  return previous?.courseId ?? null;
}

/** The course a room belongs to: its latest session's, else by the room id's slug; null if none. */
export async function courseOfRoom(prisma: Pick<Tx, 'liveSession' | 'course'>, roomId: string): Promise<string | null> {
  const latest = await prisma.liveSession.findFirst({
    where: { roomId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { courseId: true },
  });
  if (latest?.courseId) return latest.courseId;
  const slug = courseSlugFromRoomId(roomId);
  return slug ? ((await prisma.course.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null) : null;
}

/** room_started: the session is live and starts at this event's time. */
export async function confirmStart(tx: Tx, room: RoomRef, at: Date): Promise<SessionResult> {
  const result = await findOrStartSession(tx, room, at);
  if (result.session.startConfirmed) return result;
  const session = await tx.liveSession.update({
    where: { id: result.session.id },
    data: { startedAt: at, startConfirmed: true },
  });
  return { session, changes: result.changes };
}

/** room_finished / session_ended: the session ends at the event's time and every open span closes then. */
export async function endSession(tx: Tx, room: RoomRef, at: Date): Promise<SessionResult> {
  const { session, changes } = await findOrStartSession(tx, room, at, { lock: 'update', beginsRun: false });
  const endedAt = session.startedAt ? maxDate(at, session.startedAt) : at;
  const ended = await tx.liveSession.updateMany({ where: { id: session.id, endedAt: null }, data: { endedAt } });
  if (ended.count === 0) return { session, changes }; // already ended: a late or repeated end changes nothing

  // The session's row is ours (FOR UPDATE): no join can open a span behind our back.
  await tx.$executeRaw`
    UPDATE "PresenceSpan" AS s SET "leftAt" = GREATEST(s."joinedAt", ${endedAt})
    FROM "Attendance" AS a
    WHERE s."attendanceId" = a.id AND a."sessionId" = ${session.id} AND s."leftAt" IS NULL`;
  const wentOffline = await tx.$queryRaw<{ id: string; userId: string }[]>`
    UPDATE "Attendance" SET "isOnline" = false, "lastLeftAt" = GREATEST(COALESCE("lastLeftAt", ${endedAt}), ${endedAt})
    WHERE "sessionId" = ${session.id} AND "isOnline"
    RETURNING id, "userId"`;

  const scope = { sessionId: session.id, roomId: session.roomId, courseId: session.courseId };
  return {
    session: { ...session, endedAt },
    changes: [
      ...changes,
      ...wentOffline.map((a): Change => ({ type: 'attendance', kind: 'LEFT', attendanceId: a.id, userId: a.userId, ...scope })),
      { type: 'session', kind: 'ENDED', ...scope },
    ],
  };
}
