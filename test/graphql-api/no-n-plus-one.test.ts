// Resolvers never issue a query per row: the SQL a nested dashboard query sends is the same for 3
// rows as for 40 (Prisma batches the plugin's fallback loads; the count must not grow with rows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CourseQuery, LiveSessionQuery, LiveSessionsQuery } from '../support/documents.ts';
import {
  CourseAnswersQuery,
  CourseSessionsVerdictsQuery,
  CoursesReportQuery,
  SessionVerdictsQuery,
} from '../support/answers-documents.ts';
import { fixtureWith } from '../support/plugnmeet.ts';
import { requestStatements, startTestServer, type TestServer } from '../support/server.ts';

const statements: string[] = [];
let app: TestServer;

beforeAll(async () => {
  app = await startTestServer({ onQuery: (sql) => statements.push(sql) });
});
afterAll(() => app?.close());

async function classWith(room: string, users: number, end = false) {
  for (let i = 0; i < users; i++) {
    const body = fixtureWith('04-participant_joined-student', (e) => {
      e.id = `${room}-join-${i}`;
      e.room.room_id = room;
      e.room.sid = `RM_${room}`;
      e.participant.identity = `${room}-user-${i}`;
      e.participant.sid = `PA_${room}_${i}`;
      e.participant.name = `User ${i}`;
    });
    expect((await app.postWebhook(body)).status).toBe(200);
  }
  // half of them leave, so spans and online filters have something to do
  for (let i = 0; i < users; i += 2) {
    const body = fixtureWith('07-participant_left-student', (e) => {
      e.id = `${room}-leave-${i}`;
      e.room.room_id = room;
      e.room.sid = `RM_${room}`;
      e.participant.identity = `${room}-user-${i}`;
      e.participant.sid = `PA_${room}_${i}`;
    });
    expect((await app.postWebhook(body)).status).toBe(200);
  }
  if (end) {
    const body = fixtureWith('09-room_finished', (e) => {
      e.id = `${room}-end`;
      e.room.room_id = room;
      e.room.sid = `RM_${room}`;
    });
    expect((await app.postWebhook(body)).status).toBe(200);
  }
}

/** A course `slug` with `roster` enrolled students (ids `<slug>-student-<i>`, none of whom attend). */
async function courseWith(slug: string, roster: number) {
  const course = await app.db.prisma.course.create({ data: { slug, title: slug } });
  await app.db.prisma.user.createMany({
    data: Array.from({ length: roster }, (_, i) => ({ id: `${slug}-student-${i}` })),
  });
  await app.db.prisma.enrolment.createMany({
    data: Array.from({ length: roster }, (_, i) => ({ courseId: course.id, userId: `${slug}-student-${i}` })),
  });
  return course;
}

async function countStatements(run: () => Promise<{ errors?: unknown }>) {
  statements.length = 0;
  const result = await run();
  expect(result.errors).toBeUndefined();
  return requestStatements(statements).length;
}

describe('no N+1', () => {
  it('liveSession(roomId) with attendances, users, spans and online participants', async () => {
    await classWith('small-room', 3);
    await classWith('big-room', 40);
    const small = await countStatements(() => app.graphql(LiveSessionQuery, { roomId: 'small-room' }));
    const big = await countStatements(() => app.graphql(LiveSessionQuery, { roomId: 'big-room' }));
    expect(big).toBe(small);
    expect(small).toBeLessThanOrEqual(8);
  });

  it('liveSessions with nested attendances: the same SQL for 2 sessions as for 6', async () => {
    const few = await countStatements(() => app.graphql(LiveSessionsQuery, {}));
    for (let r = 0; r < 4; r++) await classWith(`extra-room-${r}`, 3);
    const many = await countStatements(() => app.graphql(LiveSessionsQuery, {}));
    expect(many).toBe(few);
  });

  it('course with managers and sessions', async () => {
    await app.db.prisma.course.create({ data: { slug: 'np1', title: 'N+1' } });
    const one = await countStatements(() => app.graphql(CourseQuery, { slug: 'np1' }));
    await app.db.prisma.course.update({
      where: { slug: 'np1' },
      data: {
        managers: { create: [1, 2, 3].map((i) => ({ user: { create: { id: `np1-manager-${i}` } } })) },
        liveSessions: { create: [1, 2, 3, 4].map((i) => ({ roomId: `np1-room-${i}` })) },
      },
    });
    expect(await countStatements(() => app.graphql(CourseQuery, { slug: 'np1' }))).toBe(one);
  });

  it('verdicts, absentees and the roster of a session: the same SQL for 3 attendances and 2 enrolled as for 40 and 30', async () => {
    await courseWith('np-small', 2);
    await courseWith('np-big', 30);
    await classWith('np-small-20261124090000', 3);
    await classWith('np-big-20261124090000', 40);
    const small = await countStatements(() => app.graphql(SessionVerdictsQuery, { roomId: 'np-small-20261124090000' }));
    const big = await countStatements(() => app.graphql(SessionVerdictsQuery, { roomId: 'np-big-20261124090000' }));
    expect(big).toBe(small);
    // one per level: session, attendances, users, spans, the spans' session, its course and policy,
    // the roster and its users, and for the policy's engagement rules the media spans and engagement
    expect(small).toBeLessThanOrEqual(12);
  });

  it("a course's sessions with verdicts, absentees, roster and policy: the same SQL for 1 session as for 4", async () => {
    const course = await courseWith('np-many', 5);
    await classWith('np-many-20261124090000', 3);
    expect((await app.graphql(CourseSessionsVerdictsQuery, { courseId: course.id })).data!.liveSessions).toHaveLength(
      1,
    );
    const one = await countStatements(() => app.graphql(CourseSessionsVerdictsQuery, { courseId: course.id }));
    for (let r = 1; r < 4; r++) await classWith(`np-many-2026112409000${r}`, 3 + r);
    const { data } = await app.graphql(CourseSessionsVerdictsQuery, { courseId: course.id });
    expect(data!.liveSessions.map((s) => [s.attendances.length, s.absentees.length])).toEqual([
      [6, 5],
      [5, 5],
      [4, 5],
      [3, 5],
    ]);
    const all = await countStatements(() => app.graphql(CourseSessionsVerdictsQuery, { courseId: course.id }));
    expect(all).toBe(one);
  });

  it('the course report: the same SQL for 1 ended session and 3 students as for 5 sessions and 53, and for 1 course as for all', async () => {
    await courseWith('np-report', 2);
    await classWith('np-report-20261124090000', 1, true);
    const small = await countStatements(() => app.graphql(CourseAnswersQuery, { slug: 'np-report' }));
    expect(
      (await app.graphql(CourseAnswersQuery, { slug: 'np-report' })).data!.course!.report.map((r) => r.sessions),
    ).toEqual([1, 1, 1]);
    for (let r = 1; r < 5; r++) await classWith(`np-report-2026112409000${r}`, 10 + r, true);
    const big = await countStatements(() => app.graphql(CourseAnswersQuery, { slug: 'np-report' }));
    expect((await app.graphql(CourseAnswersQuery, { slug: 'np-report' })).data!.course!.report).toHaveLength(
      2 + 1 + 11 + 12 + 13 + 14,
    );
    expect(big).toBe(small);
    expect(small).toBeLessThanOrEqual(6);
    // every course's report at once: one report statement for them all
    const perCourse = await countStatements(() => app.graphql(CoursesReportQuery, {}));
    await courseWith('np-report-2', 3);
    await classWith('np-report-2-20261124090000', 4, true);
    expect(await countStatements(() => app.graphql(CoursesReportQuery, {}))).toBe(perCourse);
  });
});
