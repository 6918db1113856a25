// The audit trail (webhookEvents) and replayWebhookEvent against the real server: a replayed
// FAILED event is applied once, through the same path as a webhook.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFailed } from '../../src/ingest/inbox.ts';
import { storedFields } from '../../src/plugnmeet/webhook-body.ts';
import { LiveSessionQuery } from '../support/documents.ts';
import { ReplayWebhookEventMutation, WebhookEventsQuery } from '../support/ops-documents.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { joinBody, storeCounts, uniqueRoom } from '../support/webhook-helpers.ts';

const ADMIN = 'admin-token-0123456789abcdef';
let app: TestServer;

beforeAll(async () => {
  app = await startTestServer({ adminApiToken: ADMIN });
});
afterAll(() => app?.close());

/** A join whose application failed (the database gave out): kept as FAILED, as the receiver keeps it. */
async function failedJoin(room: string, identity: string) {
  const id = randomUUID();
  const body = joinBody({ room, identity, id });
  const json = JSON.parse(body);
  expect(
    await markFailed(
      app.db.prisma,
      { id, name: 'participant_joined', body, ...storedFields(json) },
      new Error('connection reset'),
    ),
  ).toBe(true);
  return id;
}

async function liveSession(roomId: string) {
  const { data, errors } = await app.graphql(LiveSessionQuery, { roomId }, ADMIN);
  expect(errors).toBeUndefined();
  return data!.liveSession ?? null;
}

const replay = (id: string, token = ADMIN) => app.graphql(ReplayWebhookEventMutation, { id }, token);

describe('replayWebhookEvent', () => {
  it('applies a FAILED event once; replaying it again changes nothing', async () => {
    const room = uniqueRoom('replay');
    const id = await failedJoin(room, 'replay-student');
    expect(await liveSession(room)).toBeNull();

    const first = await replay(id);
    expect(first.errors).toBeUndefined();
    expect(first.data!.replayWebhookEvent).toMatchObject({
      replayed: true,
      event: { id, status: 'APPLIED', attempts: 2, error: null },
    });
    const session = await liveSession(room);
    expect(session!.attendances.map((a) => [a.user.id, a.isOnline])).toEqual([['replay-student', true]]);

    const counts = await storeCounts(app.db.prisma);
    const changes = await app.db.prisma.change.count();
    const again = await replay(id);
    expect(again.data!.replayWebhookEvent).toMatchObject({
      replayed: false,
      event: { status: 'APPLIED', attempts: 2 },
    });
    expect(await storeCounts(app.db.prisma)).toEqual(counts);
    expect(await app.db.prisma.change.count()).toBe(changes);
  });

  it('applies a FAILED event once when two replays race', async () => {
    const room = uniqueRoom('replay-race');
    const id = await failedJoin(room, 'race-student');
    const results = await Promise.all([replay(id), replay(id), replay(id)]);
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    expect(results.filter((r) => r.data!.replayWebhookEvent.replayed)).toHaveLength(1);
    const session = await liveSession(room);
    expect(session!.attendances).toHaveLength(1);
    expect(session!.attendances[0].spans).toHaveLength(1);
  });

  it('leaves an applied event alone, and says why a REJECTED one still cannot be applied', async () => {
    const room = uniqueRoom('replay-applied');
    const id = randomUUID();
    expect((await app.postWebhook(joinBody({ room, identity: 'applied-student', id }))).status).toBe(200);
    const applied = await replay(id);
    expect(applied.data!.replayWebhookEvent).toMatchObject({
      replayed: false,
      event: { status: 'APPLIED', attempts: 1 },
    });

    const rejectedId = `rejected-${randomUUID()}`;
    expect(
      (await app.postWebhook(JSON.stringify({ event: 'participant_joined', id: rejectedId, room: { room_id: room } })))
        .status,
    ).toBe(400);
    const rejected = await replay(rejectedId);
    expect(rejected.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(rejected.errors?.[0].message).toMatch(/^Still not applicable: Invalid participant_joined event/);
    expect(
      await app.db.prisma.webhookEvent.findUnique({ where: { id: rejectedId }, select: { status: true } }),
    ).toEqual({ status: 'REJECTED' });

    const missing = await replay('no-such-event');
    expect(missing.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('is for admins only', async () => {
    const result = await app.graphql(WebhookEventsQuery, {}, undefined);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('webhookEvents', () => {
  it('filters by status, name, room and time, newest first, a page at a time', async () => {
    const room = uniqueRoom('audit');
    const since = new Date();
    const failed = await failedJoin(room, 'audit-failed');
    const applied = randomUUID();
    expect((await app.postWebhook(joinBody({ room, identity: 'audit-applied', id: applied }))).status).toBe(200);

    const all = await app.graphql(WebhookEventsQuery, { roomId: room }, ADMIN);
    expect(all.errors).toBeUndefined();
    expect(all.data!.webhookEvents.map((e) => [e.id, e.status])).toEqual([
      [applied, 'APPLIED'],
      [failed, 'FAILED'],
    ]);
    expect(all.data!.webhookEvents[1].error).toBe('connection reset');

    const onlyFailed = await app.graphql(WebhookEventsQuery, { roomId: room, status: 'FAILED' }, ADMIN);
    expect(onlyFailed.data!.webhookEvents.map((e) => e.id)).toEqual([failed]);
    const byName = await app.graphql(WebhookEventsQuery, { roomId: room, name: 'room_finished' }, ADMIN);
    expect(byName.data!.webhookEvents).toEqual([]);
    const before = await app.graphql(WebhookEventsQuery, { roomId: room, until: since.toISOString() }, ADMIN);
    expect(before.data!.webhookEvents).toEqual([]);

    const page1 = await app.graphql(WebhookEventsQuery, { roomId: room, since: since.toISOString(), first: 1 }, ADMIN);
    expect(page1.data!.webhookEvents.map((e) => e.id)).toEqual([applied]);
    const page2 = await app.graphql(WebhookEventsQuery, { roomId: room, first: 1, after: applied }, ADMIN);
    expect(page2.data!.webhookEvents.map((e) => e.id)).toEqual([failed]);
    const page3 = await app.graphql(WebhookEventsQuery, { roomId: room, first: 1, after: failed }, ADMIN);
    expect(page3.data!.webhookEvents).toEqual([]);
    const unknown = await app.graphql(WebhookEventsQuery, { roomId: room, after: 'not-an-event' }, ADMIN);
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
