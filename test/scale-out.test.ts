// Scale-out: several real service processes (the compiled `node dist/main.js`) sharing one
// PostgreSQL database and one Redis. Runs only when TEST_DATABASE_URL and TEST_REDIS_URL are set (.ci/run sets both); on a bare machine `npm test` skips it.
//
// One EMPTY database of this file's own (rollcall_scale_<random>, dropped at the end) and a random
// Redis channel prefix. The three instances of the cluster are started at once by the first test
// and shared by the later ones, in order. The Redis outage runs on a redis-server of the test's own
// (killed and restarted on the same port) with two more instances pointed at it.
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { testDatabaseUrl, testRedisUrl } from './support/backends.ts';
import {
  createScratchDatabase,
  errorLines,
  logLines,
  mapBounded,
  pollUntil,
  redisServerAvailable,
  sleep,
  startRedisServer,
  subscribeOver,
  type RedisServer,
  type ScratchDatabase,
  type Subscriber,
} from './support/cluster-helpers.ts';
import {
  AttendanceChangedSubscription,
  LiveSessionChangedSubscription,
  UpsertCourseMutation,
} from './support/documents.ts';
import { fixtureWith, roomEventBody } from './support/plugnmeet.ts';
import {
  killAll,
  REPO_ROOT,
  removeDir,
  serviceEnv,
  spawnService,
  startService,
  tempDataDir,
  type ServiceProcess,
} from './support/process-helpers.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const SKIP_REASON = 'set TEST_DATABASE_URL and TEST_REDIS_URL to run it (.ci/run sets both)';
const enabled = Boolean(testDatabaseUrl && testRedisUrl);
const hasRedisServer = enabled && redisServerAvailable();

const SLUG = 'scale-out';
const T0 = 1_795_510_800; // 2026-11-24T09:00:00Z
/** Room ids `<slug>-<14 digits>`: one room per test, so that counts never mix. */
const room = (digits: string) => ({
  roomId: `${SLUG}-${digits}`,
  roomSid: `RM_scale_${digits}_${randomBytes(3).toString('hex')}`,
});
type Run = ReturnType<typeof room>;

let eventSeq = 0;
const eventId = (tag: string) => `scale-${tag}-${++eventSeq}-${randomBytes(3).toString('hex')}`;

interface Joiner {
  identity: string;
  sid: string;
  name: string;
  id: string;
}
const joiner = (tag: string, n: number): Joiner => ({
  identity: `${tag}-${n}`,
  sid: `PA_${tag}_${n}`,
  name: `User ${tag} ${n}`,
  id: eventId(tag),
});

function joinBody(run: Run, who: Joiner, offset = 60) {
  return fixtureWith('04-participant_joined-student', (e) => {
    e.id = who.id;
    e.room.sid = run.roomSid;
    e.room.room_id = run.roomId;
    e.participant.identity = who.identity;
    e.participant.sid = who.sid;
    e.participant.name = who.name;
    e.participant.joined_at = String(T0 + offset);
    e.participant.joined_at_ms = String((T0 + offset) * 1000);
    e.created_at = String(T0 + offset);
  });
}

const roomBody = (name: '02-room_started' | '09-room_finished', run: Run, offset: number, id = eventId(name)) =>
  roomEventBody(name, run, T0 + offset, id);

interface Posted {
  status: number;
  body: any;
  instance: number;
}

/** POSTs a signed body; a network failure is status 0 (so that loops can retry it). */
async function post(service: ServiceProcess, body: string, instance = 0): Promise<Posted> {
  try {
    const response = await service.postWebhook(body);
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: response.status, body: json, instance };
  } catch (error) {
    return { status: 0, body: (error as Error).message, instance };
  }
}

interface Delivery {
  /** The answer that ended the delivery: 200, or the last failure. */
  final: Posted;
  /** Answers before it that were not 200 (each then retried). */
  failures: Posted[];
}

/**
 * Delivers like PlugNMeet: a 5xx or a dropped connection is retried (every 250 ms, at most 20
 * times); a 4xx is final.
 */
async function deliver(service: ServiceProcess, body: string, instance = 0): Promise<Delivery> {
  const failures: Posted[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const answer = await post(service, body, instance);
    if (answer.status === 200 || (answer.status >= 400 && answer.status < 500)) return { final: answer, failures };
    failures.push(answer);
    if (!service.isRunning()) break;
    await sleep(250);
  }
  return { final: failures.at(-1)!, failures: failures.slice(0, -1) };
}

const LIVE_SESSION = /* GraphQL */ `
  query ($roomId: String!) {
    liveSession(roomId: $roomId) { id onlineCount attendances { user { id } } }
  }
`;

async function liveSession(service: ServiceProcess, roomId: string) {
  const answer = await service.graphql(LIVE_SESSION, { roomId });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
  return answer.body.data.liveSession as {
    id: string;
    onlineCount: number;
    attendances: Array<{ user: { id: string } }>;
  } | null;
}

async function readyStatus(service: ServiceProcess): Promise<{ status: number; body: any }> {
  try {
    const response = await fetch(`${service.url}/ready`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch (error) {
    return { status: 0, body: (error as Error).message };
  }
}

/** The migrations in prisma/migrations, by folder name. */
function migrationNames(): string[] {
  const dir = path.join(REPO_ROOT, 'prisma', 'migrations');
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort();
}

describe.skipIf(!enabled)(
  `scale-out: three instances on one PostgreSQL database and one Redis${enabled ? '' : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    let db: ScratchDatabase;
    const channelPrefix = `rollcall-scale-${randomBytes(4).toString('hex')}:`;
    const dataDirs: string[] = [];
    /** The cluster: instance 1, 2 and 3 are cluster[0], [1], [2]. */
    let cluster: ServiceProcess[] = [];
    let clusterReady: Promise<void>;
    let redis: RedisServer | undefined;
    const subscribers: Subscriber[] = [];
    let courseId: string;

    const envFor = async (extra: Record<string, string>) => {
      const dir = tempDataDir();
      dataDirs.push(dir);
      return serviceEnv(dir, { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '8', LOG_LEVEL: 'info', ...extra });
    };
    const subscribe = (service: ServiceProcess, query: string, variables: Record<string, unknown>) => {
      const s = subscribeOver(service.wsUrl, query, variables);
      subscribers.push(s);
      return s;
    };
    /** The cluster, once the first test saw it come up. */
    const running = async () => {
      await clusterReady;
      for (const s of cluster) expect(s.isRunning(), s.describe()).toBe(true);
      return cluster;
    };

    beforeAll(async () => {
      db = await createScratchDatabase(testDatabaseUrl!);
      const envs = await Promise.all(
        [1, 2, 3].map(() => envFor({ REDIS_URL: testRedisUrl!, REDIS_CHANNEL_PREFIX: channelPrefix })),
      );
      // the database is empty: no migration table yet
      const before = await db.query(`SELECT to_regclass('public._prisma_migrations') AS t`);
      expect(before.rows[0].t).toBeNull();
      // started at once, without waiting for one another
      cluster = envs.map((env) => spawnService({ env }));
      clusterReady = Promise.all(cluster.map((s) => s.waitUntilReady(90_000))).then(() => {});
      clusterReady.catch(() => {}); // awaited (and reported) by the tests
    });

    afterAll(async () => {
      await Promise.all(subscribers.splice(0).map((s) => s.dispose().catch(() => {})));
      await killAll();
      await redis?.kill();
      await db?.drop();
      dataDirs.splice(0).forEach(removeDir);
    });

    test('three instances started at once on an empty database all come up, and the migrations are applied once', async () => {
      await clusterReady;
      for (const s of cluster) {
        const ready = await readyStatus(s);
        expect(ready.status, s.describe()).toBe(200);
        expect(ready.body).toMatchObject({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
      }

      const expected = migrationNames();
      expect(expected.length).toBeGreaterThan(0);
      const rows = await db.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
        'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.rows.map((r) => r.migration_name)).toEqual(expected); // each exactly once
      for (const r of rows.rows) {
        expect(r.finished_at, r.migration_name).not.toBeNull();
        expect(r.rolled_back_at, r.migration_name).toBeNull();
      }

      // exactly one instance applied them; the others waited on the lock and found nothing to do
      const said = cluster.map((s) => {
        const messages = logLines(s.stdout()).map((l) => String(l.msg));
        return {
          applied: messages.filter((m) => /^applied \d+ migration\(s\)$/.test(m)),
          upToDate: messages.filter((m) => m === 'database schema is up to date'),
        };
      });
      const appliers = said.filter((s) => s.applied.length > 0);
      expect(appliers, JSON.stringify(said)).toHaveLength(1);
      expect(appliers[0].applied).toEqual([`applied ${expected.length} migration(s)`]);
      expect(
        said.filter((s) => s.upToDate.length === 1 && s.applied.length === 0),
        JSON.stringify(said),
      ).toHaveLength(2);
    });

    test('a subscriber on instance 1 receives the JOINED posted to instance 3 (full payload) and the ENDED posted to instance 2', async () => {
      const [one, two, three] = await running();
      const course = await two.graphql(print(UpsertCourseMutation), { slug: SLUG, title: 'Scale-out' });
      expect(course.body.errors, JSON.stringify(course.body)).toBeUndefined();
      courseId = course.body.data.upsertCourse.id;
      expect(courseId).toBeTruthy();

      const run = room('20261124090000');
      const attendance = subscribe(one, print(AttendanceChangedSubscription), { roomId: run.roomId });
      const sessions = subscribe(one, print(LiveSessionChangedSubscription), { courseId });
      await Promise.all([attendance.connected, sessions.connected]);

      // A subscription is live once its Redis channel is subscribed, which nobody acknowledges: post a
      // join (a new user each time) to instance 3 until instance 1's subscriber receives one.
      const posted = new Map<string, Joiner>();
      let joined: any;
      for (let attempt = 0; attempt < 40 && !joined; attempt++) {
        const who = joiner('sub', attempt);
        posted.set(who.identity, who);
        const answer = await post(three, joinBody(run, who, 60 + attempt));
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        joined = await attendance
          .waitFor('JOINED', (p) => p?.data?.attendanceChanged?.kind === 'JOINED', 500)
          .catch(() => undefined);
      }
      expect(
        joined,
        `no JOINED within 40 attempts: ${JSON.stringify(attendance.received)} ${attendance.errors.map(String)}`,
      ).toBeDefined();
      expect(joined.errors).toBeUndefined();
      const change = joined.data.attendanceChanged;
      const who = posted.get(change.attendance.user.id);
      expect(who, `a JOINED of a user never posted: ${JSON.stringify(change)}`).toBeDefined();
      expect(change).toMatchObject({
        kind: 'JOINED',
        attendance: { role: 'PARTICIPANT', isOnline: true, user: { id: who!.identity, name: who!.name } },
        session: { roomId: run.roomId, course: { slug: SLUG } },
      });
      expect(change.attendance.id).toEqual(expect.any(String));
      expect(change.session.onlineCount).toBeGreaterThanOrEqual(1);
      expect(change.attendance.spans).toHaveLength(1);
      expect(change.attendance.spans[0]).toEqual({ joinedAt: expect.any(String), leftAt: null });

      // The liveSessionChanged subscription of the same socket: warm it up the same way, with new runs
      // of the course's rooms started through instance 2, then end the first run through instance 2.
      let warm: any;
      for (let attempt = 0; attempt < 40 && !warm; attempt++) {
        const warmRun = room(`202611241100${String(attempt).padStart(2, '0')}`);
        const answer = await post(two, roomBody('02-room_started', warmRun, 30));
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        warm = await sessions
          .waitFor('STARTED', (p) => p?.data?.liveSessionChanged?.kind === 'STARTED', 500)
          .catch(() => undefined);
      }
      expect(warm, `no STARTED within 40 attempts: ${JSON.stringify(sessions.received)}`).toBeDefined();

      const finishedAt = T0 + 3_600;
      const ended = await post(two, roomBody('09-room_finished', run, 3_600));
      expect(ended.status, JSON.stringify(ended.body)).toBe(200);
      expect(ended.body.duplicate).toBeFalsy();
      const end = await sessions.waitFor(
        'ENDED of the first run',
        (p) => p?.data?.liveSessionChanged?.kind === 'ENDED' && p.data.liveSessionChanged.session.roomId === run.roomId,
        10_000,
      );
      expect(end.errors).toBeUndefined();
      // dates and enums crossed Redis intact
      expect(end.data.liveSessionChanged).toEqual({
        kind: 'ENDED',
        session: {
          id: change.session.id,
          roomId: run.roomId,
          isLive: false,
          startedAt: expect.any(String),
          endedAt: new Date(finishedAt * 1000).toISOString(),
          endInferred: false,
          course: { id: courseId, slug: SLUG },
        },
      });
      // the end closed every open attendance, and the subscriber on instance 1 saw that too
      await attendance.waitFor('LEFT after the end', (p) => p?.data?.attendanceChanged?.kind === 'LEFT', 10_000);
    });

    test('300 joins of distinct users over the three instances make 300 online attendances; 50 events posted to all three apply once each', async () => {
      const instances = await running();
      const logged = () => instances.flatMap((s) => errorLines(s.stdout())).join('\n');

      // 300 distinct users, round-robin over the instances, 32 requests in flight, no room_started
      // first: the first joins race to create the run's session. Like PlugNMeet, a 5xx is retried.
      const run = room('20261124120000');
      const users = Array.from({ length: 300 }, (_, i) => joiner('many', i));
      const answers = await mapBounded(users, 32, (who, i) =>
        deliver(instances[i % 3], joinBody(run, who, 60 + i), i % 3),
      );
      const firstFailures = answers.flatMap((a) => a.failures);
      const bad = answers.filter(
        (a) => a.final.status !== 200 || a.final.body?.duplicate || a.failures.some((f) => f.status < 500),
      );
      expect(bad, `${JSON.stringify(bad.slice(0, 5))}\nerrors logged: ${logged()}`).toEqual([]);
      if (firstFailures.length) {
        console.info(
          `[scale-out] 300 joins: ${firstFailures.length} deliveries answered 5xx before a retry succeeded; logged:\n${logged()}`,
        );
      }

      for (const s of instances) {
        const live = await liveSession(s, run.roomId);
        expect(live?.onlineCount, s.url).toBe(300);
      }
      const counts = await db.query(
        `SELECT count(*)::int AS attendances, count(DISTINCT a."userId")::int AS users,
              count(*) FILTER (WHERE a.connected AND s."endedAt" IS NULL)::int AS online,
              count(DISTINCT a."sessionId")::int AS sessions
         FROM "Attendance" a JOIN "LiveSession" s ON s.id = a."sessionId" WHERE s."roomId" = $1`,
        [run.roomId],
      );
      expect(counts.rows[0]).toEqual({ attendances: 300, users: 300, online: 300, sessions: 1 });
      const sessionRows = await db.query(`SELECT count(*)::int AS n FROM "LiveSession" WHERE "roomSid" = $1`, [
        run.roomSid,
      ]);
      expect(sessionRows.rows[0].n).toBe(1); // the run's session was created once

      // 50 distinct events, each posted to all three instances at once
      const dupRun = room('20261124130000');
      const events = Array.from({ length: 50 }, (_, i) => joiner('dup', i));
      const perEvent = await mapBounded(events, 12, async (who, i) => {
        const body = joinBody(dupRun, who, 60 + i);
        return Promise.all(instances.map((s, n) => deliver(s, body, n)));
      });
      const retried = new Set<string>();
      perEvent.forEach((deliveries, i) => {
        const what = `${events[i].id}: ${JSON.stringify(deliveries)}\nerrors logged: ${logged()}`;
        // every delivery ends in 200 (a 5xx first is retried, as PlugNMeet does)...
        expect(
          deliveries.map((d) => d.final.status),
          what,
        ).toEqual([200, 200, 200]);
        expect(
          deliveries.flatMap((d) => d.failures).filter((f) => f.status < 500),
          what,
        ).toEqual([]);
        if (deliveries.some((d) => d.failures.length)) retried.add(events[i].id);
        // ...and exactly one of them applied the event: the others are duplicates
        expect(
          deliveries.filter((d) => d.final.body?.status === 'ok' && !d.final.body?.duplicate),
          what,
        ).toHaveLength(1);
        expect(
          deliveries.filter((d) => d.final.body?.duplicate === true),
          what,
        ).toHaveLength(2);
      });
      if (retried.size) console.info(`[scale-out] 50 events x 3: ${retried.size} event(s) needed a retry after a 5xx`);

      const applied = await db.query(
        `SELECT count(*)::int AS attendances, count(DISTINCT a."userId")::int AS users,
              (SELECT count(*)::int FROM "PresenceSpan" p JOIN "Attendance" a2 ON a2.id = p."attendanceId"
                 WHERE a2."sessionId" = s.id) AS spans
         FROM "Attendance" a JOIN "LiveSession" s ON s.id = a."sessionId" WHERE s."roomId" = $1 GROUP BY s.id`,
        [dupRun.roomId],
      );
      expect(applied.rows).toEqual([{ attendances: 50, users: 50, spans: 50 }]);
      const inbox = await db.query<{ id: string; status: string; attempts: number }>(
        `SELECT id, status, attempts FROM "WebhookEvent" WHERE id = ANY($1)`,
        [events.map((e) => e.id)],
      );
      expect(inbox.rows).toHaveLength(50);
      for (const row of inbox.rows) {
        expect(row.status, row.id).toBe('APPLIED');
        // applied once: one successful attempt (a failed one, rolled back, also counts when there was one)
        if (!retried.has(row.id)) expect(row.attempts, row.id).toBe(1);
      }
      expect((await liveSession(instances[1], dupRun.roomId))?.onlineCount).toBe(50);
    });

    test.skipIf(!hasRedisServer)(
      `Redis killed and restarted: webhooks keep succeeding, /ready goes 503 then 200, a subscriber receives events posted after Redis is back${
        hasRedisServer || !enabled ? '' : ' (skipped: no redis-server on PATH to kill and restart)'
      }`,
      async () => {
        await running();
        redis = await startRedisServer();
        const prefix = `rollcall-outage-${randomBytes(4).toString('hex')}:`;
        const extra = { REDIS_URL: redis.url, REDIS_CHANNEL_PREFIX: prefix };
        const [a, b] = await Promise.all([
          startService({ env: await envFor(extra) }, 90_000),
          startService({ env: await envFor(extra) }, 90_000),
        ]);
        try {
          const run = room('20261124140000');
          const sub = subscribe(a, print(AttendanceChangedSubscription), { roomId: run.roomId });
          await sub.connected;

          // the subscriber on A is live: it receives a join posted to B
          const before = new Set<string>();
          let seq = 0;
          let live: any;
          for (let attempt = 0; attempt < 40 && !live; attempt++) {
            const who = joiner('before', seq++);
            before.add(who.identity);
            const answer = await post(b, joinBody(run, who));
            expect(answer.status, JSON.stringify(answer.body)).toBe(200);
            live = await sub
              .waitFor('a JOINED before the outage', (p) => p?.data?.attendanceChanged?.kind === 'JOINED', 500)
              .catch(() => undefined);
          }
          expect(live, `subscriber never live: ${JSON.stringify(sub.received)}`).toBeDefined();

          await redis.kill();

          // While Redis is down: every webhook is stored and applied (the database is the source of truth).
          const during: Joiner[] = [];
          const postDuring = async (count: number) => {
            for (let i = 0; i < count; i++) {
              const who = joiner('during', during.length);
              during.push(who);
              for (const target of [a, b]) {
                // a second delivery of the same event to the other instance is a duplicate, not a failure
                const answer = await post(target, joinBody(run, who));
                expect(answer.status, `${who.id} to ${target.url}: ${JSON.stringify(answer.body)}`).toBe(200);
              }
            }
          };
          await postDuring(3);

          // /ready answers 503 on both, naming Redis, and the database is still fine
          for (const s of [a, b]) {
            const down = await pollUntil(
              `/ready of ${s.url} answers 503 while Redis is down`,
              async () => {
                const r = await readyStatus(s);
                return r.status === 503 ? r : undefined;
              },
              { timeoutMs: 15_000, intervalMs: 200 },
            );
            expect(down.body).toMatchObject({ status: 'unavailable', checks: { database: 'ok' } });
            expect(String(down.body.checks.redis)).toMatch(/unavailable/);
          }
          await postDuring(3); // Redis has been down a while now: still fine

          // the events posted during the outage are applied, as another instance of the cluster reads them
          const seen = await liveSession(cluster[0], run.roomId);
          const ids = new Set(seen?.attendances.map((x) => x.user.id));
          for (const who of during) expect(ids.has(who.identity), who.identity).toBe(true);
          expect(seen?.onlineCount).toBe(before.size + during.length);
          const inbox = await db.query(
            `SELECT status, count(*)::int AS n FROM "WebhookEvent" WHERE id = ANY($1) GROUP BY status`,
            [during.map((w) => w.id)],
          );
          expect(inbox.rows).toEqual([{ status: 'APPLIED', n: during.length }]);
          for (const s of [a, b]) expect(s.isRunning(), s.describe()).toBe(true);
          expect(sub.closeCodes, 'the dashboard socket stays open through the outage').toEqual([]);

          // Redis is back (same port): /ready answers 200 again
          await redis.start();
          for (const s of [a, b]) {
            await pollUntil(
              `/ready of ${s.url} answers 200 after Redis is back`,
              async () => (await readyStatus(s)).status === 200,
              { timeoutMs: 30_000, intervalMs: 250 },
            );
          }

          // the subscriber connected before the outage receives events posted after it
          const after = new Set<string>();
          const receivedBefore = sub.received.length;
          let resumed: any;
          const deadline = Date.now() + 20_000;
          for (let attempt = 0; attempt < 40 && !resumed && Date.now() < deadline; attempt++) {
            const who = joiner('after', attempt);
            after.add(who.identity);
            const answer = await post(b, joinBody(run, who));
            expect(answer.status, JSON.stringify(answer.body)).toBe(200);
            resumed = await sub
              .waitFor(
                'a JOINED after Redis is back',
                (p) => after.has(p?.data?.attendanceChanged?.attendance?.user?.id),
                500,
              )
              .catch(() => undefined);
          }
          expect(
            resumed,
            `no event after Redis came back (${sub.received.length - receivedBefore} new payloads: ${JSON.stringify(sub.received.slice(receivedBefore))}; ` +
              `errors: ${sub.errors.map(String)}; close codes: ${sub.closeCodes})\n${a.describe()}`,
          ).toBeDefined();
          expect(resumed.data.attendanceChanged).toMatchObject({
            kind: 'JOINED',
            session: { roomId: run.roomId, course: { slug: SLUG } },
          });

          for (const s of [a, b]) {
            expect(s.isRunning(), s.describe()).toBe(true);
            expect(s.stderr(), s.describe()).not.toMatch(/unhandled|uncaught/i);
          }
        } finally {
          await Promise.all([a.kill(), b.kill()]);
        }
      },
    );

    test('a PostgreSQL backend terminated under load: affected webhooks answer 5xx and succeed when retried; nothing is half-applied', async () => {
      const [one] = await running();
      const run = room('20261124150000');
      const users = Array.from({ length: 200 }, (_, i) => joiner('term', i));

      // a stream of distinct joins to instance 1 (more in flight than its pool of 8 connections),
      // while the test terminates every backend of the database a few times
      let posting = true;
      let terminated = 0;
      let rounds = 0;
      const killer = (async () => {
        for (; rounds < 6 && posting; rounds++) {
          await sleep(250);
          const r = await db.query(
            `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [db.name],
          );
          terminated += r.rows.filter((row) => row.ok).length;
        }
      })();
      const first = await mapBounded(users, 16, (who) => post(one, joinBody(run, who)));
      posting = false;
      await killer;
      expect(terminated, 'the test terminated no backend at all').toBeGreaterThan(0);
      // the instance survives its connections being terminated
      cluster.forEach((s, i) =>
        expect(
          s.isRunning(),
          `instance ${i + 1} died while its PostgreSQL connections were terminated: ${s.describe()}`,
        ).toBe(true),
      );

      // every non-200 is a 5xx (never a 4xx, never a dropped connection), and a retry succeeds
      const failures = first
        .map((answer, i) => ({ answer, who: users[i] }))
        .filter(({ answer }) => answer.status !== 200);
      for (const { answer } of failures) expect(answer.status, JSON.stringify(answer)).toBeGreaterThanOrEqual(500);
      for (const { who } of failures) {
        const retry = await deliver(one, joinBody(run, who));
        expect(retry.final.status, `retrying ${who.id}: ${JSON.stringify(retry)}\n${one.describe()}`).toBe(200);
      }
      console.info(
        `[scale-out] pg_terminate_backend: ${rounds} round(s) ended ${terminated} backend(s); ${failures.length} of ${users.length} ` +
          `webhooks answered non-200 first (statuses ${[...new Set(failures.map((f) => f.answer.status))].join(',') || 'none'})`,
      );
      expect(one.isRunning(), one.describe()).toBe(true);

      // every event applied exactly once: one attendance and one span per user, every event APPLIED
      const counts = await db.query(
        `SELECT count(*)::int AS attendances, count(DISTINCT a."userId")::int AS users,
              count(*) FILTER (WHERE a.connected AND s."endedAt" IS NULL)::int AS online
         FROM "Attendance" a JOIN "LiveSession" s ON s.id = a."sessionId" WHERE s."roomSid" = $1`,
        [run.roomSid],
      );
      expect(counts.rows[0]).toEqual({ attendances: users.length, users: users.length, online: users.length });
      const inbox = await db.query<{ id: string; status: string; spans: number }>(
        `SELECT e.id, e.status,
              (SELECT count(*)::int FROM "PresenceSpan" p JOIN "Attendance" a ON a.id = p."attendanceId"
                 JOIN "LiveSession" s ON s.id = a."sessionId"
                WHERE s."roomSid" = e."roomSid" AND a."userId" = e.body::jsonb->'participant'->>'identity'
                  AND p."participantSid" = e.body::jsonb->'participant'->>'sid') AS spans
         FROM "WebhookEvent" e WHERE e.id = ANY($1)`,
        [users.map((u) => u.id)],
      );
      expect(inbox.rows).toHaveLength(users.length);
      const wrong = inbox.rows.filter((r) => r.status !== 'APPLIED' || r.spans !== 1);
      expect(wrong, JSON.stringify(wrong.slice(0, 5))).toEqual([]);
      expect((await liveSession(one, run.roomId))?.onlineCount).toBe(users.length);
    });

    test('SIGTERM on an instance with a graphql-ws client connected: the client sees 1001 and the process exits 0 within 10 s', async () => {
      await clusterReady;
      const three = cluster[2];
      expect(three.isRunning(), three.describe()).toBe(true);
      const sub = subscribe(three, print(LiveSessionChangedSubscription), {});
      await sub.connected;
      await sleep(200); // let the subscribe message reach the server

      const startedAt = Date.now();
      const exit = await three.stop(10_000);
      expect(exit, three.describe()).toEqual({ code: 0, signal: null });
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      await pollUntil('the client sees its socket closed', () => sub.closeCodes.length > 0, {
        timeoutMs: 2_000,
        intervalMs: 20,
      });
      expect(sub.closeCodes[0]).toBe(1001);
      expect(logLines(three.stdout()).some((l) => l.msg === 'stopped')).toBe(true);

      // another instance keeps serving
      expect((await readyStatus(cluster[1])).status, cluster[1].describe()).toBe(200);
    });
  },
);
