// RETENTION_DAYS against the real server: on a database with a year of classes (a class a day,
// its attendances and spans, its webhooks), a retention run deletes exactly what is older than the
// limit and keeps the rest, in batches, through the service's periodic job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, scrape } from '../support/metrics.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DAYS = 90;
const DAY_MS = 86_400_000;
let app: TestServer;

beforeAll(async () => {
  app = await startTestServer({ retentionDays: DAYS });
});
afterAll(() => app?.close());

/** A class a day for a year: each starts at noon-ish (never near the cutoff), lasts an hour, with 3 students. */
async function yearOfClasses(now: number) {
  const prisma = app.db.prisma;
  await prisma.user.createMany({ data: ['s1', 's2', 's3'].map((id) => ({ id, name: `Student ${id}` })) });
  const sessions = [];
  for (let day = 0; day < 365; day++) {
    const startedAt = new Date(now - day * DAY_MS - 12 * 3_600_000);
    sessions.push({
      id: `class-${day}`,
      roomId: 'yearly-room',
      roomSid: `RM_${day}`,
      startedAt,
      endedAt: new Date(startedAt.getTime() + 3_600_000),
      createdAt: startedAt,
    });
  }
  await prisma.liveSession.createMany({ data: sessions });
  const attendances = sessions.flatMap((s) =>
    ['s1', 's2', 's3'].map((userId) => ({
      id: `${s.id}-${userId}`,
      sessionId: s.id,
      userId,
      firstJoinedAt: s.startedAt,
      lastLeftAt: s.endedAt,
    })),
  );
  await prisma.attendance.createMany({ data: attendances });
  await prisma.presenceSpan.createMany({
    data: attendances.map((a) => ({
      attendanceId: a.id,
      participantSid: `PA_${a.id}`,
      joinedAt: a.firstJoinedAt,
      leftAt: a.lastLeftAt,
    })),
  });
  await prisma.webhookEvent.createMany({
    data: sessions.map((s) => ({
      id: `evt-${s.id}`,
      name: 'room_finished',
      body: '{}',
      receivedAt: s.endedAt,
      status: 'APPLIED' as const,
    })),
  });
  // still live after a year (room_finished never came, inferred ends off): not older, however long ago it began
  await prisma.liveSession.create({
    data: { id: 'forever-live', roomId: 'stuck-room', roomSid: 'RM_stuck', startedAt: new Date(now - 300 * DAY_MS) },
  });
  // scheduled long ago, never started
  await prisma.liveSession.create({
    data: { id: 'never-started', roomId: 'planned-room', createdAt: new Date(now - 200 * DAY_MS) },
  });
}

describe('retention', () => {
  it('deletes exactly the classes and webhooks older than RETENTION_DAYS, and keeps the rest', async () => {
    const now = Date.now();
    await yearOfClasses(now);
    const before = await scrape(app.url);

    await app.server.retention!.runNow();

    const prisma = app.db.prisma;
    const keptDays = Array.from({ length: DAYS }, (_, day) => `class-${day}`);
    const sessions = (await prisma.liveSession.findMany({ select: { id: true } })).map((s) => s.id).sort();
    expect(sessions).toEqual([...keptDays, 'forever-live'].sort());
    expect(await prisma.attendance.count()).toBe(DAYS * 3);
    expect(await prisma.presenceSpan.count()).toBe(DAYS * 3);
    expect(await prisma.attendance.count({ where: { sessionId: { notIn: keptDays } } })).toBe(0);
    const events = (await prisma.webhookEvent.findMany({ select: { id: true } })).map((e) => e.id).sort();
    expect(events).toEqual(keptDays.map((id) => `evt-${id}`).sort());

    const after = await scrape(app.url);
    const deleted = (text: string, kind: string) => sample(text, 'rollcall_retention_deleted_total', { kind });
    expect(deleted(after, 'sessions') - deleted(before, 'sessions')).toBe(365 - DAYS + 1);
    expect(deleted(after, 'webhook_events') - deleted(before, 'webhook_events')).toBe(365 - DAYS);

    // a second run finds nothing more
    await app.server.retention!.runNow();
    expect(await prisma.liveSession.count()).toBe(DAYS + 1);
  });

  it('lets webhooks through while it deletes', async () => {
    const prisma = app.db.prisma;
    const old = new Date(Date.now() - 2 * DAYS * DAY_MS);
    await prisma.webhookEvent.createMany({
      data: Array.from({ length: 2_000 }, (_, i) => ({
        id: `old-${i}`,
        name: 'room_started',
        body: '{}',
        receivedAt: old,
        status: 'APPLIED' as const,
      })),
    });
    const run = app.server.retention!.runNow();
    const started = Date.now();
    const response = await app.postWebhook(
      JSON.stringify({ event: 'start_recording', id: `during-${started}`, room: { room_id: 'r', sid: 'RM_r' } }),
    );
    const answeredIn = Date.now() - started;
    expect(response.status).toBe(200);
    await run;
    expect(await prisma.webhookEvent.count({ where: { id: { startsWith: 'old-' } } })).toBe(0);
    expect(await prisma.webhookEvent.count({ where: { id: `during-${started}` } })).toBe(1);
    // one batch at most stands in its way, not the whole clean-up
    expect(answeredIn).toBeLessThan(2_000);
  });
});
