// PlugNMeet's analytics file imported as a durable job: fetched through the artifact API of a fake
// PlugNMeet on loopback, after real webhooks, shown on Attendance.engagement and announced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobOutcome } from '../../src/jobs/durable.ts';
import { AnalyticsImportQuery, AttendanceChangedSubscription } from '../support/documents.ts';
import { startFakePlugNMeet, type FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { fixture } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';
import { attendancesOf, CLASS, FAST, importOf, inRun, newRun, playClass, post, serve } from './analytics-support.ts';

const ROOM = 'algebra-101-20261124090000';
let plugnmeet: FakePlugNMeet;
let app: TestServer;
const outcomes: Array<[string, JobOutcome]> = [];

beforeAll(async () => {
  plugnmeet = await startFakePlugNMeet();
  app = await startTestServer({
    plugnmeetServerUrl: plugnmeet.url,
    analytics: FAST,
    onJobOutcome: (kind, outcome) => outcomes.push([kind, outcome]),
  });
});
afterAll(async () => {
  await app?.close();
  await plugnmeet?.close();
});

describe('the analytics import', () => {
  it("imports the fixtures' file: engagement per user, media from the file (mutes known), UPDATED announced, once", async () => {
    for (const name of CLASS) {
      await post(app, fixture(name));
    }
    const before = await attendancesOf(app, ROOM);
    expect(before['1001']).toMatchObject({ engagement: null, media: { cameraSeconds: 808, microphoneSeconds: 1799 } });
    const changes = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: ROOM });
    await changes.ready();

    plugnmeet.artifacts.set('9f3c2a71-4e8b-4d2f-b6a1-7c05e1d8a934', {
      roomId: ROOM,
      roomSid: 'RM_hT2xQw8Lk3Zp',
      body: (await import('./analytics-support.ts')).ANALYTICS_FILE,
    });
    expect(await post(app, fixture('17-artifact_created-analytics'))).toMatchObject({
      result: 'applied',
      message: 'analytics file 9f3c2a71-4e8b-4d2f-b6a1-7c05e1d8a934 of run RM_hT2xQw8Lk3Zp queued for import',
    });
    const row = await importOf(app.db, { roomId: ROOM, roomSid: 'RM_hT2xQw8Lk3Zp', fileId: '' }, 'IMPORTED');
    expect(row).toMatchObject({
      error: null,
      attempts: 1,
      leaseOwner: null,
      report: { users: 2, unknownUsers: [], missingUsers: [], mediaSpans: 9 },
    });

    const after = await attendancesOf(app, ROOM);
    expect(after['1001'].engagement).toEqual({
      talkSeconds: 61,
      chatMessages: 2,
      raisedHands: 2,
      pollVotes: 1,
      reactions: 3,
    });
    expect(after['27'].engagement).toEqual({
      talkSeconds: 1702,
      chatMessages: 4,
      raisedHands: 0,
      pollVotes: 0,
      reactions: 0,
    });
    // the student's microphone was unmuted 37.8 + 85.6 + 51.8 s of the 1,799 s it was published
    expect(after['1001'].media).toEqual({ cameraSeconds: 808, microphoneSeconds: 175, screenShareSeconds: 0 });
    expect(after['27'].media.screenShareSeconds).toBe(1004);

    const updated = await changes.next(2);
    expect(
      updated.map((u) => [u.data!.attendanceChanged.kind, u.data!.attendanceChanged.attendance.user.id]).sort(),
    ).toEqual([
      ['UPDATED', '1001'],
      ['UPDATED', '27'],
    ]);

    // the other event of the pair: already queued, nothing fetched again
    expect(await post(app, fixture('16-analytics_proceeded'))).toMatchObject({
      message: 'analytics of run RM_hT2xQw8Lk3Zp already queued',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(plugnmeet.counts.artifactDownload).toBe(1);
    // a track event after the import does not bring back the coarser spans
    await post(
      app,
      inRun(
        '12-track_published-camera',
        { roomId: ROOM, roomSid: 'RM_hT2xQw8Lk3Zp', fileId: '' },
        (e) => (e.track.sid = 'TR_late'),
      ),
    );
    expect((await attendancesOf(app, ROOM))['1001'].media.cameraSeconds).toBe(808);
  });

  it('retries after PlugNMeet fails, with backoff, and counts each attempt', async () => {
    const run = newRun();
    await playClass(app, run);
    serve(plugnmeet, run, { failCalls: 2 });
    outcomes.length = 0;
    await post(app, inRun('17-artifact_created-analytics', run));
    const row = await importOf(app.db, run, 'IMPORTED');
    expect(row).toMatchObject({ attempts: 3, error: null, nextAttemptAt: null });
    expect(outcomes).toEqual([
      ['analytics import', 'retrying'],
      ['analytics import', 'retrying'],
      ['analytics import', 'succeeded'],
    ]);
    expect((await attendancesOf(app, run.roomId))['1001'].engagement).toMatchObject({ talkSeconds: 61 });
  });

  it('an analytics_proceeded without a file id: stored, answered precisely, the file found by room.sid', async () => {
    const run = newRun();
    await playClass(app, run);
    serve(plugnmeet, run);
    const fetches = plugnmeet.counts.artifactFetch;
    expect(
      await post(
        app,
        inRun('16-analytics_proceeded', run, (e) => delete e.analytics.file_id),
      ),
    ).toMatchObject({
      result: 'applied',
      message: `analytics of run ${run.roomSid} queued (its file will be looked up by room.sid)`,
    });
    expect(await importOf(app.db, run, 'IMPORTED')).toMatchObject({ fileId: run.fileId });
    expect(plugnmeet.counts.artifactFetch - fetches).toBe(1);
  });

  it('keeps users unknown to the session out, and says so', async () => {
    const run = newRun();
    await playClass(app, run);
    const file = JSON.parse((await import('./analytics-support.ts')).ANALYTICS_FILE);
    file.users.push({
      user_id: '9999',
      name: 'Stranger',
      is_admin: false,
      events: [{ name: 'public_chat', total: 7, values: [] }],
    });
    serve(plugnmeet, run, { body: JSON.stringify(file) });
    await post(app, inRun('17-artifact_created-analytics', run));
    const row = await importOf(app.db, run, 'IMPORTED');
    expect(row.error).toBe('users unknown to the session, not imported: 9999');
    expect(row.report).toMatchObject({ users: 2, unknownUsers: ['9999'] });
    expect(Object.keys(await attendancesOf(app, run.roomId)).sort()).toEqual(['1001', '27']);
    // and the session says so to its readers
    const { data, errors } = await app.graphql(AnalyticsImportQuery, { roomId: run.roomId });
    expect(errors).toBeUndefined();
    expect(data!.liveSession!.analyticsImport).toMatchObject({
      status: 'IMPORTED',
      error: 'users unknown to the session, not imported: 9999',
      attempts: 1,
    });
  });

  it('keeps the file of a run Rollcall never saw (NO_SESSION), and imports it when the run appears', async () => {
    const run = newRun();
    serve(plugnmeet, run);
    await post(app, inRun('17-artifact_created-analytics', run));
    const kept = await importOf(app.db, run, 'NO_SESSION');
    expect(kept.error).toBe(
      `Rollcall has no session of run ${run.roomSid}: the file is kept and imported when one appears`,
    );
    expect(kept.file).toMatchObject({ users: expect.any(Array) });
    const downloads = plugnmeet.counts.artifactDownload;
    await playClass(app, run);
    app.server.sequencer.kick();
    expect(await importOf(app.db, run, 'IMPORTED')).toMatchObject({ error: null });
    expect(plugnmeet.counts.artifactDownload).toBe(downloads); // the kept file, not a new download
    expect((await attendancesOf(app, run.roomId))['27'].engagement).toMatchObject({ chatMessages: 4 });
  });
});
