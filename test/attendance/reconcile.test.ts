// The rules that find lost webhooks from what PlugNMeet reports going on (no database, no HTTP).
import { describe, expect, it } from 'vitest';
import {
  confirmLostEvents,
  findLostEvents,
  lostEventId,
  type ActiveRun,
  type HeldRun,
} from '../../src/attendance/reconcile.ts';

const NOW = new Date('2026-11-26T10:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const GRACE = 60_000;

const held = (
  roomSid: string,
  spans: HeldRun['openSpans'] = [],
  startedAt = ago(3600),
  lastLeftAt: Date | null = null,
): HeldRun => ({
  roomId: `room-${roomSid}`,
  roomSid,
  startedAt,
  openSpans: spans,
  lastLeftAt,
});
const active = (roomSid: string, connections: { sid: string; identity: string }[] | null): ActiveRun => ({
  roomId: `room-${roomSid}`,
  roomSid,
  connections: connections && {
    sids: new Set(connections.map((c) => c.sid)),
    identities: new Set(connections.map((c) => c.identity)),
  },
});

describe('findLostEvents', () => {
  it('finds the end of a held run PlugNMeet does not report, once it is older than the grace period', () => {
    const lost = findLostEvents(
      [held('RM_old', [{ userId: 'ann', participantSid: 'PA_ann', joinedAt: ago(600) }]), held('RM_new', [], ago(30))],
      [],
      NOW,
      GRACE,
    );
    expect(lost).toEqual([{ name: 'room_finished', roomId: 'room-RM_old', roomSid: 'RM_old', emptySince: null }]);
  });

  it('says when a run nobody is in became empty: its last leave, or its start when nobody ever left', () => {
    const lost = findLostEvents(
      [held('RM_left', [], ago(3600), ago(1800)), held('RM_none', [], ago(3600))],
      [],
      NOW,
      GRACE,
    );
    expect(lost).toEqual([
      { name: 'room_finished', roomId: 'room-RM_left', roomSid: 'RM_left', emptySince: ago(1800) },
      { name: 'room_finished', roomId: 'room-RM_none', roomSid: 'RM_none', emptySince: ago(3600) },
    ]);
  });

  it('finds the leave of an open span whose connection is not listed, once it is older than the grace period', () => {
    const spans = [
      { userId: 'ann', participantSid: 'PA_ann', joinedAt: ago(600) },
      { userId: 'bob', participantSid: 'PA_bob', joinedAt: ago(600) },
      { userId: 'cat', participantSid: 'PA_cat', joinedAt: ago(10) }, // just joined: PlugNMeet's list may lag
    ];
    const lost = findLostEvents(
      [held('RM_a', spans)],
      [active('RM_a', [{ sid: 'PA_ann', identity: 'ann' }])],
      NOW,
      GRACE,
    );
    expect(lost).toEqual([
      {
        name: 'participant_left',
        roomId: 'room-RM_a',
        roomSid: 'RM_a',
        userId: 'bob',
        participantSid: 'PA_bob',
        joinedAt: ago(600),
      },
    ]);
  });

  it('matches a span recorded without a connection id by the user', () => {
    const spans = [
      { userId: 'dan', participantSid: 'user:dan', joinedAt: ago(600) },
      { userId: 'eli', participantSid: 'user:eli', joinedAt: ago(600) },
    ];
    const lost = findLostEvents(
      [held('RM_b', spans)],
      [active('RM_b', [{ sid: 'PA_dan_2', identity: 'dan' }])],
      NOW,
      GRACE,
    );
    expect(lost.map((e) => e.name === 'participant_left' && e.userId)).toEqual(['eli']);
  });

  it('closes nothing in a run whose connections PlugNMeet could not list', () => {
    const spans = [{ userId: 'fox', participantSid: 'PA_fox', joinedAt: ago(600) }];
    expect(findLostEvents([held('RM_c', spans)], [active('RM_c', null)], NOW, GRACE)).toEqual([]);
  });

  it('an empty list of connections closes every settled span', () => {
    const spans = [{ userId: 'gil', participantSid: 'PA_gil', joinedAt: ago(600) }];
    expect(findLostEvents([held('RM_d', spans)], [active('RM_d', [])], NOW, GRACE)).toHaveLength(1);
  });
});

describe('confirmLostEvents', () => {
  const end = { name: 'room_finished' as const, roomId: 'r', roomSid: 'RM_x', emptySince: null };

  it('acts on an event only when the look before found it too, at the time of that first look', () => {
    const first = confirmLostEvents(new Map(), [end], ago(60));
    expect(first.confirmed).toEqual([]);
    const second = confirmLostEvents(first.next, [end], NOW);
    expect(second.confirmed).toEqual([{ event: end, at: ago(60) }]);
  });

  it('forgets an event a look did not find (PlugNMeet was between two states)', () => {
    const first = confirmLostEvents(new Map(), [end], ago(120));
    const between = confirmLostEvents(first.next, [], ago(60));
    expect(confirmLostEvents(between.next, [end], NOW).confirmed).toEqual([]);
  });

  it('stores each lost event under one id, the same on every instance', () => {
    expect(lostEventId(end)).toBe('reconciled:room_finished:RM_x');
    expect(
      lostEventId({
        name: 'participant_left',
        roomId: 'r',
        roomSid: 'RM_x',
        userId: 'u',
        participantSid: 'PA_1',
        joinedAt: NOW,
      }),
    ).toBe('reconciled:participant_left:RM_x:PA_1');
  });
});
