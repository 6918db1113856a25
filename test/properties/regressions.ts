// Minimal classes the property suite (or a hand-written edge next to it) found failing, kept as
// fixed cases: regressions.test.ts replays each against the same model. Times are seconds after
// room_started; `order` lists event indices in posting order (an index twice: a duplicate).
// A new failure's message prints its case literal ready to paste here.
import type { Scenario } from './deliver.ts';
import { joined, left, room } from './events.ts';

export interface RegressionCase extends Scenario {
  name: string;
  /** the rule of the contract it checks */
  rule: string;
  /** 'property': a minimal counterexample the property suite printed; 'hand': written beside one */
  foundBy: 'property' | 'hand';
  /** posts in flight at once; default 1, so that the order is exactly the one given */
  concurrency?: number;
  /** replays: a race shows in some of them only */
  repeat?: number;
}

const A1 = { identity: '1001', sid: 'PA_1001_1' };
const A2 = { identity: '1001', sid: 'PA_1001_2' };

export const regressions: RegressionCase[] = [
  {
    name: 'a leave dated after room_finished, posted before it, closes the span at the end',
    rule: 'the end bounds every span, whichever arrived first',
    foundBy: 'property',
    agoSeconds: 10_800,
    events: [room('room_finished', 1800), left(1809, { ...A1, joinedAt: 300 })],
    order: [1, 0],
    checkpoints: [],
  },
  {
    name: 'a leave dated after room_finished, posted before it, its join first, closes the span at the end',
    rule: 'the end bounds every span, whichever arrived first',
    foundBy: 'hand',
    agoSeconds: 10_800,
    events: [
      room('room_started', 0),
      joined(10, { ...A1, joinedAt: 10 }),
      room('room_finished', 100),
      left(105, { ...A1, joinedAt: 10 }),
    ],
    order: [0, 1, 3, 2],
    checkpoints: [],
  },
  {
    // The suite found it as a failure shown only with posts in flight (room_finished, then leaves
    // dated after it, in that order). Its smallest form, room_finished and one such leave, shows in
    // about one replay in twelve on PGlite; seven leaves racing room_finished show it in about one in
    // six (PGlite) or two in three (PostgreSQL), so twenty replays almost never miss it.
    name: 'room_finished and leaves dated after it, posted together as PlugNMeet does when a room closes (a race)',
    rule: 'the end bounds every span, whichever arrived first; concurrency changes nothing',
    foundBy: 'property',
    agoSeconds: 10_800,
    events: [
      room('room_started', 0),
      room('room_finished', 100),
      ...[1, 2, 3, 4, 5, 6, 7].map((k) => left(100 + k, { identity: `100${k}`, sid: `PA_100${k}_1`, joinedAt: 10 })),
    ],
    order: [0, 1, 2, 3, 4, 5, 6, 7, 8],
    checkpoints: [1],
    concurrency: 8,
    repeat: 20,
  },
  {
    name: 'a join dated after the end, posted before room_finished, is a span of zero length at the end',
    rule: 'the end bounds every span, whichever arrived first',
    foundBy: 'hand',
    agoSeconds: 10_800,
    events: [room('room_started', 0), room('room_finished', 100), joined(110, { ...A1, joinedAt: 110 })],
    order: [2, 0, 1],
    checkpoints: [],
  },
  {
    name: 'a leave without its join, joined_at before room_started, counts from the start',
    rule: 'the start bounds every span (joinedAt clipped to startedAt)',
    foundBy: 'property',
    agoSeconds: 10_800,
    events: [room('room_started', 0), left(59, { ...A1, joinedAt: -1 })],
    order: [0, 1],
    checkpoints: [1],
  },
  {
    name: 'a join with joined_at a few seconds before room_started counts from the start',
    rule: 'the start bounds every span (joinedAt clipped to startedAt)',
    foundBy: 'hand',
    agoSeconds: 10_800,
    events: [room('room_started', 0), joined(0, { ...A1, joinedAt: -5 })],
    order: [0, 1],
    checkpoints: [],
  },
  {
    name: 'a connection that joined and left before room_started has a span of zero length at the start',
    rule: 'the start bounds every span (joinedAt clipped to startedAt)',
    foundBy: 'hand',
    agoSeconds: 10_800,
    events: [room('room_started', 0), joined(-8, { ...A1, joinedAt: -8 }), left(-2, { ...A1, joinedAt: -8 })],
    order: [0, 1, 2],
    checkpoints: [],
  },
  {
    name: 'a join without joined_at, then its leave with joined_at: the connection began at the earlier joined_at',
    rule: "a connection's joinedAt is the minimum over its events, a leave's joined_at included",
    foundBy: 'property',
    agoSeconds: 10_800,
    events: [joined(2, { ...A1, joinedAt: null }), left(1801, { ...A1, joinedAt: 1 })],
    order: [0, 1],
    checkpoints: [1],
  },
  {
    name: 'two leaves of one connection (a re-sent leave under a new id), the later one first',
    rule: "a connection's leftAt is the earliest of its leaves",
    foundBy: 'property',
    agoSeconds: 10_800,
    events: [left(548, { ...A1, joinedAt: 298 }), left(575, { ...A1, joinedAt: 298 })],
    order: [1, 0],
    checkpoints: [],
  },
  {
    name: 'two leaves of one connection, its join first, the later leave before the earlier',
    rule: "a connection's leftAt is the earliest of its leaves",
    foundBy: 'hand',
    agoSeconds: 10_800,
    events: [
      room('room_started', 0),
      joined(10, { ...A1, joinedAt: 10 }),
      left(40, { ...A1, joinedAt: 10 }),
      left(60, { ...A1, joinedAt: 10 }),
    ],
    order: [0, 1, 3, 2],
    checkpoints: [],
  },
  {
    name: 'two room_finished (a retry under a new id), the later one first',
    rule: 'endedAt is the earliest room_finished',
    foundBy: 'property',
    agoSeconds: 10_800,
    events: [room('room_finished', 1800), room('room_finished', 1803)],
    order: [1, 0],
    checkpoints: [],
  },
  {
    name: 'two room_started (a retry under a new id), the later one first',
    rule: 'startedAt is the earliest room_started',
    foundBy: 'hand',
    agoSeconds: 10_800,
    events: [room('room_started', -3), room('room_started', 0), joined(10, { ...A2, joinedAt: 10 })],
    order: [1, 2, 0],
    checkpoints: [],
  },
];
