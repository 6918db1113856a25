// Camera, microphone and screen time from PlugNMeet's track events: live, to the second, with the
// same guarantees as presence (duplicates, any order, a leave or the end closing what is open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttendanceChangedSubscription, MediaQuery } from '../support/documents.ts';
import { fixture, fixtureWith, participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

const ROOM = 'algebra-101-20261124090000';
const T0 = 1_795_510_800;
let app: TestServer;
let ids = 0;
let runs = 0;

beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

async function post(body: string) {
  const response = await app.postWebhook(body);
  expect(response.status, body).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}
const mediaOf = async (roomId: string, user: string) =>
  (await app.graphql(MediaQuery, { roomId })).data!.liveSession!.attendances.find((a) => a.user.id === user);

const newRun = () => ({ roomId: `media-room-${++runs}`, roomSid: `RM_media_${runs}_${Date.now()}` });
/** A track event of the fixtures, moved to another run, at `at` seconds after T0. */
const trackEvent = (
  name:
    | '12-track_published-camera'
    | '13-track_unpublished-camera'
    | '14-track_published-microphone'
    | '15-track_unpublished-microphone',
  run: { roomId: string; roomSid: string },
  at: number,
  changes: (e: any) => void = () => {},
) =>
  fixtureWith(name, (e) => {
    e.id = `media-${++ids}`;
    e.room.sid = run.roomSid;
    e.room.room_id = run.roomId;
    e.created_at = String(T0 + at);
    changes(e);
  });

describe('media time from track events', () => {
  it("counts the fixtures' class: the student's camera 808 s, microphone 1,799 s; a repeated delivery is a duplicate", async () => {
    const answers = [];
    for (const name of [
      '01-room_created',
      '02-room_started',
      '03-participant_joined-moderator',
      '04-participant_joined-student',
      '11-track_published',
      '12-track_published-camera',
      '13-track_unpublished-camera',
      '14-track_published-microphone',
      '15-track_unpublished-microphone',
      '07-participant_left-student',
      '09-room_finished',
    ]) {
      answers.push(await post(fixture(name)));
    }
    expect(answers[4]).toMatchObject({
      result: 'applied',
      message: expect.stringMatching(/microphone of participant 1001 published/),
    });
    expect(answers[7]).toMatchObject({ duplicate: true }); // 14 is 11 delivered again
    expect(await mediaOf(ROOM, '1001')).toMatchObject({
      media: { cameraSeconds: 808, microphoneSeconds: 1799, screenShareSeconds: 0 },
      engagement: null,
    });
    expect(await mediaOf(ROOM, '27')).toMatchObject({
      media: { cameraSeconds: 0, microphoneSeconds: 0, screenShareSeconds: 0 },
    });
  });

  it('gives the same time whatever order the events come in, and an unpublish before its publish opens nothing', async () => {
    const run = newRun();
    const who = { identity: '1001', sid: 'PA_stud1', joinedAt: T0 };
    const events = [
      roomEventBody('02-room_started', run, T0, `media-${++ids}`),
      participantEventBody('04-participant_joined-student', run, who, T0, `media-${++ids}`),
      trackEvent('13-track_unpublished-camera', run, 700),
      trackEvent('12-track_published-camera', run, 100),
      trackEvent('12-track_published-camera', run, 900, (e) => (e.track.sid = 'TR_second')),
      participantEventBody('07-participant_left-student', run, who, T0 + 1000, `media-${++ids}`),
    ];
    for (const body of events) await post(body);
    // [100, 700] and a second camera track from 900 closed by the leave at 1000
    expect(await mediaOf(run.roomId, '1001')).toMatchObject({ isOnline: false, media: { cameraSeconds: 700 } });
  });

  it('is live: an open track counts up to now, and the end of the session closes it', async () => {
    const run = newRun();
    const now = Math.floor(Date.now() / 1000);
    const who = { identity: 'live-cam', sid: 'PA_live', joinedAt: now - 120 };
    await post(participantEventBody('04-participant_joined-student', run, who, now - 120, `media-${++ids}`));
    await post(
      trackEvent('12-track_published-camera', run, now - 60 - T0, (e) =>
        Object.assign(e.participant, { identity: 'live-cam', sid: 'PA_live' }),
      ),
    );
    const live = (await mediaOf(run.roomId, 'live-cam'))!.media.cameraSeconds;
    expect(live).toBeGreaterThanOrEqual(60);
    expect(live).toBeLessThan(70);
    await post(roomEventBody('09-room_finished', run, now - 30, `media-${++ids}`));
    expect((await mediaOf(run.roomId, 'live-cam'))!.media.cameraSeconds).toBe(30);
  });

  it('applies a track of a connection whose join has not arrived: it proves the connection', async () => {
    const run = newRun();
    await post(roomEventBody('02-room_started', run, T0, `media-${++ids}`));
    await post(trackEvent('14-track_published-microphone', run, 300, (e) => (e.id = `media-${++ids}`)));
    expect(await mediaOf(run.roomId, '1001')).toMatchObject({ isOnline: true });
    await post(
      participantEventBody(
        '04-participant_joined-student',
        run,
        { identity: '1001', sid: 'PA_stud1', joinedAt: T0 + 200 },
        T0 + 200,
        `media-${++ids}`,
      ),
    );
    await post(
      participantEventBody(
        '07-participant_left-student',
        run,
        { identity: '1001', sid: 'PA_stud1', joinedAt: T0 + 200 },
        T0 + 500,
        `media-${++ids}`,
      ),
    );
    expect(await mediaOf(run.roomId, '1001')).toMatchObject({ isOnline: false, media: { microphoneSeconds: 200 } });
  });

  it('is published on attendanceChanged when it changes', async () => {
    const run = newRun();
    const who = { identity: 'pub-cam', sid: 'PA_pub', joinedAt: T0 };
    await post(participantEventBody('04-participant_joined-student', run, who, T0, `media-${++ids}`));
    const sub = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: run.roomId });
    await sub.ready();
    await post(
      trackEvent('12-track_published-camera', run, 60, (e) =>
        Object.assign(e.participant, { identity: 'pub-cam', sid: 'PA_pub' }),
      ),
    );
    const [change] = await sub.next(1);
    expect(change.data!.attendanceChanged).toMatchObject({ kind: 'JOINED', attendance: { user: { id: 'pub-cam' } } });
  });

  it('ignores tracks of bots and sources it does not measure, stored and answered as such', async () => {
    const run = newRun();
    await post(roomEventBody('02-room_started', run, T0, `media-${++ids}`));
    const bot = await post(
      trackEvent('12-track_published-camera', run, 10, (e) => (e.participant.identity = 'RECORDER_BOT')),
    );
    expect(bot).toMatchObject({ result: 'ignored', message: expect.stringMatching(/bot/) });
    const unknown = await post(trackEvent('12-track_published-camera', run, 10, (e) => (e.track.source = 'UNKNOWN')));
    expect(unknown).toMatchObject({
      result: 'ignored',
      message: expect.stringMatching(/not a camera, microphone or screen share/),
    });
    const none = await post(trackEvent('12-track_published-camera', run, 10, (e) => delete e.track.source));
    expect(none).toMatchObject({ result: 'ignored' });
    expect((await app.graphql(MediaQuery, { roomId: run.roomId })).data!.liveSession!.attendances).toEqual([]);
    const stored = await app.db.prisma.webhookEvent.findMany({
      where: { roomSid: run.roomSid, name: 'track_published' },
    });
    expect(stored.map((e) => e.status)).toEqual(['IGNORED', 'IGNORED', 'IGNORED']);
  });

  it('refuses a track event without a track sid (400 naming the field), and keeps it', async () => {
    const run = newRun();
    const body = trackEvent('12-track_published-camera', run, 10, (e) => delete e.track.sid);
    const response = await app.postWebhook(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/track\.sid/) });
  });
});
