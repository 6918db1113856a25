// Enrolling, unenrolling and setting a course's attendance policy: what they change, precise errors
// for bad input (with nothing changed), and who may do each.
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_USER_IDS } from '../../src/answers/roster.ts';
import {
  CourseAnswersQuery,
  EnrolMutation,
  SetAttendancePolicyMutation,
  UnenrolMutation,
} from '../support/answers-documents.ts';
import { UpsertCourseMutation } from '../support/documents.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DASHBOARD_AUDIENCE, DASHBOARD_ISSUER, DASHBOARD_SECRET, dashboardToken } from '../support/tokens.ts';

const ADMIN = 'test-admin-token-roster-0123';
let app: TestServer;
beforeAll(async () => {
  app = await startTestServer({
    adminApiToken: ADMIN,
    dashboard: { secret: DASHBOARD_SECRET, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
  });
  for (const slug of ['physics', 'poetry']) {
    expect(
      (await app.graphql(UpsertCourseMutation, { slug, title: slug, managerIds: [`${slug}-teacher`] }, ADMIN)).errors,
    ).toBeUndefined();
  }
});
afterAll(() => app?.close());

const codes = (errors?: readonly GraphQLFormattedError[]) => (errors ?? []).map((e) => e.extensions?.code);

async function course(slug = 'physics') {
  const { data, errors } = await app.graphql(CourseAnswersQuery, { slug }, ADMIN);
  expect(errors).toBeUndefined();
  return data!.course!;
}

describe('the roster', () => {
  it('enrols users by id, creating the unknown ones; enrolling twice changes nothing', async () => {
    await app.db.prisma.user.create({ data: { id: 'known', name: 'Known Student' } });
    const first = await app.graphql(
      EnrolMutation,
      { courseSlug: 'physics', userIds: ['new-2', 'known', ' new-1 ', 'new-2'] },
      ADMIN,
    );
    expect(first.errors).toBeUndefined();
    const roster = [
      { id: 'known', name: 'Known Student' },
      { id: 'new-1', name: null },
      { id: 'new-2', name: null },
    ];
    expect(first.data!.enrol.roster).toEqual(roster);
    expect(
      (await app.graphql(EnrolMutation, { courseSlug: 'physics', userIds: ['known'] }, ADMIN)).data!.enrol.roster,
    ).toEqual(roster);
  });

  it('unenrols, and ids not on the roster are no error', async () => {
    const result = await app.graphql(
      UnenrolMutation,
      { courseSlug: 'physics', userIds: ['new-1', 'never-enrolled'] },
      ADMIN,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.unenrol.roster.map((u) => u.id)).toEqual(['known', 'new-2']);
    expect(await app.db.prisma.user.count({ where: { id: 'never-enrolled' } })).toBe(0);
  });

  it.each([
    ['no ids', [], 'userIds must list at least one user id'],
    ['an empty id', ['ok', ' '], 'userIds must not contain empty ids'],
    [
      'too many ids',
      Array.from({ length: MAX_USER_IDS + 1 }, (_, i) => `u${i}`),
      `userIds may list at most ${MAX_USER_IDS} ids at once (got ${MAX_USER_IDS + 1})`,
    ],
  ])('refuses %s with BAD_USER_INPUT, changing nothing', async (_what, userIds, message) => {
    const before = await course();
    for (const mutation of [EnrolMutation, UnenrolMutation] as const) {
      const result = await app.graphql<unknown, { courseSlug: string; userIds: string[] }>(
        mutation,
        { courseSlug: 'physics', userIds },
        ADMIN,
      );
      expect(result.errors).toEqual([
        expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      ]);
    }
    expect(await course()).toEqual(before);
  });

  it('refuses an unknown course with NOT_FOUND, creating no user', async () => {
    for (const mutation of [EnrolMutation, UnenrolMutation] as const) {
      const result = await app.graphql<unknown, { courseSlug: string; userIds: string[] }>(
        mutation,
        { courseSlug: 'no-such-course', userIds: ['ghost'] },
        ADMIN,
      );
      expect(result.errors).toEqual([
        expect.objectContaining({
          message: 'no course with slug "no-such-course"',
          extensions: expect.objectContaining({ code: 'NOT_FOUND' }),
        }),
      ]);
    }
    expect(await app.db.prisma.user.count({ where: { id: 'ghost' } })).toBe(0);
  });

  it("is the admin's to change: a course's own manager is refused", async () => {
    const result = await app.graphql(
      EnrolMutation,
      { courseSlug: 'physics', userIds: ['x'] },
      await dashboardToken('physics-teacher'),
    );
    expect(codes(result.errors)).toEqual(['FORBIDDEN']);
    expect(result.errors![0].message).toMatch(/^Not allowed to run Mutation\.enrol/);
  });
});

describe('the attendance policy', () => {
  it('defaults to 75 %, 10 minutes, 10 minutes', async () => {
    expect((await course('poetry')).policy).toEqual({
      minAttendedPercent: 75,
      lateAfterMinutes: 10,
      leftEarlyMinutes: 10,
    });
  });

  it('changes only the thresholds given', async () => {
    const set = (vars: Record<string, number>) =>
      app.graphql(SetAttendancePolicyMutation, { courseSlug: 'physics', ...vars }, ADMIN);
    expect((await set({ lateAfterMinutes: 5 })).data!.setAttendancePolicy.policy).toEqual({
      minAttendedPercent: 75,
      lateAfterMinutes: 5,
      leftEarlyMinutes: 10,
    });
    expect((await set({ minAttendedPercent: 0, leftEarlyMinutes: 0 })).data!.setAttendancePolicy.policy).toEqual({
      minAttendedPercent: 0,
      lateAfterMinutes: 5,
      leftEarlyMinutes: 0,
    });
    expect((await set({ minAttendedPercent: 100 })).data!.setAttendancePolicy.policy).toEqual({
      minAttendedPercent: 100,
      lateAfterMinutes: 5,
      leftEarlyMinutes: 0,
    });
    expect((await course('poetry')).policy.minAttendedPercent).toBe(75);
  });

  it.each([
    [
      'a percentage over 100',
      { minAttendedPercent: 101 },
      'minAttendedPercent must be a percentage from 0 to 100 (got 101)',
    ],
    [
      'a negative percentage',
      { minAttendedPercent: -1 },
      'minAttendedPercent must be a percentage from 0 to 100 (got -1)',
    ],
    ['negative minutes', { lateAfterMinutes: -5 }, 'lateAfterMinutes must be 0 or more minutes (got -5)'],
    [
      'several at once',
      { lateAfterMinutes: -1, leftEarlyMinutes: -2, minAttendedPercent: 50 },
      'lateAfterMinutes must be 0 or more minutes (got -1); leftEarlyMinutes must be 0 or more minutes (got -2)',
    ],
    [
      'nothing to set',
      {},
      'give at least one of minAttendedPercent, lateAfterMinutes, leftEarlyMinutes, minCameraPercent, minTalkSeconds',
    ],
  ])('refuses %s with BAD_USER_INPUT, changing nothing', async (_what, vars, message) => {
    const before = (await course()).policy;
    const result = await app.graphql(SetAttendancePolicyMutation, { courseSlug: 'physics', ...vars }, ADMIN);
    expect(result.errors).toEqual([
      expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    ]);
    expect((await course()).policy).toEqual(before);
  });

  it('refuses an unknown course with NOT_FOUND, for the admin and for a manager', async () => {
    for (const token of [ADMIN, await dashboardToken('physics-teacher')]) {
      const result = await app.graphql(
        SetAttendancePolicyMutation,
        { courseSlug: 'no-such-course', minAttendedPercent: 50 },
        token,
      );
      expect(codes(result.errors)).toEqual(['NOT_FOUND']);
    }
  });

  it("may be set by the course's managers; another course's manager and students are told they are not allowed", async () => {
    const own = await app.graphql(
      SetAttendancePolicyMutation,
      { courseSlug: 'poetry', lateAfterMinutes: 7 },
      await dashboardToken('poetry-teacher'),
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.setAttendancePolicy.policy.lateAfterMinutes).toBe(7);
    for (const who of ['physics-teacher', 'known']) {
      const refused = await app.graphql(
        SetAttendancePolicyMutation,
        { courseSlug: 'poetry', lateAfterMinutes: 1 },
        await dashboardToken(who),
      );
      expect(codes(refused.errors)).toEqual(['FORBIDDEN']);
      expect(refused.errors![0].message).toBe(
        'Not allowed to change the attendance policy of course "poetry": only an admin or one of its managers may',
      );
      expect(refused.errors![0].message).not.toMatch(/read/);
    }
    expect((await course('poetry')).policy.lateAfterMinutes).toBe(7);
  });
});
