// The whole path as users see it: PlugNMeet posts the fixtures' class, a dashboard subscribed over
// graphql-ws sees each change, and GraphQL queries show the resulting attendance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttendanceChangedSubscription,
  LiveSessionChangedSubscription,
  LiveSessionQuery,
  UpsertCourseMutation,
} from './support/documents.ts';
import { fixture, fixtureNames } from './support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from './support/server.ts';

const ROOM = 'algebra-101-20261124090000';
let app: TestServer;

beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

describe('a class from PlugNMeet, live on a dashboard', () => {
  it('publishes joins, leaves and the end as they happen, and keeps the attendance', async () => {
    const course = await app.graphql(UpsertCourseMutation, { slug: 'algebra-101', title: 'Algebra 101' });
    expect(course.errors).toBeUndefined();

    const client = app.wsClient();
    const attendance = subscribe(client, AttendanceChangedSubscription, { roomId: ROOM });
    const sessions = subscribe(client, LiveSessionChangedSubscription, { courseId: course.data!.upsertCourse.id });
    await attendance.ready();

    const responses: Record<string, unknown>[] = [];
    for (const name of fixtureNames().filter((f) => /^\d\d-/.test(f))) {
      const response = await app.postWebhook(fixture(name));
      expect(response.status, name).toBe(200);
      responses.push(await response.json());
    }
    // tracks delivered after the end, dated within the class, still count; the analytics file is queued
    expect(responses[10]).toMatchObject({
      status: 'ok',
      result: 'applied',
      message: expect.stringMatching(/^microphone of participant 1001 published/),
    });
    expect(responses[15]).toMatchObject({
      status: 'ok',
      event: 'analytics_proceeded',
      result: 'applied',
      message: expect.stringMatching(/queued/),
    });
    expect(responses[16]).toMatchObject({
      status: 'ok',
      event: 'artifact_created',
      message: expect.stringMatching(/already queued/),
    });

    // moderator joins, student joins, student leaves; the room's end takes the moderator offline
    const changes = await attendance.next(4);
    expect(changes.map((c) => [c.data!.attendanceChanged.kind, c.data!.attendanceChanged.attendance.user.id])).toEqual([
      ['JOINED', '27'],
      ['JOINED', '1001'],
      ['LEFT', '1001'],
      ['LEFT', '27'],
    ]);
    const studentJoined = changes[1].data!.attendanceChanged;
    expect(studentJoined.attendance.user.name).toBe('Student 1');
    expect(studentJoined.attendance.role).toBe('PARTICIPANT');
    expect(studentJoined.session.course?.slug).toBe('algebra-101');

    const lifecycle = await sessions.next(2);
    expect(lifecycle.map((c) => c.data!.liveSessionChanged.kind)).toEqual(['STARTED', 'ENDED']);
    expect(lifecycle[1].data!.liveSessionChanged.session).toMatchObject({
      roomId: ROOM,
      isLive: false,
      startedAt: '2026-11-24T09:00:01.000Z',
      endedAt: '2026-11-24T10:00:00.000Z',
      course: { slug: 'algebra-101' },
    });

    const { data, errors } = await app.graphql(LiveSessionQuery, { roomId: ROOM });
    expect(errors).toBeUndefined();
    const session = data!.liveSession!;
    expect(session).toMatchObject({
      isLive: false,
      onlineCount: 0,
      onlineParticipants: [],
      course: { slug: 'algebra-101' },
    });
    const byUser = Object.fromEntries(session.attendances.map((a) => [a.user.id, a]));
    expect(Object.keys(byUser).sort()).toEqual(['1001', '27']); // the recorder bot is not attendance
    expect(byUser['27']).toMatchObject({ role: 'MODERATOR', isOnline: false, attendedSeconds: 3570 });
    expect(byUser['1001']).toMatchObject({
      role: 'PARTICIPANT',
      isOnline: false,
      attendedSeconds: 1800,
      firstJoinedAt: '2026-11-24T09:01:01.000Z',
      lastLeftAt: '2026-11-24T09:31:01.000Z',
      spans: [{ joinedAt: '2026-11-24T09:01:01.000Z', leftAt: '2026-11-24T09:31:01.000Z' }],
    });
  });

  it('answers a redelivered event as a duplicate and changes nothing', async () => {
    const response = await app.postWebhook(fixture('04-participant_joined-student'));
    expect(await response.json()).toEqual({
      status: 'ok',
      duplicate: true,
      id: '5b0c7b4e-0004-4c1e-9a51-000000000004',
    });
    const { data } = await app.graphql(LiveSessionQuery, { roomId: ROOM });
    expect(data!.liveSession!.attendances.find((a) => a.user.id === '1001')!.spans).toHaveLength(1);
  });
});
