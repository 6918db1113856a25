// Recordings survive a restart in the middle of a download, and a machine without ffmpeg.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { RecordingChangedSubscription, RecordingsQuery } from '../support/documents.ts';
import { openTestDatabase } from '../support/database.ts';
import { startFakePlugNMeet, type FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { createMediaFixtures, runMediaTests, type MediaFixtures } from '../support/media-fixtures.ts';
import { postRecordingDone } from '../support/recording-webhooks.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

const FAST = { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 3, pollMs: 100, leaseMs: 3_000 };
let media: MediaFixtures;
let plugnmeet: FakePlugNMeet;
let db: Database;

beforeAll(async () => {
  if (!runMediaTests) return;
  media = await createMediaFixtures(mkdtempSync(path.join(tmpdir(), 'rollcall-media-')));
  plugnmeet = await startFakePlugNMeet();
  db = await openTestDatabase();
}, 120_000);
afterAll(async () => {
  await plugnmeet?.close();
  await db?.close();
});

async function waitFor(app: TestServer, recordId: string, status: string) {
  for (let i = 0; i < 300; i++) {
    const { data } = await app.graphql(RecordingsQuery, { first: 200 });
    const r = data!.recordings.find((x) => x.recordId === recordId);
    if (r?.status === status) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`recording ${recordId} never became ${status}`);
}

describe.runIf(runMediaTests)('recording downloads under restarts and missing tools', () => {
  it('resumes a download cut by a restart of Rollcall, and finishes it byte-identical', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rollcall-data-'));
    const size = readFileSync(media.video).length;
    plugnmeet.recordings.set('rec-restart', { file: media.video, bytesPerSecond: Math.ceil(size / 4) }); // ~4 s
    const first = await startTestServer({ db, dataDir, plugnmeetServerUrl: plugnmeet.url, downloader: FAST });
    const changes = subscribe(first.wsClient(), RecordingChangedSubscription, {});
    await changes.ready();
    const downloadsBefore = plugnmeet.counts.download;
    await postRecordingDone(first, 'rec-restart');
    await changes.next(2); // PROCESSING, DOWNLOADING
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // part of the file is on its way
    await first.close();

    plugnmeet.recordings.set('rec-restart', { file: media.video }); // full speed after the restart
    const second = await startTestServer({ db, dataDir, plugnmeetServerUrl: plugnmeet.url, downloader: FAST });
    try {
      const r = await waitFor(second, 'rec-restart', 'READY');
      expect(r.sha256).toBe(createHash('sha256').update(readFileSync(media.video)).digest('hex'));
      expect(r.fileSize).toBe(size);
      expect(plugnmeet.counts.download - downloadsBefore).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('without ffprobe/ffmpeg a recording is still READY, without duration, type or thumbnail', async () => {
    plugnmeet.recordings.set('rec-no-ffmpeg', { file: media.video });
    const app = await startTestServer({
      db,
      plugnmeetServerUrl: plugnmeet.url,
      downloader: { ...FAST, media: { ffprobePath: '/nonexistent/ffprobe', ffmpegPath: '/nonexistent/ffmpeg' } },
    });
    try {
      await postRecordingDone(app, 'rec-no-ffmpeg');
      const r = await waitFor(app, 'rec-no-ffmpeg', 'READY');
      expect(r).toMatchObject({
        durationSeconds: null,
        type: null,
        thumbnailUrl: null,
        url: `/recordings/${r.id}/file`,
      });
      const file = await fetch(`${app.url}${r.url}`);
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(readFileSync(media.video))).toBe(true);
    } finally {
      await app.close();
    }
  });
});
