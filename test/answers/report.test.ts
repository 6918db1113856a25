// The course report over a few weeks of classes posted as webhooks: counts per verdict (no
// attendance is absent), attended seconds and percent, the [from, to) range, who counts as a
// student, bad input and who may read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CourseAnswersQuery, EnrolMutation, SetAttendancePolicyMutation } from '../support/answers-documents.ts';
import { Classroom, type Student } from '../support/classroom.ts';
import { UpsertCourseMutation } from '../support/documents.ts';
import { postGraphQL } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DASHBOARD_AUDIENCE, DASHBOARD_ISSUER, DASHBOARD_SECRET, dashboardToken } from '../support/tokens.ts';

const ADMIN = 'test-admin-token-report-0123';
let app: TestServer;
const day = (date: string) => Date.parse(`${date}T09:00:00Z`) / 1000;

const [ana, bo, cy, dee, teacher]: Student[] = [
  { id: 'ana', name: 'Ana' },
  { id: 'bo', name: 'Bo' },
  { id: 'cy', name: 'Cy' },
  { id: 'dee', name: 'Dee' },
  { id: 'maths-teacher', name: 'Teacher' },
];

beforeAll(async () => {
  app = await startTestServer({
    adminApiToken: ADMIN,
    dashboard: { secret: DASHBOARD_SECRET, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
  });
  for (const slug of ['maths', 'music']) {
    expect(
      (await app.graphql(UpsertCourseMutation, { slug, title: slug, managerIds: [`${slug}-teacher`] }, ADMIN)).errors,
    ).toBeUndefined();
  }
  expect(
    (await app.graphql(EnrolMutation, { courseSlug: 'maths', userIds: ['ana', 'bo', 'cy'] }, ADMIN)).errors,
  ).toBeUndefined();

  // three ended classes of an hour, a week apart
  const sep1 = new Classroom(app, 'maths', day('2026-09-01'));
  await sep1.start();
  await sep1.join(ana, 0);
  await sep1.join(bo, 12); // late
  await sep1.join(dee, 0); // not on the roster: a walk-in participant
  await sep1.join(teacher, 0); // a manager, a moderator: not a student
  await sep1.end(60); // cy never came: absent
  const sep8 = new Classroom(app, 'maths', day('2026-09-08'));
  await sep8.start();
  await sep8.join(ana, 0);
  await sep8.leave(ana, 45); // left early
  await sep8.join(cy, 0);
  await sep8.end(60); // bo never came
  const sep15 = new Classroom(app, 'maths', day('2026-09-15'));
  await sep15.start();
  await sep15.join(ana, 0);
  await sep15.leave(ana, 30); // half the class: absent
  await sep15.join(bo, 0);
  await sep15.join(cy, 5);
  await sep15.end(60);
  // still going: not in any report until it ends
  const live = new Classroom(app, 'maths', Math.floor(Date.now() / 1000) - 600);
  await live.start();
  await live.join(ana, 0);
  // another course's class: not in this report
  const music = new Classroom(app, 'music', day('2026-09-01'));
  await music.start();
  await music.join(ana, 0);
  await music.end(60);
});
afterAll(() => app?.close());

async function report(from?: string, to?: string, token = ADMIN) {
  const result = await app.graphql(CourseAnswersQuery, { slug: 'maths', from, to }, token);
  expect(result.errors).toBeUndefined();
  return Object.fromEntries(result.data!.course!.report.map(({ user, ...counts }) => [user.id, counts]));
}

const row = (
  sessions: number,
  present: number,
  late: number,
  leftEarly: number,
  absent: number,
  attendedSeconds: number,
  attendedPercent: number,
) => ({
  sessions,
  present,
  late,
  leftEarly,
  absent,
  attendedSeconds,
  attendedPercent,
});

describe('the course report', () => {
  it('counts one verdict per ended session for each student: the roster and walk-in participants, not the teacher', async () => {
    expect(await report()).toEqual({
      // present, left early (45 of 60 min), absent (30 of 60): 8,100 of 10,800 s
      ana: row(3, 1, 0, 1, 1, 8100, 75),
      // late (48 min), not there, present: 6,480 s
      bo: row(3, 1, 1, 0, 1, 6480, 60),
      // not there, present, present from minute 5 (within the grace period): 6,900 s
      cy: row(3, 2, 0, 0, 1, 6900, 63.89),
      // came once, not on the roster: still a student of the course
      dee: row(3, 1, 0, 0, 2, 3600, 33.33),
    });
  });

  it('takes sessions that started in [from, to): the one starting at `to` is out, the one at `from` in', async () => {
    expect(await report('2026-09-08T09:00:00Z', '2026-09-15T09:00:00Z')).toEqual({
      ana: row(1, 0, 0, 1, 0, 2700, 75),
      bo: row(1, 0, 0, 0, 1, 0, 0),
      cy: row(1, 1, 0, 0, 0, 3600, 100),
      // dee attended none of these sessions and is not on the roster
    });
    expect(await report('2026-09-15T09:00:00Z')).toMatchObject({ ana: row(1, 0, 0, 0, 1, 1800, 50) });
    expect(await report(undefined, '2026-09-01T09:00:01Z')).toMatchObject({ cy: row(1, 0, 0, 0, 1, 0, 0) });
  });

  it('gives the roster with no sessions for an empty range', async () => {
    expect(await report('2026-09-02T00:00:00Z', '2026-09-02T00:00:00Z')).toEqual({
      ana: row(0, 0, 0, 0, 0, 0, 0),
      bo: row(0, 0, 0, 0, 0, 0, 0),
      cy: row(0, 0, 0, 0, 0, 0, 0),
    });
  });

  it("follows the course's policy", async () => {
    await app.graphql(SetAttendancePolicyMutation, { courseSlug: 'maths', minAttendedPercent: 50 }, ADMIN);
    // Sep 15: 30 of 60 minutes is enough now, and she left 30 minutes early
    expect((await report())['ana']).toEqual(row(3, 1, 0, 2, 0, 8100, 75));
    await app.graphql(SetAttendancePolicyMutation, { courseSlug: 'maths', minAttendedPercent: 75 }, ADMIN);
  });
});

describe('bad input', () => {
  it('refuses from after to with BAD_USER_INPUT', async () => {
    const result = await app.graphql(
      CourseAnswersQuery,
      { slug: 'maths', from: '2026-09-10T00:00:00Z', to: '2026-09-01T00:00:00Z' },
      ADMIN,
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: 'from (2026-09-10T00:00:00.000Z) must not be after to (2026-09-01T00:00:00.000Z)',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
  });

  it('refuses a malformed date with BAD_USER_INPUT', async () => {
    for (const from of ['yesterday', '2026-13-01T00:00:00Z', '2026-09-01']) {
      const result = await app.graphql(CourseAnswersQuery, { slug: 'maths', from }, ADMIN);
      expect(result.data ?? null, from).toBeNull();
      expect(
        result.errors?.map((e) => e.extensions?.code),
        from,
      ).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].message, from).toMatch(/\$from/);
    }
    const literal = await postGraphQL(
      app.url,
      '{ course(slug: "maths") { report(from: "not a date") { sessions } } }',
      undefined,
      ADMIN,
    );
    const [error] = (await literal.json()).errors;
    expect(error.message).toMatch(/DateTime/);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('who may read it', () => {
  it("is the admin and the course's managers; another course's manager and students are refused", async () => {
    expect(Object.keys(await report(undefined, undefined, await dashboardToken('maths-teacher')))).toEqual([
      'ana',
      'bo',
      'cy',
      'dee',
    ]);
    for (const who of ['music-teacher', 'ana']) {
      const result = await app.graphql(CourseAnswersQuery, { slug: 'maths' }, await dashboardToken(who));
      expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
      expect(result.data?.course ?? null).toBeNull();
    }
  });
});
