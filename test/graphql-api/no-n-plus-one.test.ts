// Resolvers never issue a query per row: the SQL a nested dashboard query sends is the same for 3
// rows as for 40 (Prisma batches the plugin's fallback loads; the count must not grow with rows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CourseQuery, LiveSessionQuery, LiveSessionsQuery } from '../support/documents.ts';
import { fixtureWith } from '../support/plugnmeet.ts';
import { requestStatements, startTestServer, type TestServer } from '../support/server.ts';

const statements: string[] = [];
let app: TestServer;

beforeAll(async () => {
  app = await startTestServer({ onQuery: (sql) => statements.push(sql) });
});
afterAll(() => app?.close());

async function classWith(room: string, users: number) {
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
});
