// The model checked on small classes computed by hand, so that the property suite does not rest on
// trust: every figure below was worked out from the rules, not printed by the model.
import { describe, expect, it } from 'vitest';
import { joined, left, room } from './events.ts';
import { modelSession, unionSeconds, type ClassEvent } from './model.ts';

const T = { identity: '27', sid: 'PA_teach1', isAdmin: true };
const S = { identity: '1001', sid: 'PA_stud1' };
const S2 = { identity: '1001', sid: 'PA_stud2' };
const BOT = { identity: 'RECORDER_BOT', sid: 'PA_recbot', isAdmin: true };

const user = (events: ClassEvent[], now: number, id: string) =>
  modelSession(events, now)!.attendances.find((a) => a.userId === id);

describe('the attendance model', () => {
  it('nothing delivered: no session', () => {
    expect(modelSession([], 0)).toBeNull();
  });

  it("the fixtures' class: a moderator to the end, a student for half an hour, the recorder bot not at all", () => {
    const events = [
      room('room_created', 0),
      room('room_started', 1),
      joined(30, { ...T, joinedAt: 30 }),
      joined(61, { ...S, joinedAt: 61 }),
      joined(90, { ...BOT, joinedAt: 90 }),
      left(1861, { ...S, joinedAt: 61 }),
      room('room_finished', 3600),
    ];
    expect(modelSession(events, 99_999)).toEqual({
      startedAt: 1,
      endedAt: 3600,
      isLive: false,
      onlineCount: 0,
      attendances: [
        {
          userId: '1001',
          role: 'PARTICIPANT',
          isOnline: false,
          firstJoinedAt: 61,
          lastLeftAt: 1861,
          attendedSeconds: 1800,
          spans: [{ joinedAt: 61, leftAt: 1861 }],
        },
        // still connected at the end: closed by it
        {
          userId: '27',
          role: 'MODERATOR',
          isOnline: false,
          firstJoinedAt: 30,
          lastLeftAt: 3600,
          attendedSeconds: 3570,
          spans: [{ joinedAt: 30, leftAt: 3600 }],
        },
      ],
    });
  });

  it('while live: two tabs overlap, the open one counts up to now, the union once', () => {
    const events = [
      room('room_started', 0),
      joined(10, { ...S, joinedAt: 10 }),
      joined(20, { ...S2, joinedAt: 20 }),
      left(50, { ...S2, joinedAt: 20 }),
    ];
    const session = modelSession(events, 100.7)!;
    expect(session).toMatchObject({ startedAt: 0, endedAt: null, isLive: true, onlineCount: 1 });
    expect(session.attendances[0]).toEqual({
      userId: '1001',
      role: 'PARTICIPANT',
      isOnline: true,
      firstJoinedAt: 10,
      lastLeftAt: 50,
      attendedSeconds: 90, // [10, 100.7] floored
      spans: [
        { joinedAt: 10, leftAt: null },
        { joinedAt: 20, leftAt: 50 },
      ],
    });
  });

  it('a rejoin after a gap: the gap does not count; the stale leave of the old connection does not take the user offline', () => {
    const events = [
      room('room_started', 0),
      joined(10, { ...S, joinedAt: 10 }),
      left(40, { ...S, joinedAt: 10 }),
      joined(60, { ...S2, joinedAt: 60 }),
    ];
    expect(user(events, 100, '1001')).toMatchObject({ isOnline: true, attendedSeconds: 30 + 40, lastLeftAt: 40 });
  });

  it('without room_started the start is the earliest time of any event, joined_at and bots included', () => {
    expect(modelSession([joined(12, { ...S, joinedAt: 8 })], 100)!.startedAt).toBe(8);
    expect(modelSession([joined(12, { ...S, joinedAt: 8 }), joined(7, { ...BOT, joinedAt: 5 })], 100)!.startedAt).toBe(
      5,
    );
    expect(modelSession([joined(12, { ...S, joinedAt: 8 }), room('room_created', -60)], 100)!.startedAt).toBe(-60);
    // room_started, once there, is the start even when other events are earlier
    expect(
      modelSession([joined(12, { ...S, joinedAt: 8 }), room('room_created', -60), room('room_started', 0)], 100)!
        .startedAt,
    ).toBe(0);
  });

  it('the end bounds every span: a leave dated after it, a join after it, an open span', () => {
    const events = [
      room('room_started', 0),
      joined(10, { ...S, joinedAt: 10 }),
      left(105, { ...S, joinedAt: 10 }),
      joined(110, { ...S2, joinedAt: 110 }),
      joined(20, { ...T, joinedAt: 20 }),
      room('room_finished', 100),
    ];
    const session = modelSession(events, 99_999)!;
    expect(session).toMatchObject({ endedAt: 100, isLive: false, onlineCount: 0 });
    expect(user(events, 99_999, '1001')).toMatchObject({
      isOnline: false,
      lastLeftAt: 100,
      attendedSeconds: 90,
      spans: [
        { joinedAt: 10, leftAt: 100 },
        { joinedAt: 100, leftAt: 100 },
      ],
    });
    expect(user(events, 99_999, '27')).toMatchObject({
      spans: [{ joinedAt: 20, leftAt: 100 }],
      attendedSeconds: 80,
      lastLeftAt: 100,
    });
  });

  it('the start bounds every span: joined_at before room_started counts from the start, even a whole span before it', () => {
    const events = [
      room('room_started', 0),
      joined(0, { ...S, joinedAt: -5 }),
      joined(-8, { ...S2, joinedAt: -8 }),
      left(-2, { ...S2, joinedAt: -8 }),
    ];
    expect(user(events, 100, '1001')).toMatchObject({
      firstJoinedAt: 0,
      lastLeftAt: 0,
      attendedSeconds: 100,
      spans: [
        { joinedAt: 0, leftAt: 0 },
        { joinedAt: 0, leftAt: null },
      ],
    });
  });

  it("a connection's times: the earliest joined_at of its events, the earliest leave; a leave alone", () => {
    const start = room('room_started', 0);
    // a leave without joined_at and no join: a span of no length at the leave
    expect(user([start, left(50, { ...S, joinedAt: null })], 100, '1001')!.spans).toEqual([
      { joinedAt: 50, leftAt: 50 },
    ]);
    // a join without joined_at counts from its created_at, unless a leave says earlier
    expect(user([start, joined(10, { ...S, joinedAt: null })], 100, '1001')!.spans).toEqual([
      { joinedAt: 10, leftAt: null },
    ]);
    expect(
      user([start, joined(10, { ...S, joinedAt: null }), left(50, { ...S, joinedAt: 5 })], 100, '1001')!.spans,
    ).toEqual([{ joinedAt: 5, leftAt: 50 }]);
    // two leaves (one re-sent under another id): the earlier
    expect(
      user(
        [start, joined(10, { ...S, joinedAt: 10 }), left(60, { ...S, joinedAt: 10 }), left(40, { ...S, joinedAt: 10 })],
        100,
        '1001',
      )!.spans,
    ).toEqual([{ joinedAt: 10, leftAt: 40 }]);
    // joined_at after the leave: the span starts at the leave
    expect(user([start, left(50, { ...S, joinedAt: 60 })], 100, '1001')!.spans).toEqual([{ joinedAt: 50, leftAt: 50 }]);
  });

  it('counts an event delivered twice once', () => {
    const join = joined(10, { ...S, joinedAt: 10 });
    expect(modelSession([room('room_started', 0), join, join], 100)!.attendances[0].spans).toHaveLength(1);
  });

  it('is a moderator when any event of the user says is_admin', () => {
    const events = [
      room('room_started', 0),
      joined(10, { ...S, joinedAt: 10 }),
      joined(20, { ...S2, joinedAt: 20, isAdmin: true }),
    ];
    expect(user(events, 100, '1001')!.role).toBe('MODERATOR');
    expect(user(events.slice(0, 2), 100, '1001')!.role).toBe('PARTICIPANT');
  });

  it('bots count for the start but never attend', () => {
    const events = [
      joined(5, { ...BOT, joinedAt: 5 }),
      joined(6, { identity: 'ingres_cam', sid: 'x', joinedAt: 6, isAdmin: false }),
      left(9, { identity: 'sip_49', sid: 'y', joinedAt: 4, isAdmin: false }),
    ];
    expect(modelSession(events, 100)).toEqual({
      startedAt: 4,
      endedAt: null,
      isLive: true,
      onlineCount: 0,
      attendances: [],
    });
  });

  it('the earliest room_finished ends it, never before the start', () => {
    expect(
      modelSession([room('room_started', 0), room('room_finished', 100), room('room_finished', 90)], 1e6)!.endedAt,
    ).toBe(90);
    const early = [room('room_started', 0), room('room_finished', -5), joined(10, { ...S, joinedAt: 10 })];
    expect(modelSession(early, 1e6)).toMatchObject({ endedAt: 0, isLive: false });
    expect(user(early, 1e6, '1001')).toMatchObject({ spans: [{ joinedAt: 0, leftAt: 0 }], attendedSeconds: 0 });
  });

  it('unionSeconds: overlaps once, open spans up to now, floored', () => {
    expect(
      unionSeconds(
        [
          { joinedAt: 0, leftAt: 10 },
          { joinedAt: 5, leftAt: 15 },
          { joinedAt: 20, leftAt: 21 },
        ],
        0,
      ),
    ).toBe(16);
    expect(
      unionSeconds(
        [
          { joinedAt: 0, leftAt: 10 },
          { joinedAt: 2, leftAt: 3 },
        ],
        0,
      ),
    ).toBe(10);
    expect(
      unionSeconds(
        [
          { joinedAt: 5, leftAt: null },
          { joinedAt: 0, leftAt: 7 },
        ],
        9.99,
      ),
    ).toBe(9);
    expect(unionSeconds([], 50)).toBe(0);
  });
});
