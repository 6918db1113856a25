// /metrics against the real server: each metric moves with what it counts (a scrape before and
// after), labels stay bounded, and METRICS_TOKEN guards the endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSessionChangedSubscription } from '../support/documents.ts';
import { startFakePlugNMeet, type FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { sample, scrape } from '../support/metrics.ts';
import { fixtureWith } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';
import { joinBody, uniqueRoom } from '../support/webhook-helpers.ts';

const TOKEN = 'metrics-token-0123456789';
let app: TestServer;
let plugnmeet: FakePlugNMeet;

beforeAll(async () => {
  plugnmeet = await startFakePlugNMeet();
  app = await startTestServer({
    metricsToken: TOKEN,
    plugnmeetServerUrl: plugnmeet.url,
    downloader: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 2, pollMs: 100, leaseMs: 3_000 },
  });
});
afterAll(async () => {
  await app?.close();
  await plugnmeet?.close();
});

const metrics = () => scrape(app.url, TOKEN);
const events = (text: string, event: string, outcome: string) =>
  sample(text, 'rollcall_webhook_events_total', { event, outcome });

describe('/metrics', () => {
  it('refuses a scrape without the token, or with another one', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const text = await metrics();
    expect(text).toContain('# TYPE rollcall_webhook_events_total counter');
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts an applied webhook, then its duplicate, and times both; no room or user id in any label', async () => {
    const room = uniqueRoom('metrics-dup');
    const body = joinBody({ room, identity: 'metrics-user-4711' });
    const before = await metrics();
    expect((await app.postWebhook(body)).status).toBe(200);
    const middle = await metrics();
    expect(events(middle, 'participant_joined', 'applied') - events(before, 'participant_joined', 'applied')).toBe(1);
    expect(events(middle, 'participant_joined', 'duplicate')).toBe(events(before, 'participant_joined', 'duplicate'));
    expect(await (await app.postWebhook(body)).json()).toMatchObject({ duplicate: true });
    const after = await metrics();
    expect(events(after, 'participant_joined', 'duplicate') - events(middle, 'participant_joined', 'duplicate')).toBe(
      1,
    );
    expect(events(after, 'participant_joined', 'applied')).toBe(events(middle, 'participant_joined', 'applied'));
    expect(
      sample(after, 'rollcall_webhook_duration_seconds_count') -
        sample(before, 'rollcall_webhook_duration_seconds_count'),
    ).toBe(2);
    expect(after).not.toContain(room);
    expect(after).not.toContain('metrics-user-4711');
  });

  it('counts rejected bodies by reason: unusable, bad signature, not JSON, no event', async () => {
    const before = await metrics();
    const unusable = JSON.stringify({
      event: 'participant_joined',
      id: `unusable-${Date.now()}`,
      room: { room_id: 'x' },
    });
    expect((await app.postWebhook(unusable)).status).toBe(400);
    expect(
      (await app.postWebhook('{"event":"room_started"}', { headers: { 'content-type': 'application/json' } })).status,
    ).toBe(403);
    expect((await app.postWebhook('not json')).status).toBe(400);
    expect((await app.postWebhook('{"id":"no-event"}')).status).toBe(400);
    const after = await metrics();
    const reason = (text: string, r: string) => sample(text, 'rollcall_webhook_rejections_total', { reason: r });
    for (const r of ['unusable', 'signature', 'invalid_json', 'missing_event'])
      expect(reason(after, r) - reason(before, r), r).toBe(1);
    expect(events(after, 'participant_joined', 'rejected') - events(before, 'participant_joined', 'rejected')).toBe(1);
    expect(events(after, 'unknown', 'rejected') - events(before, 'unknown', 'rejected')).toBe(3);
  });

  it('names events it does not know `other`, and counts ignored ones', async () => {
    const before = await metrics();
    const body = (event: string) =>
      JSON.stringify({ event, id: `${event}-${Date.now()}`, room: { room_id: 'r', sid: 'RM_r' } });
    expect((await app.postWebhook(body('start_recording'))).status).toBe(200);
    expect((await app.postWebhook(body('made_up_event_name'))).status).toBe(200);
    const after = await metrics();
    expect(events(after, 'start_recording', 'ignored') - events(before, 'start_recording', 'ignored')).toBe(1);
    expect(events(after, 'other', 'ignored') - events(before, 'other', 'ignored')).toBe(1);
    expect(after).not.toContain('made_up_event_name');
  });

  it('counts a failed recording job', async () => {
    const recordId = `metrics-rec-${Date.now()}`;
    plugnmeet.recordings.set(recordId, { file: '/nonexistent.mp4', statusFalse: 'recording file not found' });
    const withId = (name: string, suffix: string) =>
      fixtureWith(name, (e) => {
        e.id = `${recordId}-${suffix}`;
        e.recording_info.record_id = recordId;
        e.recording_info.file_path = `node_01/${recordId}.mp4`;
      });
    const jobs = (text: string, outcome: string) => sample(text, 'rollcall_recording_jobs_total', { outcome });
    const before = await metrics();
    expect((await app.postWebhook(withId('08-end_recording', 'end'))).status).toBe(200);
    expect((await app.postWebhook(withId('10-recording_proceeded', 'ready'))).status).toBe(200);
    let after = before;
    for (let i = 0; i < 100 && jobs(after, 'failed') === jobs(before, 'failed'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await metrics();
    }
    // PlugNMeet says the file is gone: no retry, one failed attempt
    expect(jobs(after, 'failed') - jobs(before, 'failed')).toBe(1);
    expect(jobs(after, 'retrying')).toBe(jobs(before, 'retrying'));
    expect(jobs(after, 'succeeded')).toBe(jobs(before, 'succeeded'));
  });

  it('follows open subscriptions and sockets, and times a change from commit to subscriber', async () => {
    const before = await metrics();
    const client = app.wsClient();
    const sub = subscribe(client, LiveSessionChangedSubscription, {});
    await sub.ready();
    const open = await metrics();
    expect(sample(open, 'rollcall_subscriptions_active') - sample(before, 'rollcall_subscriptions_active')).toBe(1);
    expect(sample(open, 'rollcall_websockets_active') - sample(before, 'rollcall_websockets_active')).toBe(1);
    expect((await app.postWebhook(joinBody({ room: uniqueRoom('metrics-delay') }))).status).toBe(200);
    await sub.next(1);
    const delivered = await metrics();
    expect(sample(delivered, 'rollcall_publish_delay_seconds_count')).toBeGreaterThan(
      sample(before, 'rollcall_publish_delay_seconds_count'),
    );
    await client.dispose();
    let closed = delivered;
    for (
      let i = 0;
      i < 50 && sample(closed, 'rollcall_websockets_active') !== sample(before, 'rollcall_websockets_active');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
      closed = await metrics();
    }
    expect(sample(closed, 'rollcall_subscriptions_active')).toBe(sample(before, 'rollcall_subscriptions_active'));
    expect(sample(closed, 'rollcall_websockets_active')).toBe(sample(before, 'rollcall_websockets_active'));
  });

  it('counts GraphQL operations by type, not by name', async () => {
    const before = await metrics();
    await app.liveSession('no-such-room');
    const after = await metrics();
    const requests = (text: string) => sample(text, 'graphql_envelop_request', { operationType: 'query' });
    expect(requests(after) - requests(before)).toBe(1);
    expect(after).not.toMatch(/operationName=/);
  });
});
