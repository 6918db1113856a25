// SPEC section 4 over a real database, without HTTP: however PlugNMeet's deliveries arrive
// (repeated, reordered, late, partly lost), the attendance a user sees is the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleLiveSession, upsertCourse } from '../../src/attendance/courses.ts';
import type { Database } from '../../src/db/database.ts';
import type { Outcome } from '../../src/ingest/ingest.ts';
import { testDatabaseUrl } from '../support/backends.ts';
import { openTestDatabase } from '../support/database.ts';
import {
  at,
  attendanceOf,
  attendancesOf,
  attendancesOfSession,
  deliver,
  deliverAll,
  delivery,
  freshRoom,
  iso,
  join,
  leave,
  roomEvent,
  sessionOf,
  sessionsOf,
  snapshot,
} from '../support/domain-helpers.ts';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db?.close());

const applied = (outcome: Outcome) => {
  expect(outcome.duplicate).toBe(false);
  return outcome.duplicate ? undefined : outcome.effect;
};

describe('duplicates change nothing', () => {
  it('a redelivery of any event (same id), in any order, is answered as a duplicate and changes no row', async () => {
    const room = freshRoom();
    const deliveries = [
      delivery(roomEvent('room_started', room, 0)),
      delivery(join(room, { identity: 'dup-1', name: 'Dup One', sid: 'PA_d1' }, 10)),
      delivery(join(room, { identity: 'dup-2', name: 'Dup Two', sid: 'PA_d2' }, 20)),
      delivery(leave(room, { identity: 'dup-1', sid: 'PA_d1', joinedAt: 10 }, 300)),
      delivery(roomEvent('room_finished', room, 1000)),
    ];
    const first = await deliverAll(db.prisma, deliveries);
    expect(first.map((o) => o.duplicate)).toEqual([false, false, false, false, false]);
    const before = await snapshot(db.prisma);

    // PlugNMeet retries: every event again, the join after its own leave and after the end
    const again = await deliverAll(db.prisma, [...deliveries].reverse());
    expect(again).toEqual(deliveries.map(() => ({ duplicate: true })));
    const twice = await deliverAll(db.prisma, [deliveries[1], deliveries[3], deliveries[1]]);
    expect(twice).toEqual([{ duplicate: true }, { duplicate: true }, { duplicate: true }]);

    expect(await snapshot(db.prisma)).toEqual(before);
    expect(await attendancesOf(db.prisma, room)).toMatchObject([
      { userId: 'dup-1', isOnline: false, spans: [{ joinedAt: iso(10), leftAt: iso(300) }] },
      { userId: 'dup-2', isOnline: false, spans: [{ joinedAt: iso(20), leftAt: iso(1000) }] },
    ]);
  });

  it('the same join and leave sent again under new ids open no second span and do not reopen the closed one', async () => {
    const room = freshRoom();
    const who = { identity: 'dup-3', name: 'Dup Three', sid: 'PA_d3' };
    await deliverAll(db.prisma, [join(room, who, 10), leave(room, { ...who, joinedAt: 10 }, 70)]);
    await deliverAll(db.prisma, [join(room, who, 10), leave(room, { ...who, joinedAt: 10 }, 70), join(room, who, 10)]);

    expect(await attendanceOf(db.prisma, room, 'dup-3')).toEqual({
      userId: 'dup-3',
      role: 'PARTICIPANT',
      isOnline: false,
      firstJoinedAt: iso(10),
      lastLeftAt: iso(70),
      attendedSeconds: 60,
      spans: [{ sid: 'PA_d3', joinedAt: iso(10), leftAt: iso(70) }],
    });
  });
});

describe('a leave that arrives before its join', () => {
  it('closes the span the join would open; the late join does not reopen it', async () => {
    const room = freshRoom();
    const who = { identity: 'early-leaver', name: 'Early Leaver', sid: 'PA_e1' };
    await deliver(db.prisma, leave(room, { ...who, joinedAt: 60 }, 600));
    const lateJoin = await deliver(db.prisma, join(room, who, 60));
    expect(lateJoin.duplicate).toBe(false);

    expect(await attendanceOf(db.prisma, room, 'early-leaver')).toEqual({
      userId: 'early-leaver',
      role: 'PARTICIPANT',
      isOnline: false,
      firstJoinedAt: iso(60),
      lastLeftAt: iso(600),
      attendedSeconds: 540,
      spans: [{ sid: 'PA_e1', joinedAt: iso(60), leftAt: iso(600) }],
    });
  });

  it('takes the join time from the late join when the leave did not carry joined_at', async () => {
    const room = freshRoom();
    const who = { identity: 'early-leaver-2', sid: 'PA_e2' };
    await deliver(db.prisma, leave(room, who, 600)); // no participant.joined_at
    await deliver(db.prisma, join(room, who, 60));

    expect(await attendanceOf(db.prisma, room, 'early-leaver-2')).toMatchObject({
      isOnline: false,
      firstJoinedAt: iso(60),
      lastLeftAt: iso(600),
      attendedSeconds: 540,
      spans: [{ sid: 'PA_e2', joinedAt: iso(60), leftAt: iso(600) }],
    });
  });
});

describe('a leave that names no connection (no participant.sid)', () => {
  it("closes every open span of the user: it is the user's leave", async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'two-tabs', sid: 'PA_tab1' }, 10),
      join(room, { identity: 'two-tabs', sid: 'PA_tab2' }, 20),
      join(room, { identity: 'stays', sid: 'PA_stays' }, 30),
      leave(room, { identity: 'two-tabs' }, 100),
    ]);
    expect(await attendanceOf(db.prisma, room, 'two-tabs')).toMatchObject({
      isOnline: false,
      lastLeftAt: iso(100),
      spans: [
        { sid: 'PA_tab1', joinedAt: iso(10), leftAt: iso(100) },
        { sid: 'PA_tab2', joinedAt: iso(20), leftAt: iso(100) },
      ],
    });
    expect(await attendanceOf(db.prisma, room, 'stays')).toMatchObject({ isOnline: true });
  });
});

describe('a stale leave of an old connection', () => {
  it('does not take offline a user who rejoined on a new connection', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'rejoiner', sid: 'PA_A' }, 10),
      join(room, { identity: 'rejoiner', sid: 'PA_B' }, 100), // reconnected before A's leave was sent
      leave(room, { identity: 'rejoiner', sid: 'PA_A', joinedAt: 10 }, 110),
    ]);

    expect(await attendanceOf(db.prisma, room, 'rejoiner')).toMatchObject({
      isOnline: true,
      firstJoinedAt: iso(10),
      spans: [
        { sid: 'PA_A', joinedAt: iso(10), leftAt: iso(110) },
        { sid: 'PA_B', joinedAt: iso(100), leftAt: null },
      ],
    });
    const session = await sessionOf(db.prisma, room);
    expect(await db.prisma.attendance.count({ where: { sessionId: session!.id, connected: true } })).toBe(1);
  });

  it('keeps the user online whatever order the old join, the new join and the old leave arrive in', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'rejoiner-2', sid: 'PA_B' }, 100),
      leave(room, { identity: 'rejoiner-2', sid: 'PA_A', joinedAt: 10 }, 110),
      join(room, { identity: 'rejoiner-2', sid: 'PA_A' }, 10),
    ]);

    expect(await attendanceOf(db.prisma, room, 'rejoiner-2')).toMatchObject({
      isOnline: true,
      firstJoinedAt: iso(10),
      spans: [
        { sid: 'PA_A', joinedAt: iso(10), leftAt: iso(110) },
        { sid: 'PA_B', joinedAt: iso(100), leftAt: null },
      ],
    });
  });
});

describe('a leave with no matching span', () => {
  it('is recorded as a closed span, not an error', async () => {
    const room = freshRoom();
    const { id, event } = delivery(leave(room, { identity: 'ghost', name: 'Ghost', sid: 'PA_g', joinedAt: 20 }, 80));
    const effect = applied(await deliver(db.prisma, { id, event }));
    expect(effect?.status).toBe('APPLIED');

    expect(await db.prisma.webhookEvent.findUnique({ where: { id } })).toMatchObject({
      status: 'APPLIED',
      error: null,
    });
    expect(await db.prisma.user.findUnique({ where: { id: 'ghost' } })).toMatchObject({ name: 'Ghost' });
    expect(await attendanceOf(db.prisma, room, 'ghost')).toMatchObject({
      isOnline: false,
      firstJoinedAt: iso(20),
      lastLeftAt: iso(80),
      attendedSeconds: 60,
      spans: [{ sid: 'PA_g', joinedAt: iso(20), leftAt: iso(80) }],
    });
  });

  it('without participant.joined_at, is recorded as a closed span at the leave', async () => {
    const room = freshRoom();
    const effect = applied(await deliver(db.prisma, leave(room, { identity: 'ghost-2', sid: 'PA_g2' }, 80)));
    expect(effect?.status).toBe('APPLIED');
    expect(await attendanceOf(db.prisma, room, 'ghost-2')).toMatchObject({
      isOnline: false,
      attendedSeconds: 0,
      spans: [{ sid: 'PA_g2', joinedAt: iso(80), leftAt: iso(80) }],
    });
  });

  it('of an unknown connection does not take offline a user whose connection is open', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'ghost-3', sid: 'PA_open' }, 10),
      leave(room, { identity: 'ghost-3', sid: 'PA_unknown', joinedAt: 5 }, 50),
    ]);
    expect(await attendanceOf(db.prisma, room, 'ghost-3')).toMatchObject({
      isOnline: true,
      spans: [
        { sid: 'PA_unknown', joinedAt: iso(5), leftAt: iso(50) },
        { sid: 'PA_open', joinedAt: iso(10), leftAt: null },
      ],
    });
  });
});

describe('after the session ends', () => {
  it('closes every open span at the end; late leaves and a repeated end close nothing twice', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      roomEvent('room_started', room, 0),
      join(room, { identity: 'stayer', sid: 'PA_s' }, 10),
      join(room, { identity: 'stayer', sid: 'PA_s2' }, 500),
      join(room, { identity: 'goer', sid: 'PA_g' }, 20),
      leave(room, { identity: 'goer', sid: 'PA_g', joinedAt: 20 }, 30),
      roomEvent('room_finished', room, 1000),
    ]);
    const ended = {
      stayer: {
        isOnline: false,
        lastLeftAt: iso(1000),
        attendedSeconds: 990,
        spans: [
          { sid: 'PA_s', joinedAt: iso(10), leftAt: iso(1000) },
          { sid: 'PA_s2', joinedAt: iso(500), leftAt: iso(1000) },
        ],
      },
      goer: {
        isOnline: false,
        lastLeftAt: iso(30),
        attendedSeconds: 10,
        spans: [{ sid: 'PA_g', joinedAt: iso(20), leftAt: iso(30) }],
      },
    };
    expect(await sessionOf(db.prisma, room)).toMatchObject({ endedAt: at(1000) });
    expect(await attendanceOf(db.prisma, room, 'stayer')).toMatchObject(ended.stayer);
    expect(await attendanceOf(db.prisma, room, 'goer')).toMatchObject(ended.goer);

    // PlugNMeet sends the leaves of everyone still there after (or while) it finishes the room
    const late = await deliverAll(db.prisma, [
      leave(room, { identity: 'stayer', sid: 'PA_s', joinedAt: 10 }, 1005),
      leave(room, { identity: 'stayer', sid: 'PA_s2', joinedAt: 500 }, 1006),
      leave(room, { identity: 'goer', sid: 'PA_g', joinedAt: 20 }, 1007),
      roomEvent('room_finished', room, 1010),
      roomEvent('session_ended', room, 1020),
    ]);
    late.forEach((o) => expect(o.duplicate).toBe(false));

    expect(await sessionOf(db.prisma, room)).toMatchObject({ endedAt: at(1000) });
    expect(await attendanceOf(db.prisma, room, 'stayer')).toMatchObject(ended.stayer);
    expect(await attendanceOf(db.prisma, room, 'goer')).toMatchObject(ended.goer);
  });

  it('a leave dated before the end, delivered after it, closes the span at its own time: the result does not depend on the order', async () => {
    const who = { identity: 'retried', sid: 'PA_r' };
    const events = (room: ReturnType<typeof freshRoom>) => [
      roomEvent('room_started', room, 0),
      join(room, who, 10),
      leave(room, { ...who, joinedAt: 10 }, 300),
      roomEvent('room_finished', room, 1000),
    ];
    // in order; the leave retried after the end; the join and the leave both after the end
    for (const order of [
      [0, 1, 2, 3],
      [0, 1, 3, 2],
      [0, 3, 1, 2],
      [3, 2, 1, 0],
    ]) {
      const room = freshRoom();
      const all = events(room);
      await deliverAll(
        db.prisma,
        order.map((i) => all[i]),
      );
      expect(await attendanceOf(db.prisma, room, 'retried'), order.join(',')).toMatchObject({
        isOnline: false,
        lastLeftAt: iso(300),
        attendedSeconds: 290,
        spans: [{ sid: 'PA_r', joinedAt: iso(10), leftAt: iso(300) }],
      });
    }
  });

  it('session_ended ends the session like room_finished', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      roomEvent('room_started', room, 0),
      join(room, { identity: 'ender', sid: 'PA_x' }, 10),
      roomEvent('session_ended', room, 700),
    ]);
    expect(await sessionOf(db.prisma, room)).toMatchObject({ endedAt: at(700) });
    expect(await attendanceOf(db.prisma, room, 'ender')).toMatchObject({
      isOnline: false,
      lastLeftAt: iso(700),
      spans: [{ joinedAt: iso(10), leftAt: iso(700) }],
    });
  });

  it('records a join delivered after the end as a span closed at the end', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [roomEvent('room_started', room, 0), roomEvent('room_finished', room, 1000)]);
    const lateJoin = applied(
      await deliver(db.prisma, join(room, { identity: 'late-join', name: 'Late', sid: 'PA_l' }, 900)),
    );
    expect(lateJoin?.status).toBe('APPLIED');

    expect(await sessionOf(db.prisma, room)).toMatchObject({ endedAt: at(1000) });
    expect(await attendanceOf(db.prisma, room, 'late-join')).toMatchObject({
      isOnline: false,
      firstJoinedAt: iso(900),
      lastLeftAt: iso(1000),
      attendedSeconds: 100,
      spans: [{ sid: 'PA_l', joinedAt: iso(900), leftAt: iso(1000) }],
    });
  });
});

describe('a lost or late room_started', () => {
  it('a join as the first event creates the live session, started at the join; room_started then sets its own time', async () => {
    const room = freshRoom();
    const first = applied(await deliver(db.prisma, join(room, { identity: 'first-in', sid: 'PA_f' }, 30)));
    const [session] = await sessionsOf(db.prisma, room.roomId);
    expect(first?.sessionId).toBe(session.id);
    expect(session).toMatchObject({ roomId: room.roomId, roomSid: room.roomSid, startedAt: at(30), endedAt: null });
    expect(await attendanceOf(db.prisma, room, 'first-in')).toMatchObject({ isOnline: true });

    await deliver(db.prisma, roomEvent('room_started', room, 1));
    expect(await sessionsOf(db.prisma, room.roomId)).toMatchObject([
      { id: session.id, startedAt: at(1), endedAt: null },
    ]);
  });

  it('room_started sets startedAt to its own time even when later than the first event seen', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'first-in-2', sid: 'PA_f2' }, 30),
      roomEvent('room_started', room, 45),
    ]);
    expect(await sessionsOf(db.prisma, room.roomId)).toMatchObject([{ startedAt: at(45), endedAt: null }]);
  });

  it('until room_started arrives, startedAt is the earliest time the run is known to be going: an event time or a joined_at', async () => {
    const room = freshRoom();
    await deliver(db.prisma, join(room, { identity: 'p-1', sid: 'PA_1' }, 30));
    expect(await sessionOf(db.prisma, room)).toMatchObject({ startedAt: at(30) });
    await deliver(db.prisma, leave(room, { identity: 'p-2', sid: 'PA_2' }, 10));
    expect(await sessionOf(db.prisma, room)).toMatchObject({ startedAt: at(10) });
    await deliver(db.prisma, join(room, { identity: 'p-3', sid: 'PA_3' }, 40));
    expect(await sessionOf(db.prisma, room)).toMatchObject({ startedAt: at(10) });
  });

  it('a first event that is a leave starts the run no later than its participant joined, so no span starts before the session', async () => {
    const room = freshRoom();
    await deliver(db.prisma, leave(room, { identity: 'early-1', sid: 'PA_e1', joinedAt: 10 }, 100));
    expect(await sessionOf(db.prisma, room)).toMatchObject({ startedAt: at(10), endedAt: null });
    expect(await attendanceOf(db.prisma, room, 'early-1')).toMatchObject({
      spans: [{ joinedAt: iso(10), leftAt: iso(100) }],
    });
  });

  it('room_started arriving after later events keeps their attendance and sets the start; earlier events after it do not move it', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'm-1', sid: 'PA_m1' }, 30),
      roomEvent('room_created', room, 0),
      leave(room, { identity: 'm-1', sid: 'PA_m1', joinedAt: 30 }, 90),
      join(room, { identity: 'm-2', sid: 'PA_m2' }, 95),
      roomEvent('room_started', room, 2),
      roomEvent('room_created', room, 0), // a redelivery under a new id, older than room_started
    ]);

    const sessions = await sessionsOf(db.prisma, room.roomId);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ roomSid: room.roomSid, startedAt: at(2), endedAt: null });
    expect(await attendancesOf(db.prisma, room)).toMatchObject([
      { userId: 'm-1', isOnline: false, spans: [{ joinedAt: iso(30), leftAt: iso(90) }] },
      { userId: 'm-2', isOnline: true, spans: [{ joinedAt: iso(95), leftAt: null }] },
    ]);
  });

  it('room_started arriving after the end does not reopen the session', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'z-1', sid: 'PA_z' }, 30),
      roomEvent('room_finished', room, 900),
      roomEvent('room_started', room, 1),
    ]);
    expect(await sessionsOf(db.prisma, room.roomId)).toMatchObject([{ startedAt: at(1), endedAt: at(900) }]);
    expect(await attendanceOf(db.prisma, room, 'z-1')).toMatchObject({
      isOnline: false,
      spans: [{ joinedAt: iso(30), leftAt: iso(900) }],
    });
  });
});

describe('room runs', () => {
  it('a new room.sid is a new session of the same room id; events of the old run stay in the old one', async () => {
    const run1 = freshRoom();
    const run2 = { roomId: run1.roomId, roomSid: `${run1.roomSid}-second` };
    const run3 = { roomId: run1.roomId, roomSid: `${run1.roomSid}-third` };
    await deliverAll(db.prisma, [
      roomEvent('room_started', run1, 0),
      join(run1, { identity: 'runner', sid: 'PA_r1' }, 10),
      roomEvent('room_finished', run1, 100),
      roomEvent('room_started', run2, 200),
      join(run2, { identity: 'runner', sid: 'PA_r2' }, 210),
    ]);

    // a third run whose room_started was lost, while the second never saw its end
    await deliver(db.prisma, join(run3, { identity: 'runner', sid: 'PA_r3' }, 400));
    // a stale leave of the second run arrives after the third began
    await deliver(db.prisma, leave(run2, { identity: 'runner', sid: 'PA_r2', joinedAt: 210 }, 390));

    const sessions = await sessionsOf(db.prisma, run1.roomId);
    expect(sessions).toHaveLength(3);
    const byRun = Object.fromEntries(sessions.map((s) => [s.roomSid, s]));
    expect(byRun[run1.roomSid!]).toMatchObject({ startedAt: at(0), endedAt: at(100) });
    expect(byRun[run2.roomSid]).toMatchObject({ startedAt: at(200), endedAt: null });
    expect(byRun[run3.roomSid]).toMatchObject({ startedAt: at(400), endedAt: null });
    expect(await attendanceOf(db.prisma, run1, 'runner')).toMatchObject({
      isOnline: false,
      spans: [{ sid: 'PA_r1', joinedAt: iso(10), leftAt: iso(100) }],
    });
    expect(await attendanceOf(db.prisma, run2, 'runner')).toMatchObject({
      isOnline: false,
      spans: [{ sid: 'PA_r2', joinedAt: iso(210), leftAt: iso(390) }],
    });
    expect(await attendanceOf(db.prisma, run3, 'runner')).toMatchObject({
      isOnline: true,
      spans: [{ sid: 'PA_r3', joinedAt: iso(400), leftAt: null }],
    });
  });

  it('a run of a room delivered late, older than the live one, changes nothing of the live one', async () => {
    const newer = freshRoom();
    const older = { roomId: newer.roomId, roomSid: `${newer.roomSid}-older` };
    await deliverAll(db.prisma, [
      roomEvent('room_started', newer, 1_000),
      join(newer, { identity: 'now', sid: 'PA_n' }, 1_010),
    ]);
    await deliver(db.prisma, join(older, { identity: 'then', sid: 'PA_t' }, 10));
    expect(await sessionOf(db.prisma, newer)).toMatchObject({ startedAt: at(1_000), endedAt: null });
    expect(await attendanceOf(db.prisma, newer, 'now')).toMatchObject({ isOnline: true });
    expect(await sessionOf(db.prisma, older)).toMatchObject({ startedAt: at(10) });
  });
});

describe('events without room.sid (older PlugNMeet payloads)', () => {
  it('late events of the last run join it after its end, and do not start a phantom run; a later join starts the next run', async () => {
    const { roomId } = freshRoom();
    const room = { roomId }; // no run id on any event
    await deliverAll(db.prisma, [
      roomEvent('room_started', room, 0),
      join(room, { identity: 'legacy-1', sid: 'PA_l1' }, 10),
      roomEvent('room_finished', room, 100),
      leave(room, { identity: 'legacy-1', sid: 'PA_l1' }, 110), // PlugNMeet's leave, sent after the end
      join(room, { identity: 'legacy-2', sid: 'PA_l2' }, 50), // a join of that run, delivered late
      roomEvent('session_ended', room, 120),
    ]);
    const [only, ...others] = await sessionsOf(db.prisma, roomId);
    expect(others).toEqual([]);
    expect(only).toMatchObject({ startedAt: at(0), endedAt: at(100) });
    expect(await attendancesOfSession(db.prisma, only.id)).toMatchObject([
      { userId: 'legacy-1', isOnline: false, spans: [{ joinedAt: iso(10), leftAt: iso(100) }] },
      { userId: 'legacy-2', isOnline: false, spans: [{ joinedAt: iso(50), leftAt: iso(100) }] },
    ]);

    // the room runs again the next day: a join after the end is a new run
    await deliver(db.prisma, join(room, { identity: 'legacy-1', sid: 'PA_l1b' }, 86_400));
    const sessions = await sessionsOf(db.prisma, roomId);
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((x) => x.endedAt === null)).toMatchObject([{ startedAt: at(86_400) }]);
  });
});

describe('who counts', () => {
  it.each([
    'RECORDER_BOT',
    'RTMP_BOT',
    'ingres_abc123',
    'pnm_agent-transcriber',
    'pnm_tts_agent-en',
    'sip_+4930123456',
  ])('bot %s is not attendance and not a user; its events are stored as ignored', async (bot) => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      roomEvent('room_started', room, 0),
      join(room, { identity: 'real-user', sid: 'PA_real' }, 5),
    ]);
    const joinD = delivery(join(room, { identity: bot, name: bot, sid: 'PA_bot', isAdmin: true }, 10));
    const leaveD = delivery(leave(room, { identity: bot, name: bot, sid: 'PA_bot', joinedAt: 10 }, 20));
    for (const d of [joinD, leaveD]) expect(applied(await deliver(db.prisma, d))?.status).toBe('IGNORED');

    expect((await attendancesOf(db.prisma, room)).map((a) => a.userId)).toEqual(['real-user']);
    expect(await db.prisma.user.findUnique({ where: { id: bot } })).toBeNull();
    expect(await db.prisma.attendance.count({ where: { userId: bot } })).toBe(0);
    const stored = await db.prisma.webhookEvent.findMany({ where: { id: { in: [joinD.id, leaveD.id] } } });
    expect(stored.map((e) => e.status)).toEqual(['IGNORED', 'IGNORED']);
  });

  it('a bot joining a run Rollcall has not seen still starts its session, with no attendance', async () => {
    const room = freshRoom();
    const effect = applied(await deliver(db.prisma, join(room, { identity: 'RECORDER_BOT', sid: 'PA_rec' }, 40)));
    expect(effect).toMatchObject({ status: 'APPLIED', changes: [{ type: 'session', kind: 'STARTED' }] });
    expect(await sessionOf(db.prisma, room)).toMatchObject({ roomSid: room.roomSid, startedAt: at(40), endedAt: null });
    expect(await attendancesOf(db.prisma, room)).toEqual([]);
  });

  it('creates a user unknown to Rollcall from identity and name', async () => {
    const room = freshRoom();
    expect(await db.prisma.user.findUnique({ where: { id: 'lms-4711' } })).toBeNull();
    await deliver(db.prisma, join(room, { identity: 'lms-4711', name: 'Ada Lovelace', sid: 'PA_ada' }, 10));
    expect(await db.prisma.user.findUnique({ where: { id: 'lms-4711' } })).toMatchObject({
      id: 'lms-4711',
      name: 'Ada Lovelace',
    });
    expect(await attendanceOf(db.prisma, room, 'lms-4711')).toMatchObject({ isOnline: true });
  });

  it('creates a user without a name when the event has none, and a later event does not lose a known name', async () => {
    const room = freshRoom();
    await deliver(db.prisma, join(room, { identity: 'lms-nameless', sid: 'PA_n1' }, 10));
    expect(await db.prisma.user.findUnique({ where: { id: 'lms-nameless' } })).toMatchObject({ name: null });

    await deliver(db.prisma, join(room, { identity: 'lms-named', name: 'Grace Hopper', sid: 'PA_n2' }, 10));
    await deliver(db.prisma, leave(room, { identity: 'lms-named', sid: 'PA_n2', joinedAt: 10 }, 20)); // no name
    expect(await db.prisma.user.findUnique({ where: { id: 'lms-named' } })).toMatchObject({ name: 'Grace Hopper' });
  });
});

describe('roles', () => {
  it('MODERATOR for is_admin and for managers of the course the room id maps to, else PARTICIPANT', async () => {
    const course = await db.prisma.course.create({ data: { slug: 'geometry-7', title: 'Geometry 7' } });
    const other = await db.prisma.course.create({ data: { slug: 'biology-9', title: 'Biology 9' } });
    await db.prisma.user.createMany({
      data: [
        { id: 'teacher-g', name: 'Teacher G' },
        { id: 'teacher-b', name: 'Teacher B' },
      ],
    });
    await db.prisma.courseManager.createMany({
      data: [
        { courseId: course.id, userId: 'teacher-g' },
        { courseId: other.id, userId: 'teacher-b' },
      ],
    });

    const room = freshRoom('geometry-7-20261124090000');
    await deliverAll(db.prisma, [
      roomEvent('room_started', room, 0),
      join(room, { identity: 'teacher-g', sid: 'PA_tg' }, 10), // manages this course, metadata says nothing
      join(room, { identity: 'assistant', sid: 'PA_as', isAdmin: true }, 11), // is_admin
      join(room, { identity: 'teacher-b', sid: 'PA_tb' }, 12), // manages another course
      join(room, { identity: 'pupil', sid: 'PA_pu' }, 13),
    ]);

    expect(await sessionOf(db.prisma, room)).toMatchObject({ courseId: course.id });
    const roles = Object.fromEntries((await attendancesOf(db.prisma, room)).map((a) => [a.userId, a.role]));
    expect(roles).toEqual({
      'teacher-g': 'MODERATOR',
      assistant: 'MODERATOR',
      'teacher-b': 'PARTICIPANT',
      pupil: 'PARTICIPANT',
    });
  });

  it('follow the course: managers added, removed or a course registered during the class change the roles; is_admin stays', async () => {
    const room = freshRoom('optics-4-20261124090000'); // no course of that slug yet
    await deliverAll(db.prisma, [
      roomEvent('room_started', room, 0),
      join(room, { identity: 'prof-o', sid: 'PA_po' }, 10),
      join(room, { identity: 'ta-o', sid: 'PA_ta', isAdmin: true }, 11),
      join(room, { identity: 'kid-o', sid: 'PA_ko' }, 12),
    ]);
    const roles = async () => Object.fromEntries((await attendancesOf(db.prisma, room)).map((a) => [a.userId, a.role]));
    expect(await roles()).toEqual({ 'prof-o': 'PARTICIPANT', 'ta-o': 'MODERATOR', 'kid-o': 'PARTICIPANT' });

    // the course is registered mid-class, with prof-o as its manager: the session joins it, prof-o moderates
    await upsertCourse(db.prisma, { slug: 'optics-4', title: 'Optics 4', managerIds: ['prof-o'] });
    expect(await roles()).toEqual({ 'prof-o': 'MODERATOR', 'ta-o': 'MODERATOR', 'kid-o': 'PARTICIPANT' });

    // managers replaced: kid-o in, prof-o out; ta-o keeps PlugNMeet's is_admin
    await upsertCourse(db.prisma, { slug: 'optics-4', title: 'Optics 4', managerIds: ['kid-o', 'ta-o'] });
    expect(await roles()).toEqual({ 'prof-o': 'PARTICIPANT', 'ta-o': 'MODERATOR', 'kid-o': 'MODERATOR' });
    await upsertCourse(db.prisma, { slug: 'optics-4', title: 'Optics 4', managerIds: [] });
    expect(await roles()).toEqual({ 'prof-o': 'PARTICIPANT', 'ta-o': 'MODERATOR', 'kid-o': 'PARTICIPANT' });

    // the live session scheduled into another course takes that course's managers
    await upsertCourse(db.prisma, { slug: 'optics-5', title: 'Optics 5', managerIds: ['prof-o'] });
    await scheduleLiveSession(db.prisma, { courseSlug: 'optics-5', roomId: room.roomId });
    expect(await roles()).toEqual({ 'prof-o': 'MODERATOR', 'ta-o': 'MODERATOR', 'kid-o': 'PARTICIPANT' });
  });

  it('a manager whose only event is a leave is a MODERATOR too', async () => {
    const course = await db.prisma.course.create({ data: { slug: 'chemistry-3', title: 'Chemistry 3' } });
    await db.prisma.user.create({ data: { id: 'teacher-c' } });
    await db.prisma.courseManager.create({ data: { courseId: course.id, userId: 'teacher-c' } });
    const room = freshRoom('chemistry-3-20261124090000');
    await deliver(db.prisma, leave(room, { identity: 'teacher-c', sid: 'PA_tc', joinedAt: 10 }, 20));
    expect(await attendanceOf(db.prisma, room, 'teacher-c')).toMatchObject({ role: 'MODERATOR', isOnline: false });
  });

  it('a room of no registered course has no course, and managers of other courses are participants there', async () => {
    const course = await db.prisma.course.create({ data: { slug: 'history-2', title: 'History 2' } });
    await db.prisma.user.create({ data: { id: 'teacher-h' } });
    await db.prisma.courseManager.create({ data: { courseId: course.id, userId: 'teacher-h' } });

    for (const roomId of ['history-2', 'history-2-2026112409', 'unregistered-20261124090000']) {
      const room = freshRoom(roomId);
      await deliverAll(db.prisma, [
        join(room, { identity: 'teacher-h', sid: 'PA_th' }, 10),
        join(room, { identity: 'admin-h', sid: 'PA_ah', isAdmin: true }, 11),
      ]);
      expect(await sessionOf(db.prisma, room), roomId).toMatchObject({ roomId, courseId: null });
      const roles = Object.fromEntries((await attendancesOf(db.prisma, room)).map((a) => [a.userId, a.role]));
      expect(roles, roomId).toEqual({ 'teacher-h': 'PARTICIPANT', 'admin-h': 'MODERATOR' });
    }
  });
});

describe('attended seconds', () => {
  it('are the union of the spans: two overlapping connections count once', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      roomEvent('room_started', room, 0),
      join(room, { identity: 'two-tabs', sid: 'PA_tab1' }, 0),
      join(room, { identity: 'two-tabs', sid: 'PA_tab2' }, 300),
      leave(room, { identity: 'two-tabs', sid: 'PA_tab1', joinedAt: 0 }, 600),
      leave(room, { identity: 'two-tabs', sid: 'PA_tab2', joinedAt: 300 }, 900),
      // later, one more connection after a gap
      join(room, { identity: 'two-tabs', sid: 'PA_tab3' }, 1000),
      leave(room, { identity: 'two-tabs', sid: 'PA_tab3', joinedAt: 1000 }, 1100),
    ]);
    expect(await attendanceOf(db.prisma, room, 'two-tabs')).toMatchObject({
      isOnline: false,
      firstJoinedAt: iso(0),
      lastLeftAt: iso(1100),
      attendedSeconds: 1000, // [0,900] ∪ [1000,1100], not 600 + 600 + 100
      spans: [
        { sid: 'PA_tab1', joinedAt: iso(0), leftAt: iso(600) },
        { sid: 'PA_tab2', joinedAt: iso(300), leftAt: iso(900) },
        { sid: 'PA_tab3', joinedAt: iso(1000), leftAt: iso(1100) },
      ],
    });
  });

  it('count open connections up to the session end', async () => {
    const room = freshRoom();
    await deliverAll(db.prisma, [
      join(room, { identity: 'to-the-end', sid: 'PA_1' }, 100),
      join(room, { identity: 'to-the-end', sid: 'PA_2' }, 200),
      roomEvent('room_finished', room, 1000),
    ]);
    expect(await attendanceOf(db.prisma, room, 'to-the-end')).toMatchObject({ attendedSeconds: 900 });
  });
});

// PGlite runs one statement at a time, so two deliveries can only race on PostgreSQL.
describe.skipIf(!testDatabaseUrl)('deliveries racing each other (PostgreSQL)', () => {
  it('room_started racing joins of the run still sets startedAt, and keeps every join', async () => {
    for (let round = 0; round < 10; round++) {
      const room = freshRoom();
      await deliver(db.prisma, join(room, { identity: `race-${round}-a`, sid: 'PA_a' }, 5)); // room_started lost so far
      await Promise.all([
        deliver(db.prisma, join(room, { identity: `race-${round}-b`, sid: 'PA_b' }, 2)),
        deliver(db.prisma, roomEvent('room_started', room, 1)),
        deliver(db.prisma, join(room, { identity: `race-${round}-c`, sid: 'PA_c' }, 3)),
      ]);
      expect(await sessionsOf(db.prisma, room.roomId)).toMatchObject([{ startedAt: at(1), endedAt: null }]);
      expect((await attendancesOf(db.prisma, room)).map((a) => a.isOnline)).toEqual([true, true, true]);
    }
  });

  it('before room_started, events racing leave startedAt at the earliest of their times', async () => {
    for (let round = 0; round < 10; round++) {
      const room = freshRoom();
      await Promise.all([
        deliver(db.prisma, join(room, { identity: `early-${round}-a`, sid: 'PA_a' }, 5)),
        deliver(db.prisma, join(room, { identity: `early-${round}-b`, sid: 'PA_b' }, 3)),
        deliver(db.prisma, roomEvent('room_created', room, 0)),
      ]);
      expect(await sessionsOf(db.prisma, room.roomId)).toMatchObject([{ startedAt: at(0), endedAt: null }]);
    }
  });

  it('an end racing joins and leaves gives the same attendance as any order would', async () => {
    for (let round = 0; round < 10; round++) {
      const room = freshRoom();
      const who = { identity: `end-race-${round}`, sid: 'PA_x', joinedAt: 10 };
      await Promise.all([
        deliver(db.prisma, join(room, who, 10)),
        deliver(db.prisma, roomEvent('room_finished', room, 100)),
        deliver(db.prisma, leave(room, who, 150)),
      ]);
      expect(await attendanceOf(db.prisma, room, who.identity)).toMatchObject({
        isOnline: false,
        attendedSeconds: 90,
        spans: [{ sid: 'PA_x', joinedAt: iso(10), leftAt: iso(100) }],
      });
    }
  });
});
