// Whole classes posted as PlugNMeet posts them, judged as a teacher would judge them by hand: each
// student's case says what happened and why the verdict follows, before and after the course's
// policy changes; the roster gives the absentees; live sessions are judged as if they ended now,
// and a dashboard subscribed to the course hears when the policy or the roster changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/answers/verdict.ts';
import {
  EnrolMutation,
  SessionAnswersSubscription,
  SessionVerdictsQuery,
  SetAttendancePolicyMutation,
  UnenrolMutation,
} from '../support/answers-documents.ts';
import { Classroom, type Student } from '../support/classroom.ts';
import { UpsertCourseMutation } from '../support/documents.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

async function course(slug: string, roster: string[]): Promise<string> {
  const created = await app.graphql(UpsertCourseMutation, { slug, title: slug, managerIds: [`${slug}-teacher`] });
  expect(created.errors).toBeUndefined();
  expect((await app.graphql(EnrolMutation, { courseSlug: slug, userIds: roster })).errors).toBeUndefined();
  return created.data!.upsertCourse.id;
}

async function answers(roomId: string) {
  const { data, errors } = await app.graphql(SessionVerdictsQuery, { roomId });
  expect(errors).toBeUndefined();
  const session = data!.liveSession!;
  return {
    verdicts: Object.fromEntries(session.attendances.map((a) => [a.user.id, a.verdict])),
    absentees: session.absentees.map((u) => u.id),
    session,
  };
}

type Play = (room: Classroom, who: Student) => Promise<unknown>;
interface Case {
  who: string;
  reason: string;
  play: Play;
  /** with the default policy: 75 % of the class, 10 minutes' grace either side */
  verdict: Verdict;
  /** after the policy changes to 50 %, 15 minutes late, 20 minutes early */
  relaxed: Verdict;
}

const stays =
  (from: number): Play =>
  (room, who) =>
    room.join(who, from);
const span =
  (from: number, to: number): Play =>
  async (room, who) => {
    await room.join(who, from);
    await room.leave(who, to);
  };
const spans =
  (...pieces: Array<[number, number | null]>): Play =>
  async (room, who) => {
    for (const [from, to] of pieces) {
      await room.join(who, from);
      if (to !== null) await room.leave(who, to);
    }
  };

// a 60-minute class, from 09:00 to 10:00
const CASES: Case[] = [
  { who: 'ada', reason: 'there from start to end', play: stays(0), verdict: 'PRESENT', relaxed: 'PRESENT' },
  {
    who: 'ben',
    reason: 'joined 12 minutes in: more than 10 minutes late, but within 15',
    play: stays(12),
    verdict: 'LATE',
    relaxed: 'PRESENT',
  },
  {
    who: 'cai',
    reason: 'joined 9 minutes in: within the grace period',
    play: stays(9),
    verdict: 'PRESENT',
    relaxed: 'PRESENT',
  },
  {
    who: 'dan',
    reason: 'left 15 minutes before the end: early, but within 20',
    play: span(0, 45),
    verdict: 'LEFT_EARLY',
    relaxed: 'PRESENT',
  },
  {
    who: 'eve',
    reason: 'left 8 minutes before the end: within the grace period',
    play: span(0, 52),
    verdict: 'PRESENT',
    relaxed: 'PRESENT',
  },
  {
    who: 'fay',
    reason: 'dropped out from minute 10 to 20, rejoined on a new connection: 50 of 60 minutes',
    play: spans([0, 10], [20, null]),
    verdict: 'PRESENT',
    relaxed: 'PRESENT',
  },
  {
    who: 'gus',
    reason: 'dropped out from minute 10 to 35: 35 of 60 minutes is under 75 % (but over 50 %)',
    play: spans([0, 10], [35, null]),
    verdict: 'ABSENT',
    relaxed: 'PRESENT',
  },
  {
    who: 'hal',
    reason: 'two tabs overlapping from minute 30 to 40: the time counts once, the whole class',
    play: async (room, who) => {
      const first = await room.join(who, 0);
      await room.join(who, 30);
      await room.leave(who, 40, first);
    },
    verdict: 'PRESENT',
    relaxed: 'PRESENT',
  },
  {
    who: 'jon',
    reason: 'joined 3 minutes before room_started: counted from the start, on time',
    play: stays(-3),
    verdict: 'PRESENT',
    relaxed: 'PRESENT',
  },
  {
    who: 'kim',
    reason: 'her leave arrived before her join (2 to 30): 28 minutes, under both minimums',
    play: (room, who) => room.leaveBeforeJoin(who, 2, 30),
    verdict: 'ABSENT',
    relaxed: 'ABSENT',
  },
  {
    who: 'lee',
    reason: 'joined 14 minutes in and was still connected when the room ended',
    play: stays(14),
    verdict: 'LATE',
    relaxed: 'PRESENT',
  },
  {
    who: 'ned',
    reason: 'left at minute 35: 58 % is absent by default; relaxed, 25 minutes early',
    play: span(0, 35),
    verdict: 'ABSENT',
    relaxed: 'LEFT_EARLY',
  },
  {
    who: 'oli',
    reason: 'joined 16 minutes in: 73 % is absent before late; relaxed, late by more than 15',
    play: stays(16),
    verdict: 'ABSENT',
    relaxed: 'LATE',
  },
  {
    who: 'pat',
    reason: 'joined 2 minutes in, left 11 minutes early: 78 %, on time, early',
    play: span(2, 49),
    verdict: 'LEFT_EARLY',
    relaxed: 'PRESENT',
  },
  {
    who: 'zed',
    reason: 'not on the roster, came anyway: judged like anyone',
    play: stays(1),
    verdict: 'PRESENT',
    relaxed: 'PRESENT',
  },
  {
    who: 'history-teacher',
    reason: 'the teacher (a moderator) is judged too',
    play: stays(0),
    verdict: 'PRESENT',
    relaxed: 'PRESENT',
  },
];
const ROSTER = [
  'ada',
  'ben',
  'cai',
  'dan',
  'eve',
  'fay',
  'gus',
  'hal',
  'jon',
  'kim',
  'lee',
  'ned',
  'oli',
  'pat',
  'ivy',
];

describe('an ended class, judged as a teacher would', () => {
  let room: Classroom;
  beforeAll(async () => {
    await course('history', ROSTER);
    room = new Classroom(app, 'history', 1_795_510_800); // 2026-11-24T09:00:00Z
    for (const c of CASES.filter((c) => c.who === 'jon')) await c.play(room, { id: c.who });
    await room.start(0);
    for (const c of CASES.filter((c) => c.who !== 'jon'))
      await c.play(room, { id: c.who, admin: c.who.endsWith('teacher') });
    await room.end(60);
  });

  it.each(CASES.map((c) => [c.who, c.reason, c.verdict] as const))('%s: %s: %s', async (who, _reason, verdict) => {
    expect((await answers(room.roomId)).verdicts[who]).toBe(verdict);
  });

  it('lists the roster members who never came as absentees', async () => {
    expect((await answers(room.roomId)).absentees).toEqual(['ivy']);
  });

  it('follows a change of policy: every verdict is judged again, nothing else changes', async () => {
    const before = await answers(room.roomId);
    const changed = await app.graphql(SetAttendancePolicyMutation, {
      courseSlug: 'history',
      minAttendedPercent: 50,
      lateAfterMinutes: 15,
      leftEarlyMinutes: 20,
    });
    expect(changed.data?.setAttendancePolicy.policy).toEqual({
      minAttendedPercent: 50,
      lateAfterMinutes: 15,
      leftEarlyMinutes: 20,
    });
    const after = await answers(room.roomId);
    for (const c of CASES) expect([c.who, after.verdicts[c.who]]).toEqual([c.who, c.relaxed]);
    expect(after.session.attendances.map((a) => a.attendedSeconds)).toEqual(
      before.session.attendances.map((a) => a.attendedSeconds),
    );
  });

  it('follows the roster: enrolling adds an absentee, unenrolling removes one', async () => {
    await app.graphql(EnrolMutation, { courseSlug: 'history', userIds: ['quin'] });
    expect((await answers(room.roomId)).absentees).toEqual(['ivy', 'quin']);
    await app.graphql(UnenrolMutation, { courseSlug: 'history', userIds: ['ivy'] });
    expect((await answers(room.roomId)).absentees).toEqual(['quin']);
  });
});

describe('a live class, judged as if it ended now', () => {
  let room: Classroom;
  let courseId: string;
  beforeAll(async () => {
    courseId = await course('biology', ['ada', 'ben', 'cai', 'dan', 'ivy']);
    // started an hour ago, still going
    room = new Classroom(app, 'biology', Math.floor(Date.now() / 1000) - 3600);
    await room.start(0);
    await room.join({ id: 'ada' }, 0);
    await room.join({ id: 'ben' }, 12);
    await span(0, 5)(room, { id: 'cai' });
    await span(0, 48)(room, { id: 'dan' });
  });

  it('judges the hour so far: on time, late, gone too soon, and gone 12 minutes ago (early is judged at the end)', async () => {
    const { verdicts, absentees, session } = await answers(room.roomId);
    expect(session.isLive).toBe(true);
    expect(verdicts).toEqual({ ada: 'PRESENT', ben: 'LATE', cai: 'ABSENT', dan: 'PRESENT' });
    expect(absentees).toEqual(['ivy']);
  });

  it('tells a subscribed dashboard when the policy or the roster changes, and gives final verdicts at the end', async () => {
    const dashboard = subscribe(app.wsClient(), SessionAnswersSubscription, { courseId });
    await dashboard.ready();

    await app.graphql(SetAttendancePolicyMutation, { courseSlug: 'biology', lateAfterMinutes: 30 });
    const [updated] = await dashboard.next(1);
    expect(updated.data!.liveSessionChanged.kind).toBe('UPDATED');
    expect(verdictsOf(updated.data!.liveSessionChanged.session)).toMatchObject({ ben: 'PRESENT' });

    // setting the same value again changes nothing: nothing is published
    await app.graphql(SetAttendancePolicyMutation, { courseSlug: 'biology', lateAfterMinutes: 30 });
    await app.graphql(EnrolMutation, { courseSlug: 'biology', userIds: ['eli'] });
    const [, enrolled] = await dashboard.next(2);
    expect(enrolled.data!.liveSessionChanged).toMatchObject({
      kind: 'UPDATED',
      session: { absentees: [{ id: 'eli' }, { id: 'ivy' }] },
    });

    await room.end(60);
    const [, , ended] = await dashboard.next(3);
    expect(ended.data!.liveSessionChanged.kind).toBe('ENDED');
    expect(verdictsOf(ended.data!.liveSessionChanged.session)).toEqual({
      ada: 'PRESENT',
      ben: 'PRESENT',
      cai: 'ABSENT',
      dan: 'LEFT_EARLY',
    });
    dashboard.unsubscribe();
  });
});

const verdictsOf = (session: { attendances: Array<{ user: { id: string }; verdict: string }> }) =>
  Object.fromEntries(session.attendances.map((a) => [a.user.id, a.verdict]));
