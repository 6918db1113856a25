// Drives the attendance domain without HTTP: builds DomainEvents the way the webhook layer maps
// PlugNMeet's bodies, stores and applies them through the ingest path (one statement, deduplicated
// by event id), and reads back what a user would see.
import { randomUUID } from 'node:crypto';
import type { PlugNMeetEvent, ParticipantEventName, RoomEventName, RoomRef } from '../../src/plugnmeet/events.ts';
import { attendedSeconds, clipSpan, firstJoinedAt, isOnline, lastLeftAt } from '../../src/attendance/presence.ts';
import type { PrismaClient } from '../../src/db/types.ts';
import { createIngest, type Outcome } from '../../src/ingest/ingest.ts';

/** 2026-11-24T09:00:00Z in unix seconds; event times are given as seconds after it. */
export const T0 = 1_795_510_800;
export const at = (offsetSeconds: number) => new Date((T0 + offsetSeconds) * 1000);
export const iso = (offsetSeconds: number) => at(offsetSeconds).toISOString();

let rooms = 0;
/** A room run of its own: a room id and a room.sid no other test uses. */
export function freshRoom(roomId?: string): RoomRef {
  rooms += 1;
  const suffix = `${rooms}-${randomUUID().slice(0, 8)}`;
  return { roomId: roomId ?? `room-${suffix}`, roomSid: `RM_${suffix}` };
}

export interface Who {
  identity: string;
  name?: string;
  /** the connection (participant.sid) */
  sid?: string;
  /** participant.joined_at, in seconds after T0 */
  joinedAt?: number;
  isAdmin?: boolean;
}

export function roomEvent(name: RoomEventName, room: RoomRef, offset: number): PlugNMeetEvent {
  return { name, room, at: at(offset) };
}

function participantEvent(name: ParticipantEventName, room: RoomRef, who: Who, offset: number): PlugNMeetEvent {
  return {
    name,
    room,
    at: at(offset),
    participant: {
      identity: who.identity,
      name: who.name,
      sid: who.sid,
      joinedAt: who.joinedAt === undefined ? undefined : at(who.joinedAt),
      isAdmin: who.isAdmin ?? false,
    },
  };
}

/** participant_joined at `offset`; participant.joined_at defaults to the event's time, as PlugNMeet sends it. */
export const join = (room: RoomRef, who: Who, offset: number) =>
  participantEvent('participant_joined', room, { joinedAt: offset, ...who }, offset);

/** participant_left at `offset`; participant.joined_at only when given. */
export const leave = (room: RoomRef, who: Who, offset: number) =>
  participantEvent('participant_left', room, who, offset);

export interface Delivery {
  id: string;
  event: PlugNMeetEvent;
}

/** A delivery of the event with an id (a new one unless given): redeliver it to test duplicates. */
export const delivery = (event: PlugNMeetEvent, id: string = randomUUID()): Delivery => ({ id, event });

/** Stores and applies one delivery as the webhook route does, in one statement. */
export function deliver(prisma: PrismaClient, d: Delivery | PlugNMeetEvent): Promise<Outcome> {
  const { id, event } = 'event' in d ? d : delivery(d);
  return createIngest({ prisma, changesCommitted: () => {} })(
    {
      id,
      name: event.name,
      body: JSON.stringify({ event: event.name, id, room: { sid: event.room.roomSid, room_id: event.room.roomId } }),
      roomId: event.room.roomId,
      roomSid: event.room.roomSid,
      occurredAt: event.at,
    },
    event,
  );
}

/** Delivers each in turn, in this order. */
export async function deliverAll(
  prisma: PrismaClient,
  deliveries: Array<Delivery | PlugNMeetEvent>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const d of deliveries) outcomes.push(await deliver(prisma, d));
  return outcomes;
}

/** The sessions of a room id, oldest first. */
export const sessionsOf = (prisma: PrismaClient, roomId: string) =>
  prisma.liveSession.findMany({ where: { roomId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

/** The session of one run of a room (by room.sid). */
export const sessionOf = (prisma: PrismaClient, room: RoomRef) =>
  prisma.liveSession.findUnique({ where: { roomSid: room.roomSid! } });

export interface AttendanceView {
  userId: string;
  role: string;
  isOnline: boolean;
  firstJoinedAt: string;
  lastLeftAt: string | null;
  attendedSeconds: number;
  spans: Array<{ sid: string; joinedAt: string; leftAt: string | null }>;
}

/**
 * The attendances of a room run as a dashboard shows them (spans clipped to the session, in join
 * order). Open spans count up to `now` while it is live.
 */
export async function attendancesOf(prisma: PrismaClient, room: RoomRef, now = new Date()): Promise<AttendanceView[]> {
  const session = await sessionOf(prisma, room);
  return session ? attendancesOfSession(prisma, session.id, now) : [];
}

/** The attendances of one session as a dashboard shows them (see attendancesOf). */
export async function attendancesOfSession(
  prisma: PrismaClient,
  sessionId: string,
  now = new Date(),
): Promise<AttendanceView[]> {
  const session = await prisma.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
  const rows = await prisma.attendance.findMany({
    where: { sessionId: session.id },
    include: { spans: { orderBy: [{ joinedAt: 'asc' }, { participantSid: 'asc' }] } },
    orderBy: { userId: 'asc' },
  });
  return rows.map((a) => ({
    userId: a.userId,
    role: a.role,
    isOnline: isOnline(a.connected, session),
    firstJoinedAt: firstJoinedAt(a, session).toISOString(),
    lastLeftAt: lastLeftAt(a, session)?.toISOString() ?? null,
    attendedSeconds: attendedSeconds(a.spans, session, now),
    spans: a.spans.map((s) => {
      const clipped = clipSpan(s, session);
      return {
        sid: s.participantSid,
        joinedAt: clipped.joinedAt.toISOString(),
        leftAt: clipped.leftAt?.toISOString() ?? null,
      };
    }),
  }));
}

/** One user's attendance in a room run, or undefined. */
export async function attendanceOf(prisma: PrismaClient, room: RoomRef, userId: string, now?: Date) {
  return (await attendancesOf(prisma, room, now)).find((a) => a.userId === userId);
}

/** Every row Rollcall keeps, to compare before and after deliveries that must change nothing. */
export async function snapshot(prisma: PrismaClient) {
  const [users, courses, managers, sessions, attendances, spans, events] = await Promise.all([
    prisma.user.findMany({ orderBy: { id: 'asc' } }),
    prisma.course.findMany({ orderBy: { id: 'asc' } }),
    prisma.courseManager.findMany({ orderBy: [{ courseId: 'asc' }, { userId: 'asc' }] }),
    prisma.liveSession.findMany({ orderBy: { id: 'asc' } }),
    prisma.attendance.findMany({ orderBy: { id: 'asc' } }),
    prisma.presenceSpan.findMany({ orderBy: { id: 'asc' } }),
    prisma.webhookEvent.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return { users, courses, managers, sessions, attendances, spans, events };
}
