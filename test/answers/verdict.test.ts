// The verdict rule alone, without a database: each case says why a teacher would judge it so.
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/answers/judge.ts';
import {
  attendedPercent,
  DEFAULT_POLICY,
  durationSeconds,
  verdict,
  type VerdictFacts,
} from '../../src/answers/verdict.ts';

const START = Date.UTC(2026, 8, 7, 9, 0, 0);
/** minutes after 09:00 */
const m = (minutes: number) => new Date(START + minutes * 60_000);

/** A 60-minute class that has ended, attended from `from` to `to` (minutes) in one piece. */
function ended(from: number, to: number, extra: Partial<VerdictFacts> = {}): VerdictFacts {
  return {
    startedAt: m(0),
    until: m(60),
    ended: true,
    attendedSeconds: (to - from) * 60,
    firstJoinedAt: m(from),
    lastLeftAt: m(to),
    cameraSeconds: 0,
    talkSeconds: null,
    ...extra,
  };
}

describe('the verdict with the default policy (75 %, 10 min late, 10 min early)', () => {
  const cases: Array<[reason: string, facts: VerdictFacts, expected: string]> = [
    ['there from start to end', ended(0, 60), 'PRESENT'],
    ['10 minutes late is not MORE than 10 minutes late', ended(10, 60), 'PRESENT'],
    ['10 minutes and a second late is', ended(10 + 1 / 60, 60), 'LATE'],
    ['left exactly 10 minutes early: not more than 10', ended(0, 50), 'PRESENT'],
    ['left 11 minutes early', ended(0, 49), 'LEFT_EARLY'],
    ['45 of 60 minutes is exactly 75 %: enough', ended(15, 60, { firstJoinedAt: m(15) }), 'LATE'],
    ['44 of 60 minutes is under 75 %: absent before late', ended(16, 60), 'ABSENT'],
    ['late and left early: lateness is said first', ended(11, 59), 'LATE'],
    [
      'joined at the start, dropped for 20 minutes, back until the end: 40 of 60 minutes',
      ended(0, 60, { attendedSeconds: 40 * 60 }),
      'ABSENT',
    ],
    [
      'dropped for 14 minutes in the middle: 46 minutes, on time, to the end',
      ended(0, 60, { attendedSeconds: 46 * 60 }),
      'PRESENT',
    ],
    [
      'live class 30 minutes in, there since minute 2: present so far',
      { ...ended(2, 30), until: m(30), ended: false, lastLeftAt: null },
      'PRESENT',
    ],
    [
      'live class 56 minutes in, there the first 42 (75 %), gone 14 minutes: leaving early is only judged at the end',
      { ...ended(0, 42), until: m(56), ended: false },
      'PRESENT',
    ],
    ['the same class once it ended at minute 56', { ...ended(0, 42), until: m(56) }, 'LEFT_EARLY'],
    [
      'live class 65 minutes in, there only the first 40: absent if it ended now',
      { ...ended(0, 40), until: m(65), ended: false, attendedSeconds: 40 * 60 },
      'ABSENT',
    ],
    ['a class of no duration: nobody can have missed any of it', { ...ended(0, 0), until: m(0) }, 'PRESENT'],
  ];
  it.each(cases)('%s', (_reason, facts, expected) => {
    expect(verdict(facts)).toBe(expected);
  });
});

describe('the policy moves the thresholds', () => {
  it('0 % never makes anyone absent who came, 100 % wants every second', () => {
    expect(verdict(ended(0, 1), { ...DEFAULT_POLICY, minAttendedPercent: 0 })).toBe('LEFT_EARLY');
    expect(verdict(ended(0, 60, { attendedSeconds: 3599 }), { ...DEFAULT_POLICY, minAttendedPercent: 100 })).toBe(
      'ABSENT',
    );
    expect(verdict(ended(0, 60), { ...DEFAULT_POLICY, minAttendedPercent: 100 })).toBe('PRESENT');
  });
  it('0 minutes of grace: a second late is late, a second early is early', () => {
    const strict = { ...DEFAULT_POLICY, minAttendedPercent: 0, lateAfterMinutes: 0, leftEarlyMinutes: 0 };
    expect(verdict(ended(0, 60), strict)).toBe('PRESENT');
    expect(verdict(ended(1 / 60, 60), strict)).toBe('LATE');
    expect(verdict(ended(0, 60 - 1 / 60), strict)).toBe('LEFT_EARLY');
  });
  it('huge thresholds do not overflow', () => {
    expect(
      verdict(ended(30, 31), {
        ...DEFAULT_POLICY,
        minAttendedPercent: 0,
        lateAfterMinutes: 2 ** 31 - 1,
        leftEarlyMinutes: 2 ** 31 - 1,
      }),
    ).toBe('PRESENT');
  });
});

describe('judging a stored attendance', () => {
  const session = { startedAt: m(0), endedAt: m(60) };
  it('clips spans to the session: a join before the start counts from the start, a leave after the end at the end', () => {
    const judged = judge(
      {
        connected: false,
        firstJoinedAt: m(-5),
        lastLeftAt: m(70),
        spans: [{ participantSid: 'PA_1', joinedAt: m(-5), leftAt: m(70) }],
        media: [],
        engagement: null,
      },
      session,
      DEFAULT_POLICY,
      m(200),
    );
    expect(judged.facts).toMatchObject({ attendedSeconds: 3600, firstJoinedAt: m(0), lastLeftAt: m(60) });
    expect(judged).toMatchObject({ verdict: 'PRESENT', attendedPercent: 100 });
  });
  it('counts two tabs once, and a connection still open at the end up to the end', () => {
    const judged = judge(
      {
        connected: true,
        firstJoinedAt: m(5),
        lastLeftAt: m(30),
        spans: [
          { participantSid: 'PA_1', joinedAt: m(5), leftAt: m(30) },
          { participantSid: 'PA_2', joinedAt: m(20), leftAt: null },
        ],
        media: [],
        engagement: null,
      },
      session,
      DEFAULT_POLICY,
      m(200),
    );
    expect(judged.facts).toMatchObject({ attendedSeconds: 55 * 60, lastLeftAt: m(60) });
    expect(judged.verdict).toBe('PRESENT');
    expect(judged.attendedPercent).toBe(91.67);
  });
  it('judges a live session up to now', () => {
    const live = { startedAt: m(0), endedAt: null };
    const spans = [{ participantSid: 'PA_1', joinedAt: m(0), leftAt: m(20) }];
    const attendance = { connected: false, firstJoinedAt: m(0), lastLeftAt: m(20), spans, media: [], engagement: null };
    expect(judge(attendance, live, DEFAULT_POLICY, m(25)).verdict).toBe('PRESENT'); // 20 of 25 minutes = 80 %
    expect(judge(attendance, live, DEFAULT_POLICY, m(27)).verdict).toBe('ABSENT'); // 20 of 27 minutes = 74 %
  });
});

describe('judging camera time within the attendance', () => {
  it("counts a camera within its connection: a track left open closes with the connection's leave", () => {
    const judged = judge(
      {
        connected: false,
        firstJoinedAt: m(0),
        lastLeftAt: m(60),
        spans: [{ participantSid: 'PA_1', joinedAt: m(0), leftAt: m(60) }],
        media: [{ participantSid: 'PA_1', source: 'CAMERA', publishedAt: m(20), unpublishedAt: null }],
        engagement: null,
      },
      { startedAt: m(0), endedAt: m(60) },
      { ...DEFAULT_POLICY, minCameraPercent: 67 },
      m(200),
    );
    expect(judged.facts.cameraSeconds).toBe(40 * 60);
    expect(judged.verdict).toBe('ABSENT'); // 40 of 60 minutes is under 67 %
  });
});

describe('durations and percentages', () => {
  it('rounds durations down to whole seconds, as attended seconds are', () => {
    expect(durationSeconds({ startedAt: m(0), until: new Date(START + 1999) })).toBe(1);
    expect(durationSeconds({ startedAt: m(1), until: m(0) })).toBe(0);
  });
  it('gives percentages to two decimals, 0 for a session of no duration', () => {
    expect(attendedPercent(1, 3)).toBe(33.33);
    expect(attendedPercent(2, 3)).toBe(66.67);
    expect(attendedPercent(5, 0)).toBe(0);
  });
});

describe('a policy that requires taking part', () => {
  const camera = { ...DEFAULT_POLICY, minCameraPercent: 50 };
  const talk = { ...DEFAULT_POLICY, minTalkSeconds: 120 };
  const cases: Array<[reason: string, facts: VerdictFacts, policy: typeof DEFAULT_POLICY, expected: string]> = [
    [
      'camera on for half of the 60 minutes attended: enough',
      ended(0, 60, { cameraSeconds: 30 * 60 }),
      camera,
      'PRESENT',
    ],
    ['camera on for 29 of 60 minutes: under half', ended(0, 60, { cameraSeconds: 29 * 60 }), camera, 'ABSENT'],
    [
      'camera judged against the time attended, not the session: 25 of 46 minutes',
      ended(0, 60, { attendedSeconds: 46 * 60, cameraSeconds: 25 * 60 }),
      camera,
      'PRESENT',
    ],
    ['no camera required: a camera never on is fine', ended(0, 60), DEFAULT_POLICY, 'PRESENT'],
    ['talked two minutes: enough', ended(0, 60, { talkSeconds: 120 }), talk, 'PRESENT'],
    ['talked a minute and 59 seconds', ended(0, 60, { talkSeconds: 119 }), talk, 'ABSENT'],
    [
      'talk not known yet (no analytics file): not judged, the rest is',
      ended(12, 60, { talkSeconds: null }),
      talk,
      'LATE',
    ],
    ['not there long enough: absent, whatever the camera', ended(30, 60, { cameraSeconds: 30 * 60 }), camera, 'ABSENT'],
  ];
  it.each(cases)('%s', (_reason, facts, policy, expected) => {
    expect(verdict(facts, policy)).toBe(expected);
  });
});
