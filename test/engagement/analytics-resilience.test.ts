// The analytics import under bad files, a restart and two instances: reported, never partial, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { openTestDatabase } from '../support/database.ts';
import { startFakePlugNMeet, type FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  ANALYTICS_FILE,
  attendancesOf,
  FAST,
  importOf,
  inRun,
  newRun,
  playClass,
  post,
  serve,
} from './analytics-support.ts';

let plugnmeet: FakePlugNMeet;
let db: Database;
let app: TestServer;

beforeAll(async () => {
  plugnmeet = await startFakePlugNMeet();
  db = await openTestDatabase();
  app = await startTestServer({ db, plugnmeetServerUrl: plugnmeet.url, analytics: { ...FAST, maxFileBytes: 10_000 } });
});
afterAll(async () => {
  await app?.close();
  await plugnmeet?.close();
  await db?.close();
});

async function failsWith(body: string | Buffer, extra: Parameters<typeof serve>[2] = {}) {
  const run = newRun();
  await playClass(app, run);
  serve(plugnmeet, run, { body, ...extra });
  await post(app, inRun('17-artifact_created-analytics', run));
  const row = await importOf(db, run, 'FAILED');
  const shown = await attendancesOf(app, run.roomId);
  expect(shown['1001'].engagement).toBeNull();
  expect(shown['27'].engagement).toBeNull();
  expect(row.attempts).toBe(1); // not retried: the same file would fail again
  return row;
}

describe('bad analytics files', () => {
  it('a file that is not JSON fails the import, kept as text', async () => {
    const row = await failsWith('{"room":{},"users":[{"user_id":"1001"');
    expect(row.error).toMatch(/^malformed analytics file artifact-.*: not JSON/);
    expect(row.file).toBe('{"room":{},"users":[{"user_id":"1001"');
  });

  it('one bad part fails the whole file: nothing of it is shown', async () => {
    const file = JSON.parse(ANALYTICS_FILE);
    file.users[1].events[0].values = [{ time: 'yesterday', value: 'ANALYTICS_STATUS_STARTED' }];
    const row = await failsWith(JSON.stringify(file));
    expect(row.error).toMatch(/^malformed analytics file: users\.1\.events\.0\.values\.0\.time: /);
    expect(row.file).toMatchObject({ users: expect.any(Array) });
  });

  it('a file PlugNMeet says is too large is not downloaded', async () => {
    const downloads = plugnmeet.counts.artifactDownload;
    const row = await failsWith(ANALYTICS_FILE, { announcedSize: 50_000_000 });
    expect(row.error).toMatch(/is 50000000 bytes, more than the 10000 allowed/);
    expect(plugnmeet.counts.artifactDownload).toBe(downloads);
  });

  it('a file larger than announced is cut off at the limit', async () => {
    const huge = JSON.stringify({ room: {}, users: [], padding: 'x'.repeat(20_000) });
    const row = await failsWith(huge, { announcedSize: 100 });
    expect(row.error).toMatch(/is 20\d{3} bytes, more than the 10000 allowed/);
    expect(row.file).toBeNull();
  });

  it('an artifact of another run is refused', async () => {
    const run = newRun();
    await playClass(app, run);
    plugnmeet.artifacts.set(run.fileId, { roomId: run.roomId, roomSid: 'RM_someone_else', body: ANALYTICS_FILE });
    await post(app, inRun('17-artifact_created-analytics', run));
    expect((await importOf(db, run, 'FAILED')).error).toBe(
      `artifact ${run.fileId} is the analytics of run RM_someone_else, not of run ${run.roomSid}`,
    );
  });
});

describe('the analytics import across restarts and instances', () => {
  it('is resumed after a restart', async () => {
    const run = newRun();
    await playClass(app, run);
    serve(plugnmeet, run, { failCalls: 1_000 });
    await post(app, inRun('17-artifact_created-analytics', run));
    await importOf(db, run, 'PENDING');
    await app.close();
    // waiting for its next attempt, or stopped in the middle of one: either way no lease is left
    expect(await db.prisma.analyticsImport.findUniqueOrThrow({ where: { roomSid: run.roomSid } })).toMatchObject({
      status: expect.stringMatching(/^(PENDING|DOWNLOADING)$/),
      leaseOwner: null,
    });

    plugnmeet.artifacts.get(run.fileId)!.failCalls = 0;
    app = await startTestServer({
      db,
      plugnmeetServerUrl: plugnmeet.url,
      analytics: { ...FAST, maxFileBytes: 10_000 },
    });
    expect(await importOf(db, run, 'IMPORTED')).toMatchObject({ error: null });
    expect((await attendancesOf(app, run.roomId))['1001'].engagement).toMatchObject({ reactions: 3 });
  });

  it('runs once with two instances on the same database, whichever gets the webhooks', async () => {
    const other = await startTestServer({ db, plugnmeetServerUrl: plugnmeet.url, analytics: FAST });
    try {
      const runs = Array.from({ length: 4 }, newRun);
      const before = plugnmeet.counts.artifactDownload;
      for (const run of runs) {
        await playClass(app, run);
        serve(plugnmeet, run);
      }
      // both events of each pair, each to another instance, at once
      await Promise.all(
        runs.flatMap((run) => [
          post(app, inRun('17-artifact_created-analytics', run)),
          post(other, inRun('16-analytics_proceeded', run)),
        ]),
      );
      for (const run of runs) expect(await importOf(db, run, 'IMPORTED')).toMatchObject({ attempts: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(plugnmeet.counts.artifactDownload - before).toBe(runs.length);
      expect(
        await db.prisma.engagement.count({
          where: { attendance: { session: { roomSid: { in: runs.map((r) => r.roomSid) } } } },
        }),
      ).toBe(runs.length * 2);
    } finally {
      await other.close();
    }
  });
});
