// Whole classes as a school sees them, and the messy way PlugNMeet delivers their webhooks.
//
// Shrinking is what makes a failure readable, so the shapes are chosen for it:
// - every event carries its own delivery key (and an optional second key: a duplicate). The delivery
//   order is the events sorted by key, so keys shrinking to 0 give back chronological order, and no
//   fc.chain is needed (a chain would re-draw the whole order each time the class shrinks);
// - "is it there" flags (a student, a connection, an event not lost) shrink towards ABSENT, so the
//   class shrinks to the few events the failure needs, below the 12 students it was generated with;
// - times are fractions of the class length or small offsets, shrinking to the class's beginning.
import fc from 'fast-check';
import type { ClassEvent, Who } from './model.ts';
import type { Scenario } from './deliver.ts';

export interface ClassOptions {
  minStudents: number;
  maxStudents: number;
  // Switches to look past a failure already known (exploring, bisecting): all on by default.
  /** how often (percent) a join's / a leave's body leaves participant.joined_at out; default 4 each */
  withoutJoinedAtPercent?: { joins: number; leaves: number };
  /** joined_at a few seconds before room_started; default true */
  earlyJoins?: boolean;
  /** participant_left dated a few seconds after room_finished; default true */
  leavesAfterEnd?: boolean;
  /** how often (percent) a room_started / room_finished, a participant_left is re-sent under a new id; default 10, 3 */
  resentPercent?: { rooms: number; leaves: number };
}
type Messiness = Required<Omit<ClassOptions, 'minStudents' | 'maxStudents'>>;

/**
 * true (there) with the given probability; shrinks to false (gone). Unbiased: fast-check's bias
 * towards small numbers would otherwise lose most room events of one class in three.
 */
const there = (percent: number) => fc.noBias(fc.nat({ max: 99 })).map((n) => n >= 100 - percent);

/**
 * When this event is posted: its key in the shuffle, a second key when it is posted twice (~1/4), and
 * sometimes a copy under a NEW id, dated a little later (a retry under another id, or what a
 * reconciliation synthesizes): two events of the same kind whose earliest must win.
 */
const delivery = (percentThere: number, percentResent = 0) =>
  fc.record({
    there: there(percentThere),
    key: fc.nat({ max: 9_999 }),
    duplicate: fc.tuple(there(25), fc.nat({ max: 9_999 })).map(([twice, key]) => (twice ? key : null)),
    resent: fc
      .tuple(there(percentResent), fc.nat({ max: 9_999 }), fc.integer({ min: 1, max: 30 }))
      .map(([again, key, laterBy]) => (again ? { key, laterBy } : null)),
  });
type Delivery = {
  there: boolean;
  key: number;
  duplicate: number | null;
  resent: { key: number; laterBy: number } | null;
};

const connection = (o: Messiness) =>
  fc.record({
    there: there(95),
    /** after the first: a rejoin after the previous one left, or a second tab while it is open */
    mode: fc.constantFrom<'rejoin' | 'tab'>('rejoin', 'rejoin', 'tab'),
    gapSeconds: fc.integer({ min: 1, max: 600 }),
    /** how long it stays: a flicker, a while, or until the room closes */
    stay: fc.oneof(
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 60 }) },
      { weight: 3, arbitrary: fc.integer({ min: 60, max: 3_600 }) },
      { weight: 3, arbitrary: fc.constant('end' as const) },
    ),
    /** still there when the room closes: PlugNMeet posts the leave a few seconds after room_finished, or nothing */
    leaveAfterEnd: o.leavesAfterEnd ? fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constant(null)) : fc.constant(null),
    joinDelay: fc.integer({ min: 0, max: 2 }),
    /** participant.joined_at left out of a body (protojson omits zero): rare */
    joinWithoutJoinedAt: there(o.withoutJoinedAtPercent.joins),
    leaveWithoutJoinedAt: there(o.withoutJoinedAtPercent.leaves),
    join: delivery(97),
    leave: delivery(90, o.resentPercent.leaves),
  });
type Connection = ReturnType<typeof connection> extends fc.Arbitrary<infer T> ? T : never;

const person = (o: Messiness) =>
  fc.record({
    there: there(95),
    /** arrival: a few seconds before room_started to a few minutes after, or any time (per ten thousand of the class) */
    arrival: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: o.earlyJoins ? -10 : 0, max: 300 }).map((s) => ({ seconds: s })) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 9_999 }).map((f) => ({ fraction: f / 10_000 })) },
    ),
    /** a student promoted to moderator from a later connection on (rare) */
    adminFrom: fc.oneof(
      { weight: 19, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
    ),
    connections: fc.array(connection(o), { minLength: 1, maxLength: 4 }),
  });
type Person = ReturnType<typeof person> extends fc.Arbitrary<infer T> ? T : never;

/** PlugNMeet's other bots (RECORDER_BOT comes on its own, with the recording) */
const OTHER_BOTS = ['RTMP_BOT', 'ingres_cam1', 'sip_4930123', 'pnm_agent-7', 'pnm_tts_agent-2'];

export function classArbitrary(o: ClassOptions): fc.Arbitrary<Scenario> {
  const messy: Messiness = {
    withoutJoinedAtPercent: o.withoutJoinedAtPercent ?? { joins: 4, leaves: 4 },
    earlyJoins: o.earlyJoins ?? true,
    leavesAfterEnd: o.leavesAfterEnd ?? true,
    resentPercent: o.resentPercent ?? { rooms: 10, leaves: 3 },
  };
  const someone = person(messy);
  return fc
    .record({
      agoSeconds: fc.integer({ min: 3 * 3_600, max: 6 * 3_600 }),
      lengthSeconds: fc.integer({ min: 30 * 60, max: 90 * 60 }),
      roomCreated: delivery(85),
      roomStarted: delivery(85, messy.resentPercent.rooms),
      roomFinished: delivery(85, messy.resentPercent.rooms),
      teacher: someone,
      students: fc.array(someone, { minLength: o.minStudents, maxLength: o.maxStudents }),
      recorder: fc.record({ there: there(60), person: someone }),
      otherBot: fc.record({ there: there(25), identity: fc.constantFrom(...OTHER_BOTS), person: someone }),
    })
    .map((c) => {
      const planned: Planned[] = [];
      const room = (kind: ClassEvent['kind'], at: number, d: Delivery) =>
        d.there && planned.push({ event: { kind, at } as ClassEvent, d });
      room('room_created', -60, c.roomCreated);
      room('room_started', 0, c.roomStarted);
      room('room_finished', c.lengthSeconds, c.roomFinished);
      planned.push(...personEvents(c.teacher, '27', 'Dr. Rahimi', 0, c.lengthSeconds));
      c.students.forEach((p, i) =>
        planned.push(...personEvents(p, String(1001 + i), `Student ${i + 1}`, p.adminFrom, c.lengthSeconds)),
      );
      // bots carry is_admin (as the fixture's RECORDER_BOT does): they must still not attend
      if (c.recorder.there)
        planned.push(...personEvents(c.recorder.person, 'RECORDER_BOT', 'RECORDER_BOT', 0, c.lengthSeconds));
      if (c.otherBot.there)
        planned.push(...personEvents(c.otherBot.person, c.otherBot.identity, c.otherBot.identity, 0, c.lengthSeconds));
      return toScenario(c.agoSeconds, planned);
    });
}

interface Planned {
  event: ClassEvent;
  d: Delivery;
}

/** One person's connections, laid out in time; a connection that would start after the end is not made. */
function personEvents(p: Person, identity: string, name: string, adminFrom: number | null, length: number): Planned[] {
  const out: Planned[] = [];
  if (!p.there) return out;
  const arrival = 'seconds' in p.arrival ? p.arrival.seconds : Math.round(p.arrival.fraction * length);
  let previous: { from: number; to: number | null } | null = null;
  p.connections.forEach((c: Connection, k) => {
    const from: number =
      previous === null
        ? arrival
        : c.mode === 'rejoin' && previous.to !== null
          ? previous.to + c.gapSeconds
          : previous.from + c.gapSeconds;
    if (from >= length) return;
    const leaves = c.stay === 'end' || from + c.stay >= length ? null : from + c.stay;
    previous = { from, to: leaves };
    if (!c.there) return;
    const isAdmin = adminFrom !== null && k >= adminFrom;
    const who = (withoutJoinedAt: boolean): Who => ({
      identity,
      sid: `PA_${identity}_${k + 1}`,
      name,
      isAdmin,
      joinedAt: withoutJoinedAt ? null : from,
    });
    out.push({
      event: { kind: 'participant_joined', at: from + c.joinDelay, who: who(c.joinWithoutJoinedAt) },
      d: c.join,
    });
    const leftAt = leaves ?? (c.leaveAfterEnd === null ? null : length + c.leaveAfterEnd);
    if (leftAt !== null)
      out.push({ event: { kind: 'participant_left', at: leftAt, who: who(c.leaveWithoutJoinedAt) }, d: c.leave });
  });
  return out.filter((x) => x.d.there);
}

/** Chronological events; the delivery order sorts them by key (ties keep chronological order). */
export function toScenario(agoSeconds: number, planned: Planned[]): Scenario {
  const resent = planned.flatMap(({ event, d }) =>
    d.resent === null
      ? []
      : [
          {
            event: { ...event, at: event.at + d.resent.laterBy },
            d: { ...d, key: d.resent.key, duplicate: null, resent: null },
          },
        ],
  );
  const sorted = [...planned, ...resent]
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => a.event.at - b.event.at || a.i - b.i);
  const posts = sorted.flatMap((p, index) => [
    { index, key: p.d.key, second: 0 },
    ...(p.d.duplicate === null ? [] : [{ index, key: p.d.duplicate, second: 1 }]),
  ]);
  posts.sort((a, b) => a.key - b.key || a.second - b.second || a.index - b.index);
  const n = posts.length;
  return {
    agoSeconds,
    events: sorted.map((p) => p.event),
    order: posts.map((p) => p.index),
    checkpoints: [...new Set([Math.floor(n / 3), Math.floor((2 * n) / 3)])].filter((k) => k > 0 && k < n),
  };
}
