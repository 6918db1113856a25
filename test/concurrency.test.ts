// Concurrent deliveries through the real HTTP server (SPEC section 4): PlugNMeet posts many events
// at once, redelivers while the first delivery is still running, and the first events of a run race
// each other. None of it may create two sessions for one run, two attendances for one user, or a
// second effect of one event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpsertCourseMutation } from './support/documents.ts';
import { fixtureWith, participantEventBody, roomEventBody } from './support/plugnmeet.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const T0 = 1_795_510_800; // 2026-11-24T09:00:00Z
const iso = (offset: number) => new Date((T0 + offset) * 1000).toISOString();

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

let runs = 0;
/** A room run no other test uses; room ids of the form <slug>-<14 digits>. */
function freshRun(slug = 'concurrency') {
  runs += 1;
  return { roomId: `${slug}-${String(20261124090000 + runs)}`, roomSid: `RM_conc_${runs}_${Date.now().toString(36)}` };
}
type Run = ReturnType<typeof freshRun>;

let eventIds = 0;
const nextEventId = () => `conc-${Date.now().toString(36)}-${++eventIds}`;

const roomBody = (
  fixture: '01-room_created' | '02-room_started' | '09-room_finished',
  run: Run,
  offset: number,
  id = nextEventId(),
) => roomEventBody(fixture, run, T0 + offset, id);

/** A session_ended of `run` (PlugNMeet's other end event: the room_finished fixture renamed). */
const sessionEndedBody = (run: Run, offset: number, id = nextEventId()) =>
  fixtureWith('09-room_finished', (e) => {
    e.event = 'session_ended';
    e.id = id;
    e.room.sid = run.roomSid;
    e.room.room_id = run.roomId;
    e.created_at = String(T0 + offset);
  });

interface Who {
  identity: string;
  sid: string;
  name?: string;
  /** participant.joined_at, seconds after T0 */
  joinedAt: number;
}

/** A participant event of `who` in `run`, happening at `createdAt` (seconds after T0). */
const participantBody = (fixture: string, run: Run, who: Who, createdAt: number, id: string) =>
  participantEventBody(
    fixture,
    run,
    { ...who, name: who.name ?? `User ${who.identity}`, joinedAt: T0 + who.joinedAt },
    T0 + createdAt,
    id,
  );

const joinBody = (run: Run, who: Who, id = nextEventId()) =>
  participantBody('04-participant_joined-student', run, who, who.joinedAt, id);

const leaveBody = (run: Run, who: Who, offset: number, id = nextEventId()) =>
  participantBody('07-participant_left-student', run, who, offset, id);

/** Posts every body at once; returns status and JSON body of each, in the order given. */
async function postAll(bodies: string[]) {
  return Promise.all(
    bodies.map(async (body) => {
      const response = await app.postWebhook(body);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }),
  );
}

/** Every response is 200; a failure shows the answers that were not, with their messages. */
function expectAllOk(responses: Awaited<ReturnType<typeof postAll>>) {
  expect(responses.filter((r) => r.status !== 200)).toEqual([]);
}

const liveSession = async (roomId: string) => (await app.liveSession(roomId))!;

describe('concurrent deliveries', () => {
  it('100 joins of distinct users posted at once give 100 online attendances of 100 users', async () => {
    const run = freshRun();
    const first = await app.postWebhook(roomBody('02-room_started', run, 0));
    expect(first.status).toBe(200);

    const people = Array.from(
      { length: 100 },
      (_, i): Who => ({
        identity: `crowd-${String(i).padStart(3, '0')}`,
        sid: `PA_crowd_${i}`,
        name: `Crowd Member ${i}`,
        joinedAt: 10 + (i % 7),
      }),
    );
    const responses = await postAll(people.map((p) => joinBody(run, p)));
    expectAllOk(responses);
    expect(responses.filter((r) => r.body.duplicate === true)).toEqual([]);

    const session = await liveSession(run.roomId);
    expect(session.isLive).toBe(true);
    expect(session.onlineCount).toBe(100);
    expect(session.attendances).toHaveLength(100);
    expect(session.attendances.map((a) => a.user.id).sort()).toEqual(people.map((p) => p.identity));
    for (const a of session.attendances) {
      const who = people.find((p) => p.identity === a.user.id)!;
      expect(a, who.identity).toMatchObject({
        isOnline: true,
        role: 'PARTICIPANT',
        user: { name: who.name },
        spans: [{ joinedAt: iso(who.joinedAt), leftAt: null }],
      });
    }

    const prisma = app.db.prisma;
    expect(await prisma.user.count({ where: { id: { startsWith: 'crowd-' } } })).toBe(100);
    expect(await prisma.attendance.count({ where: { userId: { startsWith: 'crowd-' } } })).toBe(100);
    expect(await prisma.presenceSpan.count({ where: { attendance: { userId: { startsWith: 'crowd-' } } } })).toBe(100);
    expect(await prisma.liveSession.count({ where: { roomId: run.roomId } })).toBe(1);
  });

  it('the same event posted 20 times at once has one effect', async () => {
    const run = freshRun();
    await app.postWebhook(roomBody('02-room_started', run, 0));
    const id = nextEventId();
    const body = joinBody(run, { identity: 'echo', sid: 'PA_echo', name: 'Echo', joinedAt: 30 }, id);

    const responses = await postAll(Array.from({ length: 20 }, () => body));
    expectAllOk(responses);
    const effects = responses.filter((r) => r.body.duplicate !== true);
    const duplicates = responses.filter((r) => r.body.duplicate === true);
    expect(effects).toHaveLength(1);
    expect(effects[0].body).toMatchObject({
      status: 'ok',
      id,
      result: 'applied',
      changes: [{ kind: 'JOINED', userId: 'echo' }],
    });
    expect(duplicates).toHaveLength(19);
    for (const d of duplicates) expect(d.body).toEqual({ status: 'ok', duplicate: true, id });

    const session = await liveSession(run.roomId);
    expect(session.onlineCount).toBe(1);
    expect(session.attendances).toMatchObject([
      { user: { id: 'echo' }, isOnline: true, spans: [{ joinedAt: iso(30), leftAt: null }] },
    ]);
    expect(session.attendances[0].spans).toHaveLength(1);
    expect(await app.db.prisma.webhookEvent.findUnique({ where: { id } })).toMatchObject({
      status: 'APPLIED',
      attempts: 1,
    });
  });

  it('the first events of new room runs posted at once create exactly one session per run', async () => {
    const course = await app.graphql(UpsertCourseMutation, { slug: 'optics', title: 'Optics' });
    expect(course.errors).toBeUndefined();

    // five runs at once, each: room_created, room_started and five joins, all racing
    const runsAtOnce = Array.from({ length: 5 }, () => freshRun('optics'));
    const bodies = runsAtOnce.flatMap((run, r) => [
      roomBody('01-room_created', run, 0),
      roomBody('02-room_started', run, 1),
      ...Array.from({ length: 5 }, (_, i) =>
        joinBody(run, { identity: `opt-${r}-${i}`, sid: `PA_opt_${r}_${i}`, joinedAt: 2 + i }),
      ),
    ]);
    const responses = await postAll(bodies);
    expectAllOk(responses);

    for (const [r, run] of runsAtOnce.entries()) {
      const sessions = await app.db.prisma.liveSession.findMany({ where: { roomId: run.roomId } });
      expect(sessions, run.roomId).toHaveLength(1);
      expect(sessions[0]).toMatchObject({
        roomSid: run.roomSid,
        courseId: course.data!.upsertCourse.id,
        endedAt: null,
      });

      const session = await liveSession(run.roomId);
      expect(session).toMatchObject({
        id: sessions[0].id,
        isLive: true,
        startedAt: iso(1),
        onlineCount: 5,
        course: { slug: 'optics' },
      });
      expect(session.attendances.map((a) => a.user.id).sort()).toEqual(
        Array.from({ length: 5 }, (_, i) => `opt-${r}-${i}`),
      );
      // every response of the run points at that one session
      const ids = new Set(responses.slice(r * 7, r * 7 + 7).map((x) => x.body.sessionId));
      expect([...ids]).toEqual([sessions[0].id]);
    }
  });

  it('the same user joining on two connections at once has one attendance with two open spans', async () => {
    const run = freshRun();
    await app.postWebhook(roomBody('02-room_started', run, 0));
    const users = Array.from({ length: 10 }, (_, i) => `twin-${i}`);
    const bodies = users.flatMap((identity, i) => [
      joinBody(run, { identity, sid: `PA_${identity}_laptop`, joinedAt: 20 + i }),
      joinBody(run, { identity, sid: `PA_${identity}_phone`, joinedAt: 40 + i }),
    ]);
    const responses = await postAll(bodies);
    expectAllOk(responses);

    const session = await liveSession(run.roomId);
    expect(session.onlineCount).toBe(10);
    expect(session.attendances).toHaveLength(10);
    for (const [i, identity] of users.entries()) {
      const mine = session.attendances.filter((a) => a.user.id === identity);
      expect(mine, identity).toHaveLength(1);
      expect(mine[0], identity).toMatchObject({
        isOnline: true,
        firstJoinedAt: iso(20 + i),
        spans: [
          { joinedAt: iso(20 + i), leftAt: null },
          { joinedAt: iso(40 + i), leftAt: null },
        ],
      });
    }
    expect(await app.db.prisma.attendance.count({ where: { userId: { startsWith: 'twin-' } } })).toBe(10);
  });

  it('a join and the leave of the same connection posted at once leave the user offline with one closed span', async () => {
    const run = freshRun();
    await app.postWebhook(roomBody('02-room_started', run, 0));
    const people = Array.from(
      { length: 10 },
      (_, i): Who => ({ identity: `flicker-${i}`, sid: `PA_flicker_${i}`, joinedAt: 10 + i }),
    );
    const bodies = people.flatMap((p) => [joinBody(run, p), leaveBody(run, p, 100 + p.joinedAt)]);
    const responses = await postAll(bodies);
    expectAllOk(responses);

    const session = await liveSession(run.roomId);
    expect(session.onlineCount).toBe(0);
    expect(session.attendances).toHaveLength(10);
    for (const p of people) {
      const mine = session.attendances.filter((a) => a.user.id === p.identity);
      expect(mine, p.identity).toHaveLength(1);
      expect(mine[0], p.identity).toMatchObject({
        isOnline: false,
        attendedSeconds: 100,
        spans: [{ joinedAt: iso(p.joinedAt), leftAt: iso(100 + p.joinedAt) }],
      });
      expect(mine[0].spans, p.identity).toHaveLength(1);
    }
  });

  it('events of a run not yet confirmed started, posted at once, each earlier than the last, move its start to the earliest', async () => {
    const run = freshRun();
    // the first event seen is a late join: it starts the session at its time
    expect((await app.postWebhook(joinBody(run, { identity: 'late', sid: 'PA_late', joinedAt: 300 }))).status).toBe(
      200,
    );

    // then 30 joins, every one earlier than the session's start, and each earlier than the one before
    const people = Array.from(
      { length: 30 },
      (_, i): Who => ({ identity: `early-${i}`, sid: `PA_early_${i}`, joinedAt: 200 - i * 5 }),
    );
    const responses = await postAll(people.map((p) => joinBody(run, p)));
    expectAllOk(responses);

    const session = await liveSession(run.roomId);
    expect(session).toMatchObject({ isLive: true, startedAt: iso(200 - 29 * 5), onlineCount: 31 });
    expect(await app.db.prisma.liveSession.count({ where: { roomId: run.roomId } })).toBe(1);
  });

  it('a room_finished and a session_ended of one run posted at once with joins end it once, with every span closed', async () => {
    const run = freshRun();
    await app.postWebhook(roomBody('02-room_started', run, 0));
    const people = Array.from(
      { length: 10 },
      (_, i): Who => ({ identity: `ender-${i}`, sid: `PA_ender_${i}`, joinedAt: 10 + i }),
    );
    expectAllOk(await postAll(people.slice(0, 5).map((p) => joinBody(run, p))));

    const bodies = [
      roomBody('09-room_finished', run, 600),
      sessionEndedBody(run, 600),
      roomBody('09-room_finished', run, 600), // PlugNMeet's retry of the end under a new id
      ...people.slice(5).map((p) => joinBody(run, p)),
    ];
    const responses = await postAll(bodies);
    expectAllOk(responses);
    const ends = responses
      .flatMap((r) => (r.body.changes as { kind: string }[] | undefined) ?? [])
      .filter((c) => c.kind === 'ENDED');
    expect(ends).toHaveLength(1);

    const session = await liveSession(run.roomId);
    expect(session).toMatchObject({ isLive: false, endedAt: iso(600), onlineCount: 0 });
    for (const a of session.attendances) {
      expect(a.isOnline, a.user.id).toBe(false);
      for (const span of a.spans) expect(span.leftAt, a.user.id).not.toBeNull();
    }
  });
});
