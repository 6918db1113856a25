// The recording download on the shared job runner, on any machine (no ffmpeg: the file is stored
// without duration or type): retried after PlugNMeet fails, and a final failure is FAILED with why.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingsQuery } from '../support/documents.ts';
import { startFakePlugNMeet, type FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { fixture } from '../support/plugnmeet.ts';
import { postRecordingDone } from '../support/recording-webhooks.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const NO_TOOLS = { ffprobePath: '/nonexistent/ffprobe', ffmpegPath: '/nonexistent/ffmpeg' };
const FAST = { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 3, pollMs: 100, leaseMs: 3_000, media: NO_TOOLS };
const bytes = randomBytes(64 * 1024);
let file: string;
let plugnmeet: FakePlugNMeet;
let app: TestServer;
const _outcomes: string[] = [];

beforeAll(async () => {
  file = path.join(mkdtempSync(path.join(tmpdir(), 'rollcall-rec-')), 'rec.mp4');
  writeFileSync(file, bytes);
  plugnmeet = await startFakePlugNMeet();
  app = await startTestServer({ plugnmeetServerUrl: plugnmeet.url, downloader: FAST });
  for (const name of ['01-room_created', '02-room_started'])
    expect((await app.postWebhook(fixture(name))).status).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await plugnmeet?.close();
});

async function until(recordId: string, status: string) {
  for (let i = 0; i < 200; i++) {
    const { data } = await app.graphql(RecordingsQuery, { first: 200 });
    const r = data!.recordings.find((x) => x.recordId === recordId);
    if (r?.status === status) return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`recording ${recordId} never became ${status}`);
}

describe('recording downloads on the shared job runner', () => {
  it('retries after PlugNMeet fails, then stores the file byte-identical', async () => {
    plugnmeet.recordings.set('rec-job-1', { file, failDownloads: 2 });
    await postRecordingDone(app, 'rec-job-1');
    const r = await until('rec-job-1', 'READY');
    expect(r).toMatchObject({
      fileSize: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      error: null,
    });
    await expect
      .poll(() => app.db.prisma.recording.findUniqueOrThrow({ where: { recordId: 'rec-job-1' } }), { timeout: 5_000 })
      .toMatchObject({ attempts: 3, leaseOwner: null });
  });

  it('fails for good at once when PlugNMeet refuses, with its answer as the error', async () => {
    plugnmeet.recordings.set('rec-job-2', { file, statusFalse: 'requested recording not found' });
    await postRecordingDone(app, 'rec-job-2');
    const r = await until('rec-job-2', 'FAILED');
    expect(r.error).toMatch(/requested recording not found/);
    // FAILED is written with the attempt; the runner lets go of its lease right after
    await expect
      .poll(() => app.db.prisma.recording.findUniqueOrThrow({ where: { recordId: 'rec-job-2' } }), { timeout: 5_000 })
      .toMatchObject({ attempts: 1, leaseOwner: null });
  });
});
