// A run whose room_finished never comes is not live forever: once nobody is online and none of its
// events came for INFERRED_END_AFTER_SECONDS, it ends at its last leave, marked as inferred, and
// ENDED is published. Its own later events move or undo that end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferEnds } from '../../src/ingest/inferred-ends.ts';
import { LiveSessionChangedSubscription } from '../support/documents.ts';
import { participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

const T0 = 1_795_510_800; // 2026-11-24T09:00:00Z
const iso = (offset: number) => new Date((T0 + offset) * 1000).toISOString();

let app: TestServer;
let runs = 0;
let ids = 0;
const newRun = () => ({ roomId: `quiet-room-${++runs}`, roomSid: `RM_quiet_${runs}_${Date.now()}` });
const post = async (body: string) => {
  const response = await app.postWebhook(body);
  expect(response.status, body).toBe(200);
  return response.json();
};
const join = (run: ReturnType<typeof newRun>, who: string, at: number) =>
  post(
    participantEventBody(
      '04-participant_joined-student',
      run,
      { identity: who, sid: `PA_${who}`, joinedAt: T0 + at },
      T0 + at,
      `q-${++ids}`,
    ),
  );
const leave = (run: ReturnType<typeof newRun>, who: string, joinedAt: number, at: number) =>
  post(
    participantEventBody(
      '07-participant_left-student',
      run,
      { identity: who, sid: `PA_${who}`, joinedAt: T0 + joinedAt },
      T0 + at,
      `q-${++ids}`,
    ),
  );
/** Ends now the runs quiet for at least `quietMs` (what the periodic job does). */
const infer = async (quietMs = 0) => {
  const changes = await inferEnds(app.db.prisma, quietMs);
  app.changesCommitted();
  return changes;
};

beforeAll(async () => {
  app = await startTestServer({ inferredEndAfterMs: 600_000 });
});
afterAll(() => app?.close());

describe('the inferred end of a run whose room_finished is lost', () => {
  it('comes at the last leave once nobody is online and the run has been quiet, and is published', async () => {
    const run = newRun();
    const ended = subscribe(app.wsClient(), LiveSessionChangedSubscription, {});
    await ended.ready();
    await post(roomEventBody('02-room_started', run, T0, `q-${++ids}`));
    await join(run, 'ann', 60);
    await join(run, 'bob', 120);
    await leave(run, 'ann', 60, 1800);

    // someone is online: not ended, however long it is quiet
    expect(await infer()).toEqual([]);
    expect(await app.liveSession(run.roomId)).toMatchObject({ isLive: true, endInferred: false });

    await leave(run, 'bob', 120, 2400);
    // quiet, but not for long enough yet
    expect(await infer(60_000)).toEqual([]);
    expect(await infer()).toMatchObject([{ type: 'session', kind: 'ENDED', roomId: run.roomId }]);
    expect(await app.liveSession(run.roomId)).toMatchObject({
      isLive: false,
      endInferred: true,
      endedAt: iso(2400),
      onlineCount: 0,
    });

    const messages = await ended.next(2);
    expect(
      messages.map((m) => [m.data!.liveSessionChanged.kind, m.data!.liveSessionChanged.session.endInferred]),
    ).toEqual([
      ['STARTED', false],
      ['ENDED', true],
    ]);
    // once ended, nothing more to infer
    expect(await infer()).toEqual([]);
  });

  it("moves with the run's own later events: a later leave, a join that re-opens it, then its real end", async () => {
    const run = newRun();
    await join(run, 'cid', 0);
    await join(run, 'dee', 10);
    await leave(run, 'cid', 0, 600);
    await leave(run, 'dee', 10, 900);
    await infer();
    expect(await app.liveSession(run.roomId)).toMatchObject({ isLive: false, endInferred: true, endedAt: iso(900) });

    // a leave delivered late, dated later, moves the end to it
    await join(run, 'eve', 20);
    expect(await app.liveSession(run.roomId)).toMatchObject({
      isLive: true,
      endInferred: false,
      endedAt: null,
      onlineCount: 1,
    });
    await leave(run, 'eve', 20, 1200);
    await infer();
    const reEnded = await app.liveSession(run.roomId);
    expect(reEnded).toMatchObject({ isLive: false, endInferred: true, endedAt: iso(1200) });
    expect(reEnded!.attendances.find((a) => a.user.id === 'eve')).toMatchObject({
      attendedSeconds: 1180,
      isOnline: false,
    });

    // the run's real room_finished, arriving at last, sets the true end
    const real = await post(roomEventBody('09-room_finished', run, T0 + 1500, `q-${++ids}`));
    expect(real).toMatchObject({ result: 'applied', changes: [{ kind: 'ENDED' }] });
    expect(await app.liveSession(run.roomId)).toMatchObject({ isLive: false, endInferred: false, endedAt: iso(1500) });
  });

  it('ends a run by itself, a little after it has been quiet for INFERRED_END_AFTER_SECONDS', async () => {
    const quick = await startTestServer({ inferredEndAfterMs: 1_000 });
    try {
      const run = newRun();
      const ok = (r: Response) => expect(r.status).toBe(200);
      ok(
        await quick.postWebhook(
          participantEventBody(
            '04-participant_joined-student',
            run,
            { identity: 'fin', sid: 'PA_fin', joinedAt: T0 },
            T0,
            `q-${++ids}`,
          ),
        ),
      );
      ok(
        await quick.postWebhook(
          participantEventBody(
            '07-participant_left-student',
            run,
            { identity: 'fin', sid: 'PA_fin', joinedAt: T0 },
            T0 + 300,
            `q-${++ids}`,
          ),
        ),
      );
      expect(await quick.liveSession(run.roomId)).toMatchObject({ isLive: true });
      const deadline = Date.now() + 5_000;
      while ((await quick.liveSession(run.roomId))!.isLive && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await quick.liveSession(run.roomId)).toMatchObject({
        isLive: false,
        endInferred: true,
        endedAt: iso(300),
      });
    } finally {
      await quick.close();
    }
  });
});
