// minimize.ts's renumbering: removing events keeps the rest of the order and the comparisons in place.
import { describe, expect, it } from 'vitest';
import { joined, room } from './events.ts';
import { withoutEvents } from './minimize.ts';

describe('withoutEvents', () => {
  it('drops every delivery of the events removed, renumbers the rest, and moves the comparisons with them', () => {
    const a = { identity: 'a', sid: 'a1', joinedAt: 1 };
    const events = [room('room_started', 0), joined(1, a), joined(2, { ...a, sid: 'a2' }), room('room_finished', 9)];
    const s = { agoSeconds: 10_800, events, order: [2, 0, 1, 2, 3], checkpoints: [2, 4] };
    expect(withoutEvents(s, new Set([1]))).toEqual({
      agoSeconds: 10_800,
      events: [events[0], events[2], events[3]],
      order: [1, 0, 1, 2],
      checkpoints: [2, 3],
    });
    // left: posts 1 and 3 (renumbered 0, 1); the comparison after 2 posts had none of them before it: gone
    expect(withoutEvents(s, new Set([0, 2]))).toMatchObject({ order: [0, 1], checkpoints: [1] });
    // a comparison after the last post is the end's own
    expect(withoutEvents(s, new Set([3])).checkpoints).toEqual([2]);
  });
});
