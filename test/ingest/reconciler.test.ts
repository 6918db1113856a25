// Reconciliation with PlugNMeet's API (a fake PlugNMeet on loopback): a room_finished or a
// participant_left that never arrived is applied from what PlugNMeet reports going on, stored as an
// event, and published like any other; nothing is ended on one look, on a room PlugNMeet still
// describes, or when PlugNMeet's answer is an error; an error about one room holds back no other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttendanceChangedSubscription, LiveSessionChangedSubscription } from '../support/documents.ts';
import { startFakePlugNMeet, type FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { ROOM_NOT_ACTIVE } from '../support/plugnmeet-room-answers.ts';
import { participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

const T0 = 1_795_510_800; // 2026-11-24T09:00:00Z, well over the grace period ago
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

let fake: FakePlugNMeet;
let app: TestServer;
beforeAll(async () => {
  fake = await startFakePlugNMeet();
  app = await startTestServer({ plugnmeetServerUrl: fake.url, reconcile: { graceMs: 60_000 } });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

let runs = 0;
let ids = 0;
function freshRun() {
  runs += 1;
  return {
    roomId: `reconcile-${runs}-${Date.now().toString(36)}`,
    roomSid: `RM_reconcile_${runs}_${Date.now().toString(36)}`,
  };
}
type Run = ReturnType<typeof freshRun>;

async function post(body: string) {
  const response = await app.postWebhook(body);
  expect(response.status, await response.clone().text()).toBe(200);
}

async function startWith(run: Run, people: { identity: string; sid: string }[]) {
  await post(roomEventBody('02-room_started', run, T0, `rc-${++ids}`));
  for (const [i, p] of people.entries()) {
    await post(
      participantEventBody(
        '04-participant_joined-student',
        run,
        { ...p, joinedAt: T0 + 10 + i },
        T0 + 10 + i,
        `rc-${++ids}`,
      ),
    );
  }
}

const session = async (roomId: string) => (await app.liveSession(roomId))!;

describe('reconciliation with PlugNMeet', () => {
  it('ends a run PlugNMeet no longer reports, on the second look, at the time of the first, and publishes it', async () => {
    const run = freshRun();
    await startWith(run, [
      { identity: 'ada', sid: 'PA_ada' },
      { identity: 'ben', sid: 'PA_ben' },
    ]);
    const other = freshRun(); // still going: untouched
    await startWith(other, [{ identity: 'cy', sid: 'PA_cy' }]);
    fake.rooms.set(other.roomSid, { ...other, participants: [{ sid: 'PA_cy', identity: 'cy' }] });

    const ends = subscribe(app.wsClient(), LiveSessionChangedSubscription, {});
    const leaves = subscribe(app.wsClient(), AttendanceChangedSubscription, { roomId: run.roomId });
    await Promise.all([ends.ready(), leaves.ready()]);

    const firstLook = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(await app.reconciler!.sweep(firstLook)).toEqual({ applied: [] });
    expect((await session(run.roomId)).isLive).toBe(true);

    const secondLook = new Date(firstLook.getTime() + 60_000);
    expect(await app.reconciler!.sweep(secondLook)).toEqual({ applied: [`reconciled:room_finished:${run.roomSid}`] });

    const ended = await session(run.roomId);
    expect(ended).toMatchObject({ isLive: false, endedAt: firstLook.toISOString(), onlineCount: 0 });
    for (const a of ended.attendances) {
      expect(a, a.user.id).toMatchObject({ isOnline: false, spans: [{ leftAt: firstLook.toISOString() }] });
    }
    expect(await session(other.roomId)).toMatchObject({ isLive: true, onlineCount: 1 });

    const [end] = await ends.next(1);
    expect(end.data?.liveSessionChanged).toMatchObject({
      kind: 'ENDED',
      session: { roomId: run.roomId, isLive: false },
    });
    const left = await leaves.next(2);
    expect(
      left.map((l) => [l.data?.attendanceChanged.kind, l.data?.attendanceChanged.attendance.user.id]).sort(),
    ).toEqual([
      ['LEFT', 'ada'],
      ['LEFT', 'ben'],
    ]);

    // stored like a webhook, marked as Rollcall's own
    const stored = await app.db.prisma.webhookEvent.findUniqueOrThrow({
      where: { id: `reconciled:room_finished:${run.roomSid}` },
    });
    expect(stored).toMatchObject({
      name: 'room_finished',
      status: 'APPLIED',
      roomId: run.roomId,
      roomSid: run.roomSid,
    });
    expect(JSON.parse(stored.body)).toMatchObject({ rollcall: { reconciled: true } });

    // another look (or another instance) does it no second time; the late real room_finished, which
    // knows when the room really ended, sets the true end
    expect(await app.reconciler!.sweep(new Date(secondLook.getTime() + 60_000))).toEqual({ applied: [] });
    const late = await app.postWebhook(roomEventBody('09-room_finished', run, T0 + 3600, `rc-${++ids}`));
    expect(await late.json()).toMatchObject({ result: 'applied', changes: [{ kind: 'ENDED' }] });
    expect((await session(run.roomId)).endedAt).toBe(new Date((T0 + 3600) * 1000).toISOString());
  });

  it('closes the span of a connection PlugNMeet no longer lists, and leaves the others online', async () => {
    const run = freshRun();
    await startWith(run, [
      { identity: 'dee', sid: 'PA_dee' },
      { identity: 'eve', sid: 'PA_eve_laptop' },
    ]);
    // eve's laptop left (lost webhook) and she is back on her phone, which Rollcall has not heard of yet
    fake.rooms.set(run.roomSid, {
      ...run,
      participants: [
        { sid: 'PA_dee', identity: 'dee' },
        { sid: 'PA_eve_phone', identity: 'eve' },
      ],
    });
    const look = new Date(Math.floor(Date.now() / 1000) * 1000);
    await app.reconciler!.sweep(look);
    expect(await app.reconciler!.sweep(new Date(look.getTime() + 60_000))).toEqual({
      applied: [`reconciled:participant_left:${run.roomSid}:PA_eve_laptop`],
    });

    const s = await session(run.roomId);
    expect(s).toMatchObject({ isLive: true, onlineCount: 1 });
    const byUser = Object.fromEntries(s.attendances.map((a) => [a.user.id, a]));
    expect(byUser.dee).toMatchObject({ isOnline: true, spans: [{ joinedAt: iso(T0 + 10), leftAt: null }] });
    expect(byUser.eve).toMatchObject({
      isOnline: false,
      spans: [{ joinedAt: iso(T0 + 11), leftAt: look.toISOString() }],
    });
    expect(byUser.eve.user.name).toBeTruthy(); // the lost leave carries no name: the user keeps theirs
  });

  it('ends nothing on one look, on a room only left out of the list, or when PlugNMeet answers an error', async () => {
    const unlisted = freshRun();
    await startWith(unlisted, [{ identity: 'fay', sid: 'PA_fay' }]);
    fake.rooms.set(unlisted.roomSid, {
      ...unlisted,
      participants: [{ sid: 'PA_fay', identity: 'fay' }],
      unlisted: true,
    });
    const gone = freshRun();
    await startWith(gone, [{ identity: 'gus', sid: 'PA_gus' }]);

    const look = Date.now();
    fake.roomsFailure = 'database is not reachable';
    await expect(app.reconciler!.sweep(new Date(look))).rejects.toThrow(/database is not reachable/);
    await expect(app.reconciler!.sweep(new Date(look + 60_000))).rejects.toThrow(/database is not reachable/);
    fake.roomsFailure = undefined;

    // the failed looks counted for nothing: this is the first one that saw `gone` ended
    expect(await app.reconciler!.sweep(new Date(look + 120_000))).toEqual({ applied: [] });
    expect((await session(gone.roomId)).isLive).toBe(true);
    expect(await app.reconciler!.sweep(new Date(look + 180_000))).toEqual({
      applied: [`reconciled:room_finished:${gone.roomSid}`],
    });
    // PlugNMeet still describes the unlisted room when asked about it
    expect(await session(unlisted.roomId)).toMatchObject({ isLive: true, onlineCount: 1 });
  });

  it('an error about one room holds back no other: the rooms PlugNMeet says are gone end in the same look', async () => {
    // Runs PlugNMeet fails to answer about (whichever order they are asked in, before or after the others).
    const troubled = freshRun();
    await startWith(troubled, [{ identity: 'hal', sid: 'PA_hal' }]);
    const unknownCode = freshRun();
    await startWith(unknownCode, [{ identity: 'ivy', sid: 'PA_ivy' }]);
    // Then the runs PlugNMeet says are gone, each as 2.4 answers it.
    const notFound = freshRun(); // not in fake.rooms: ROOM_NOT_FOUND "room not found in active state"
    await startWith(notFound, [{ identity: 'jo', sid: 'PA_jo' }]);
    const notActive = freshRun();
    await startWith(notActive, [{ identity: 'kim', sid: 'PA_kim' }]);

    fake.roomAnswers.set(troubled.roomId, { httpStatus: 500, body: '{"status":false,"msg":"internal server error"}' });
    fake.roomAnswers.set(unknownCode.roomId, {
      body: '{"status":false,"msg":"room not found in active state","status_code":"SOMETHING_NEW","room":null}',
    });
    fake.roomAnswers.set(notActive.roomId, { body: ROOM_NOT_ACTIVE });

    const firstLook = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(await app.reconciler!.sweep(firstLook)).toEqual({ applied: [] });
    const asked = fake.counts.activeRoom;
    const { applied } = await app.reconciler!.sweep(new Date(firstLook.getTime() + 60_000));
    expect(fake.counts.activeRoom - asked).toBeGreaterThanOrEqual(4); // every suspect was asked about
    expect(applied.sort()).toEqual(
      [`reconciled:room_finished:${notActive.roomSid}`, `reconciled:room_finished:${notFound.roomSid}`].sort(),
    );
    for (const run of [notFound, notActive]) {
      expect(await session(run.roomId), run.roomId).toMatchObject({
        isLive: false,
        endedAt: firstLook.toISOString(),
        onlineCount: 0,
      });
    }
    for (const run of [troubled, unknownCode]) {
      expect(await session(run.roomId), run.roomId).toMatchObject({ isLive: true, onlineCount: 1 });
    }

    // PlugNMeet answers about the troubled room again: it ends at the next look, at the time it was first found missing.
    fake.roomAnswers.delete(troubled.roomId);
    expect(await app.reconciler!.sweep(new Date(firstLook.getTime() + 120_000))).toEqual({
      applied: [`reconciled:room_finished:${troubled.roomSid}`],
    });
    expect(await session(troubled.roomId)).toMatchObject({ isLive: false, endedAt: firstLook.toISOString() });
    // An unknown status_code is never taken for "gone".
    expect(await session(unknownCode.roomId)).toMatchObject({ isLive: true, onlineCount: 1 });
    fake.roomAnswers.delete(unknownCode.roomId);
    fake.roomAnswers.delete(notActive.roomId);
  });
});
