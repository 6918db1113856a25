// Subscribers with the same document, variables and viewer share one execution per event: the
// database work per event does not grow with the audience, and each socket still gets its own
// protocol messages (its own subscription id), and leaves without disturbing the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttendanceChangedSubscription } from '../support/documents.ts';
import { fixtureWith } from '../support/plugnmeet.ts';
import { requestStatements, startTestServer, subscribe, type TestServer } from '../support/server.ts';

const statements: string[] = [];
let app: TestServer;
let n = 0;

beforeAll(async () => {
  app = await startTestServer({ onQuery: (sql) => statements.push(sql) });
});
afterAll(() => app?.close());

const join = (room: string) =>
  fixtureWith('04-participant_joined-student', (e) => {
    n++;
    e.id = `mux-${n}`;
    e.room.room_id = room;
    e.room.sid = `RM_${room}`;
    e.participant.identity = `mux-user-${n}`;
    e.participant.sid = `PA_mux_${n}`;
  });

/** SQL statements for one join: the webhook's own, plus what its delivery to the subscribers reads. */
async function statementsFor(room: string, expectEach: Array<ReturnType<typeof subscribe>>, count: number) {
  statements.length = 0;
  const response = await app.postWebhook(join(room));
  expect(response.status).toBe(200);
  await Promise.all(expectEach.map((s) => s.next(count)));
  await new Promise((resolve) => setTimeout(resolve, 100)); // anything still running
  return requestStatements(statements).length;
}

describe('subscription cohorts', () => {
  it('serves 20 identical subscribers with the database work of one', async () => {
    // the rooms' sessions exist first, so every measured join does the same writes
    for (const room of ['mux-room-a', 'mux-room-nobody']) expect((await app.postWebhook(join(room))).status).toBe(200);
    const one = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: 'mux-room-a' });
    await one.ready();
    const webhookOnly = await statementsFor('mux-room-nobody', [], 0);
    const alone = await statementsFor('mux-room-a', [one], 1);
    expect(alone).toBeGreaterThan(webhookOnly); // the delivery reads the attendance and session

    const crowd = Array.from({ length: 19 }, () =>
      subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: 'mux-room-a' }),
    );
    await Promise.all(crowd.map((s) => s.ready()));
    expect(app.server.cohorts.stats()).toMatchObject({ cohorts: 1, members: 20 });
    const together = await statementsFor('mux-room-a', [one, ...crowd], 1);
    expect(together).toBe(alone);
    for (const s of crowd) {
      expect(s.received[0].data!.attendanceChanged.kind).toBe('JOINED');
      expect(s.received[0].data!.attendanceChanged.attendance.user.id).toBe(`mux-user-${n}`);
    }
    expect(one.received[1]).toEqual(crowd[0].received[0]);
  });

  it('keeps serving the others when one subscriber leaves, and ends the cohort with the last', async () => {
    const a = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: 'mux-room-b' });
    const b = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: 'mux-room-b' });
    await Promise.all([a.ready(), b.ready()]);
    const before = app.server.cohorts.stats().cohorts;
    a.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await statementsFor('mux-room-b', [b], 1);
    expect(a.received).toHaveLength(0);
    b.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.server.cohorts.stats().cohorts).toBe(before - 1);
  });

  it('keeps different variables apart', async () => {
    const c = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: 'mux-room-c' });
    const d = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: 'mux-room-d' });
    await Promise.all([c.ready(), d.ready()]);
    await statementsFor('mux-room-c', [c], 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(d.received).toHaveLength(0);
    expect(c.received[0].data!.attendanceChanged.session.roomId).toBe('mux-room-c');
  });
});
