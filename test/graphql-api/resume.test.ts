// Resumable subscriptions: every change carries a cursor, and a subscription started with
// `after: <cursor>` first receives every change of its stream committed since, in commit order,
// then the live ones: no gap, no repeat, also when it rejoins a cohort of identical subscriptions.
import type { ExecutionResult } from 'graphql';
import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/changes/cursor.ts';
import { pruneChanges } from '../../src/changes/log.ts';
import { ROUTINES_VERSION } from '../../src/ingest/routines.ts';
import type { ResumableAttendanceSubscription as Resumable } from '../graphql/graphql.ts';
import { testDatabaseUrl } from '../support/backends.ts';
import { ResumableAttendanceSubscription, ResumableSessionsSubscription } from '../support/documents.ts';
import { participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

const T0 = 1_795_510_800;
let app: TestServer;
let runs = 0;
let ids = 0;
const newRun = () => ({ roomId: `resume-room-${++runs}`, roomSid: `RM_resume_${runs}_${Date.now()}` });
type Run = ReturnType<typeof newRun>;

async function post(body: string) {
  const response = await app.postWebhook(body);
  expect(response.status, body).toBe(200);
}
const person = (who: string) => ({ identity: who, sid: `PA_${who}`, joinedAt: T0 });
const join = (run: Run, who: string) =>
  post(participantEventBody('04-participant_joined-student', run, person(who), T0 + 10, `r-${++ids}`));
const leave = (run: Run, who: string) =>
  post(participantEventBody('07-participant_left-student', run, person(who), T0 + 20, `r-${++ids}`));

type Change = Resumable['attendanceChanged'];
const changes = (results: ExecutionResult<Resumable>[]): Change[] => results.map((r) => r.data!.attendanceChanged);
const who = (list: Change[]) => list.map((c) => `${c.kind} ${c.attendance.user.id}`);
const seq = (c: Change) => decodeCursor(c.cursor)!.seq;

/** The errors a subscription is refused with. */
function refusal(
  variables: Record<string, unknown>,
  query = print(ResumableAttendanceSubscription),
): Promise<readonly { message: string; extensions?: Record<string, unknown> }[]> {
  return new Promise((resolve, reject) => {
    app.wsClient().subscribe(
      { query, variables },
      {
        next: (value) => (value.errors ? resolve(value.errors) : reject(new Error('subscribed'))),
        error: (e) => resolve(e as never),
        complete: () => {},
      },
    );
  });
}

beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

describe('a subscription resumed after a cursor', () => {
  it('receives every change made while it was away, in order, then the live ones, each once', async () => {
    const run = newRun();
    const first = subscribe(app.wsClient(), ResumableAttendanceSubscription, { roomId: run.roomId });
    await first.ready();
    await join(run, 'amy');
    await join(run, 'ben');
    const before = changes(await first.next(2));
    expect(who(before)).toEqual(['JOINED amy', 'JOINED ben']);
    expect(seq(before[1])).toBeGreaterThan(seq(before[0]));
    first.unsubscribe();

    // away: the laptop lid is closed
    await leave(run, 'amy');
    await join(run, 'cal');

    const back = subscribe(app.wsClient(), ResumableAttendanceSubscription, {
      roomId: run.roomId,
      after: before[1].cursor,
    });
    expect(who(changes(await back.next(2)))).toEqual(['LEFT amy', 'JOINED cal']);
    await leave(run, 'ben');
    const all = changes(await back.next(3));
    expect(who(all)).toEqual(['LEFT amy', 'JOINED cal', 'LEFT ben']);
    const numbers = all.map(seq);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    await new Promise((r) => setTimeout(r, 300));
    expect(back.received).toHaveLength(3);
  });

  it('rejoins a cohort of identical subscriptions at the seam with no gap and no repeat, while changes stream in', async () => {
    const run = newRun();
    const watchers = Array.from({ length: 4 }, () =>
      subscribe(app.wsClient(), ResumableAttendanceSubscription, { roomId: run.roomId }),
    );
    await Promise.all(watchers.map((w) => w.ready()));
    const before = app.server.cohorts.stats();
    for (let i = 0; i < 5; i++) await join(run, `early-${i}`);
    const reference = watchers[0];
    const seen = changes(await reference.next(5));

    // one of them leaves after 3 changes, and comes back while 20 more are posted, 4 at a time
    const leaver = watchers[1];
    const cursor = changes(await leaver.next(5))[2].cursor;
    leaver.unsubscribe();
    const posting = (async () => {
      const people = Array.from({ length: 20 }, (_, i) => `late-${i}`);
      for (let i = 0; i < people.length; i += 4) await Promise.all(people.slice(i, i + 4).map((p) => join(run, p)));
    })();
    await new Promise((r) => setTimeout(r, 50));
    const returned = subscribe(app.wsClient(), ResumableAttendanceSubscription, { roomId: run.roomId, after: cursor });
    await posting;

    const everything = changes(await reference.next(25));
    const resumed = changes(await returned.next(22));
    expect(resumed.map((c) => c.cursor)).toEqual(everything.slice(3).map((c) => c.cursor));
    expect(seen.map((c) => c.cursor)).toEqual(everything.slice(0, 5).map((c) => c.cursor));
    await new Promise((r) => setTimeout(r, 300));
    expect(returned.received).toHaveLength(22);
    // the one that came back shares the cohort's execution: no cohort of its own
    expect(app.server.cohorts.stats().cohorts).toBe(before.cohorts);
  });

  it('resumes sessions starting and ending the same way', async () => {
    const run = newRun();
    const first = subscribe(app.wsClient(), ResumableSessionsSubscription, {});
    await first.ready();
    await post(roomEventBody('02-room_started', run, T0, `r-${++ids}`));
    const [started] = await first.next(1);
    first.unsubscribe();
    await post(roomEventBody('09-room_finished', run, T0 + 600, `r-${++ids}`));
    const back = subscribe(app.wsClient(), ResumableSessionsSubscription, {
      after: started.data!.liveSessionChanged.cursor,
    });
    const [ended] = await back.next(1);
    expect(ended.data!.liveSessionChanged).toMatchObject({ kind: 'ENDED', session: { roomId: run.roomId } });
  });
});

describe('a cursor that cannot be resumed from', () => {
  it('is refused: not a cursor or another stream (BAD_USER_INPUT), another database or pruned (CURSOR_EXPIRED)', async () => {
    const run = newRun();
    const other = newRun();
    const sub = subscribe(app.wsClient(), ResumableAttendanceSubscription, { roomId: run.roomId });
    await sub.ready();
    await join(run, 'dot');
    await join(run, 'eli');
    const [old, latest] = changes(await sub.next(2));

    const code = async (variables: Record<string, unknown>) => (await refusal(variables))[0]?.extensions?.code;
    expect(await code({ roomId: run.roomId, after: 'not a cursor!' })).toBe('BAD_USER_INPUT');
    expect(await code({ roomId: run.roomId, after: '' })).toBe('BAD_USER_INPUT');
    expect(await code({ roomId: other.roomId, after: old.cursor })).toBe('BAD_USER_INPUT');
    const foreign = encodeCursor({ ...decodeCursor(old.cursor)!, logId: 'another-database' });
    expect(await code({ roomId: run.roomId, after: foreign })).toBe('CURSOR_EXPIRED');
    const ahead = encodeCursor({ ...decodeCursor(old.cursor)!, seq: 1e12 });
    expect(await code({ roomId: run.roomId, after: ahead })).toBe('CURSOR_EXPIRED');

    // the log is pruned: what followed `old` is gone, but nothing followed `latest` yet
    await app.server.sequencer.idle();
    await pruneChanges(app.db.prisma, 0);
    expect(await code({ roomId: run.roomId, after: old.cursor })).toBe('CURSOR_EXPIRED');
    const fine = subscribe(app.wsClient(), ResumableAttendanceSubscription, {
      roomId: run.roomId,
      after: latest.cursor,
    });
    await fine.ready();
    await leave(run, 'dot');
    expect(who(changes(await fine.next(1)))).toEqual(['LEFT dot']);
  });
});

// PGlite runs one statement at a time; two transactions can only commit out of order on PostgreSQL.
describe.skipIf(!testDatabaseUrl)('commit order (PostgreSQL)', () => {
  it('numbers two changes in the order their transactions committed, not the order they were written', async () => {
    const run = newRun();
    await join(run, 'fay');
    await app.changesDelivered(); // fay's join is history for the subscription below
    const sub = subscribe(app.wsClient(), ResumableAttendanceSubscription, { roomId: run.roomId });
    await sub.ready();
    await join(run, 'gus');
    const [gus] = changes(await sub.next(1));
    const attendance = await app.db.prisma.attendance.findFirstOrThrow({
      where: { userId: 'fay', session: { roomSid: run.roomSid } },
    });
    const change = (kind: string) => ({
      type: 'attendance',
      kind,
      attendanceId: attendance.id,
      userId: 'fay',
      sessionId: attendance.sessionId,
      roomId: run.roomId,
      courseId: null,
    });

    const url = (app.db as { url?: string }).url!;
    const [first, second] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([first.connect(), second.connect()]);
    try {
      const append = `SELECT rollcall_append_changes_${ROUTINES_VERSION}($1::jsonb)`;
      await first.query('BEGIN');
      await first.query(append, [JSON.stringify([change('LEFT')])]); // written first...
      await second.query('BEGIN');
      await second.query(append, [JSON.stringify([change('JOINED')])]);
      await second.query('COMMIT'); // ...committed second
      app.changesCommitted();
      await app.server.sequencer.idle();
      await first.query('COMMIT');
      app.changesCommitted();
      await app.server.sequencer.idle();
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    const [joined, left] = changes(await sub.next(3)).slice(1);
    expect([joined.kind, left.kind]).toEqual(['JOINED', 'LEFT']);
    expect(seq(left)).toBeGreaterThan(seq(joined));
    // a dashboard that had the first to commit still gets the one written before it
    const resumed = subscribe(app.wsClient(), ResumableAttendanceSubscription, {
      roomId: run.roomId,
      after: joined.cursor,
    });
    expect(changes(await resumed.next(1)).map((c) => c.cursor)).toEqual([left.cursor]);
    // and one resuming from before both gets them in commit order
    const fromStart = subscribe(app.wsClient(), ResumableAttendanceSubscription, {
      roomId: run.roomId,
      after: gus.cursor,
    });
    expect(who(changes(await fromStart.next(2)))).toEqual(['JOINED fay', 'LEFT fay']);
  });
});
