// Recordings end to end: PlugNMeet's events, a real (fake) PlugNMeet API on loopback, real media
// made by ffmpeg, the download job, GraphQL and the file routes.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RecordingChangedSubscription,
  RecordingsQuery,
  RetryRecordingMutation,
  SessionRecordingsQuery,
} from '../support/documents.ts';
import { startFakePlugNMeet, type FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { createMediaFixtures, runMediaTests, type MediaFixtures } from '../support/media-fixtures.ts';
import { fixture, fixtureWith } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

const FAST_RETRIES = { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 3, pollMs: 100, leaseMs: 3_000 };
const ROOM = 'algebra-101-20261124090000';

let media: MediaFixtures;
let plugnmeet: FakePlugNMeet;
let app: TestServer;
let n = 0;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** end_recording + recording_proceeded for a new record id in the fixtures' room run. */
async function record(file: string, extra: Partial<Parameters<FakePlugNMeet['recordings']['set']>[1]> = {}, posts = 1) {
  const recordId = `RM_hT2xQw8Lk3Zp-rec-${++n}`;
  plugnmeet.recordings.set(recordId, { file, ...extra });
  const withId = (name: string, suffix: string) =>
    fixtureWith(name, (e) => {
      e.id = `${recordId}-${suffix}`;
      e.recording_info.record_id = recordId;
      e.recording_info.file_path = `node_01/${recordId}${path.extname(file) === '.m4a' ? '.m4a' : '.mp4'}`;
    });
  expect((await app.postWebhook(withId('08-end_recording', 'end'))).status).toBe(200);
  for (let i = 0; i < posts; i++) {
    expect((await app.postWebhook(withId('10-recording_proceeded', 'ready'))).status).toBe(200);
  }
  return recordId;
}

async function recordingOf(recordId: string) {
  const { data, errors } = await app.graphql(RecordingsQuery, { roomId: ROOM, first: 200 });
  expect(errors).toBeUndefined();
  return data!.recordings.find((r) => r.recordId === recordId)!;
}

async function until(recordId: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await recordingOf(recordId);
    if (r?.status === status) return r;
    if (Date.now() > deadline)
      throw new Error(`recording ${recordId} is ${r?.status} (${r?.error}), expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!runMediaTests) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'rollcall-media-'));
  media = await createMediaFixtures(dir);
  plugnmeet = await startFakePlugNMeet();
  app = await startTestServer({ plugnmeetServerUrl: plugnmeet.url, downloader: FAST_RETRIES });
  for (const name of ['01-room_created', '02-room_started'])
    expect((await app.postWebhook(fixture(name))).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await plugnmeet?.close();
});

describe.runIf(runMediaTests)('a recording from PlugNMeet to a playable, listed file', () => {
  it('downloads, stores byte-identical, probes, thumbnails, lists and announces it', async () => {
    const client = app.wsClient();
    const changes = subscribe(client, RecordingChangedSubscription, { roomId: ROOM });
    await changes.ready();
    const recordId = await record(media.video, { title: 'Quadratics' });

    const statuses = await changes.next(3, 20_000);
    expect(statuses.map((c) => c.data!.recordingChanged.status)).toEqual(['PROCESSING', 'DOWNLOADING', 'READY']);

    const r = await until(recordId, 'READY');
    expect(r).toMatchObject({ type: 'VIDEO', title: 'Quadratics', sha256: sha256(media.video), error: null });
    expect(r.fileSize).toBe(readFileSync(media.video).length);
    expect(Math.abs(r.durationSeconds! - 3)).toBeLessThan(0.2);
    expect(r.url).toBe(`/recordings/${r.id}/file`);
    expect(r.session?.roomId).toBe(ROOM);

    const file = await fetch(`${app.url}${r.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    expect(file.headers.get('content-length')).toBe(String(r.fileSize));
    expect(
      createHash('sha256')
        .update(Buffer.from(await file.arrayBuffer()))
        .digest('hex'),
    ).toBe(r.sha256);

    const thumbnail = await fetch(`${app.url}${r.thumbnailUrl}`);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await thumbnail.arrayBuffer());
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const thumbPath = path.join(app.dataDir, 'recordings', `${r.id}.jpg`);
    const width = execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width',
      '-of',
      'csv=p=0',
      thumbPath,
    ]);
    expect(width.toString().trim()).toBe('640');

    const session = await app.graphql(SessionRecordingsQuery, { roomId: ROOM });
    expect(session.data!.liveSession!.recordings.map((x) => x.recordId)).toContain(recordId);
  });

  it('answers a Range request with 206 and exactly those bytes', async () => {
    const r = await until(await record(media.video), 'READY');
    const whole = readFileSync(media.video);
    const partial = await fetch(`${app.url}${r.url}`, { headers: { range: 'bytes=100-1099' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`);
    expect(partial.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await partial.arrayBuffer()).equals(whole.subarray(100, 1100))).toBe(true);
    const tail = await fetch(`${app.url}${r.url}`, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(whole.length - 10))).toBe(true);
    const beyond = await fetch(`${app.url}${r.url}`, { headers: { range: `bytes=${whole.length}-` } });
    expect(beyond.status).toBe(416);
  });

  it('takes the type from the streams: audio in an .mp4 is VOICE, without a thumbnail', async () => {
    const r = await until(await record(media.audioNamedMp4), 'READY');
    expect(r).toMatchObject({ type: 'VOICE', thumbnailUrl: null, sha256: sha256(media.audioNamedMp4) });
    expect(Math.abs(r.durationSeconds! - 3)).toBeLessThan(0.2);
    const file = await fetch(`${app.url}${r.url}`, { method: 'HEAD' });
    expect(file.headers.get('content-type')).toBe('audio/mp4');
  });

  it('downloads once when recording_proceeded is delivered 5 times', async () => {
    const before = plugnmeet.counts.download;
    const recordId = await record(media.audio, {}, 5);
    // and 5 more deliveries under new event ids
    for (let i = 0; i < 5; i++) {
      const body = fixtureWith('10-recording_proceeded', (e) => {
        e.id = `${recordId}-again-${i}`;
        e.recording_info.record_id = recordId;
      });
      expect((await app.postWebhook(body)).status).toBe(200);
    }
    await until(recordId, 'READY');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(plugnmeet.counts.download - before).toBe(1);
  });

  it('retries a download that fails twice, then succeeds', async () => {
    const r = await until(await record(media.video, { failDownloads: 2 }), 'READY');
    expect(r.sha256).toBe(sha256(media.video));
  });

  it('detects a download cut short by its length and retries it', async () => {
    const r = await until(await record(media.video, { cutShort: 1 }), 'READY');
    expect(r.sha256).toBe(sha256(media.video));
  });

  it("fails with PlugNMeet's message when it answers status:false", async () => {
    const r = await until(await record(media.video, { statusFalse: 'recording file not found' }), 'FAILED');
    expect(r.error).toContain('recording file not found');
    expect(r.url).toBeNull();
  });

  it('fails clearly when PlugNMeet gives no download token', async () => {
    const r = await until(await record(media.video, { noToken: true }), 'FAILED');
    expect(r.error).toMatch(/token/i);
  });

  it('fails after its attempts while PlugNMeet is unreachable, and the retry mutation succeeds once it is back', async () => {
    await plugnmeet.suspend();
    const recordId = await record(media.video);
    const failed = await until(recordId, 'FAILED');
    expect(failed.error).toBeTruthy();
    await plugnmeet.resume();
    const retried = await app.graphql(RetryRecordingMutation, { id: failed.id });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.retryRecording.status).toBe('PROCESSING');
    const r = await until(recordId, 'READY');
    expect(r.sha256).toBe(sha256(media.video));
  });
});
