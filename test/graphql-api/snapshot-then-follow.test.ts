// A client that loads a snapshot and then follows live: the cursor read before the snapshot loses
// nothing committed after it; and links to recording files signed for a <video> element.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlSigner } from '../../src/lib/signed-urls.ts';
import { AttendanceCursorQuery, ResumableAttendanceSubscription } from '../support/documents.ts';
import { API_SECRET, participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer({ adminApiToken: 'admin-token-0123456789abcdef' });
});
afterAll(() => app.close());

const now = () => Math.floor(Date.now() / 1000);

describe('attendanceCursor', () => {
  it('is where a subscription picks up every change committed after it was read', async () => {
    const run = { roomId: `follow-${Date.now()}`, roomSid: 'RM_follow' };
    await app.postWebhook(roomEventBody('02-room_started', run, now() - 60, `${run.roomId}-start`));
    await app.postWebhook(
      participantEventBody(
        '04-participant_joined-student',
        run,
        { identity: 'before', sid: 'PA_before', joinedAt: now() - 30 },
        now(),
        'j-before',
      ),
    );
    const { data } = await app.graphql(AttendanceCursorQuery, { roomId: run.roomId }, 'admin-token-0123456789abcdef');
    // committed after the cursor, before anyone subscribes: the gap a snapshot-then-subscribe client has
    await app.postWebhook(
      participantEventBody(
        '04-participant_joined-student',
        run,
        { identity: 'gap', sid: 'PA_gap', joinedAt: now() },
        now(),
        'j-gap',
      ),
    );
    await app.changesDelivered();
    const sub = subscribe(app.wsClient('admin-token-0123456789abcdef'), ResumableAttendanceSubscription, {
      roomId: run.roomId,
      after: data!.attendanceCursor,
    });
    const [first] = await sub.next(1);
    expect(first.data!.attendanceChanged.attendance.user.id).toBe('gap');
    expect(sub.received).toHaveLength(1);
    sub.unsubscribe();
  });
});

describe('signed links to recording files', () => {
  const signer = createUrlSigner(API_SECRET);

  it('are accepted without credentials on their own path only, until they expire', async () => {
    const link = signer.sign('/recordings/no-such-recording/file', 60);
    // authorized by the signature: the answer is about the recording, not the credentials
    expect((await fetch(`${app.url}${link}`)).status).toBe(404);
    const otherPath = link.replace('/file?', '/thumbnail?');
    expect((await fetch(`${app.url}${otherPath}`)).status).toBe(401);
    const tampered = link.replace(/expires=(\d+)/, (_m, e) => `expires=${Number(e) + 3600}`);
    expect((await fetch(`${app.url}${tampered}`)).status).toBe(401);
    const expired = createUrlSigner(API_SECRET, () => Date.now() - 3_600_000).sign(
      '/recordings/no-such-recording/file',
      60,
    );
    expect((await fetch(`${app.url}${expired}`)).status).toBe(401);
    const otherKey = createUrlSigner('another-secret').sign('/recordings/no-such-recording/file', 60);
    expect((await fetch(`${app.url}${otherKey}`)).status).toBe(401);
  });
});
