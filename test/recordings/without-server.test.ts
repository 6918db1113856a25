// Without PLUGNMEET_SERVER_URL a recording is listed, and waits: no download is tried, so none of
// its attempts are spent failing, and an instance (or a restart) that has the address takes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingsQuery } from '../support/documents.ts';
import { fixture } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer({ downloader: { pollMs: 50, baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 2 } });
});
afterAll(() => app?.close());

describe('recordings on an instance without PLUGNMEET_SERVER_URL', () => {
  it('are listed as PROCESSING and left untouched, however long one waits', async () => {
    for (const name of ['01-room_created', '02-room_started', '08-end_recording', '10-recording_proceeded']) {
      expect((await app.postWebhook(fixture(name))).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // ten polls of a downloader, had there been one
    const { data, errors } = await app.graphql(RecordingsQuery, {});
    expect(errors).toBeUndefined();
    expect(data!.recordings).toEqual([expect.objectContaining({ status: 'PROCESSING', fileName: null })]);
    const stored = await app.db.prisma.recording.findFirstOrThrow();
    expect(stored).toMatchObject({ fileReady: true, attempts: 0, error: null, leaseOwner: null });
  });
});
