// liveSessions: the sessions not ended, newest first. "Newest" is by start for the live ones
// (a session scheduled long ago but started a moment ago comes first), then scheduled ones.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSessionsQuery, ScheduleLiveSessionMutation, UpsertCourseMutation } from '../support/documents.ts';
import { roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const T0 = 1_795_510_800;
let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

async function roomStarted(roomId: string, offset: number) {
  const body = roomEventBody('02-room_started', { roomId, roomSid: `RM_${roomId}` }, T0 + offset, randomUUID());
  expect((await app.postWebhook(body)).status).toBe(200);
}

describe('liveSessions order', () => {
  it('lists live sessions by start, newest first, and then the scheduled ones not started', async () => {
    const slug = `order-${randomUUID().slice(0, 8)}`;
    const room = (n: number) => `${slug}-2026112409000${n}`;
    const course = await app.graphql(UpsertCourseMutation, { slug, title: 'Ordering' });
    expect(course.errors).toBeUndefined();

    // scheduled first, started last
    expect(
      (await app.graphql(ScheduleLiveSessionMutation, { courseSlug: slug, roomId: room(1), subject: 'early plan' }))
        .errors,
    ).toBeUndefined();
    await roomStarted(room(2), 10);
    await roomStarted(room(1), 20);
    expect(
      (await app.graphql(ScheduleLiveSessionMutation, { courseSlug: slug, roomId: room(3), subject: 'later plan' }))
        .errors,
    ).toBeUndefined();
    await roomStarted(room(4), 5);

    const { data, errors } = await app.graphql(LiveSessionsQuery, { courseId: course.data!.upsertCourse.id });
    expect(errors).toBeUndefined();
    expect(data!.liveSessions.map((s) => [s.roomId, s.isLive])).toEqual([
      [room(1), true],
      [room(2), true],
      [room(4), true],
      [room(3), false],
    ]);
  });
});
