// Dashboards of different users who may read the same courses share a cohort; a user who may
// read other courses gets their own, and only what they may read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSessionChangedSubscription, UpsertCourseMutation } from '../support/documents.ts';
import { fixtureWith } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';
import { DASHBOARD_SECRET, dashboardToken } from '../support/tokens.ts';

const ADMIN = 'cohort-admin-token-0123456789';
let app: TestServer;

beforeAll(async () => {
  app = await startTestServer({ adminApiToken: ADMIN, dashboard: { secret: DASHBOARD_SECRET } });
  for (const [slug, managers] of [
    ['geometry', ['t1', 't2', 't3']],
    ['biology', ['t4']],
  ] as const) {
    const result = await app.graphql(UpsertCourseMutation, { slug, title: slug, managerIds: [...managers] }, ADMIN);
    expect(result.errors).toBeUndefined();
  }
});
afterAll(() => app?.close());

const start = (slug: string) =>
  fixtureWith('02-room_started', (e) => {
    e.id = `start-${slug}`;
    e.room.room_id = `${slug}-20261124090000`;
    e.room.sid = `RM_${slug}`;
  });

describe('cohorts by what the viewer may read', () => {
  it('shares one execution between managers of the same course, and keeps others apart', async () => {
    const before = app.server.cohorts.stats();
    const teachers = await Promise.all(['t1', 't2', 't3', 't4'].map((sub) => dashboardToken(sub)));
    const subs = teachers.map((token) => subscribe(app.wsClient(token), LiveSessionChangedSubscription, {}));
    await Promise.all(subs.map((s) => s.ready()));
    expect(app.server.cohorts.stats()).toEqual({ cohorts: before.cohorts + 2, members: before.members + 4 });

    for (const slug of ['geometry', 'biology']) expect((await app.postWebhook(start(slug))).status).toBe(200);
    const geometry = await Promise.all(subs.slice(0, 3).map((s) => s.next(1)));
    for (const [received] of geometry) expect(received.data!.liveSessionChanged.session.course?.slug).toBe('geometry');
    const [biology] = await subs[3].next(1);
    expect(biology.data!.liveSessionChanged.session.course?.slug).toBe('biology');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(subs.map((s) => s.received.length)).toEqual([1, 1, 1, 1]);
  });
});
