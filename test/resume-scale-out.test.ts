// Dashboards that never miss a change, across a cluster: three real instances on one PostgreSQL and
// a Redis of this test's own. While joins and leaves stream in, dashboards drop their sockets and
// resume with their last cursor on another instance at random, Redis is killed and restarted, and
// one instance is SIGKILLed. Every dashboard must end with every change of its room exactly once,
// in the log's order. Runs only with TEST_DATABASE_URL and TEST_REDIS_URL (.ci/run sets both).
import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import WebSocket from 'ws';
import { decodeCursor } from '../src/changes/cursor.ts';
import { testDatabaseUrl, testRedisUrl } from './support/backends.ts';
import {
  createScratchDatabase,
  pollUntil,
  redisServerAvailable,
  sleep,
  startRedisServer,
  type RedisServer,
  type ScratchDatabase,
} from './support/cluster-helpers.ts';
import { ResumableAttendanceSubscription } from './support/documents.ts';
import { participantEventBody } from './support/plugnmeet.ts';
import {
  killAll,
  removeDir,
  serviceEnv,
  spawnService,
  tempDataDir,
  type ServiceProcess,
} from './support/process-helpers.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const enabled = Boolean(testDatabaseUrl && testRedisUrl) && redisServerAvailable();
const T0 = 1_795_510_800;
const QUERY = print(ResumableAttendanceSubscription);

/** A dashboard that keeps its cursor and, whenever its socket goes, resumes on a random instance. */
function dashboard(name: string, roomId: string, instances: () => ServiceProcess[]) {
  const seqs: number[] = [];
  const problems: string[] = [];
  let cursor: string | null = null;
  let stopped = false;
  let current: ReturnType<typeof createClient> | undefined;
  let reconnects = 0;

  const once = () =>
    new Promise<void>((resolve) => {
      const alive = instances().filter((s) => s.isRunning());
      const target = alive[Math.floor(Math.random() * alive.length)];
      const client = createClient({
        url: target.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        on: { closed: () => resolve() },
      });
      current = client;
      client.subscribe(
        { query: QUERY, variables: { roomId, after: cursor } },
        {
          next: (message) => {
            if (message.errors) problems.push(JSON.stringify(message.errors));
            const change = (message.data as { attendanceChanged?: { cursor: string } } | null)?.attendanceChanged;
            if (!change) return;
            seqs.push(decodeCursor(change.cursor)!.seq);
            cursor = change.cursor;
          },
          error: () => resolve(),
          complete: () => resolve(),
        },
      );
    }).then(() => current?.dispose());

  const running = (async () => {
    while (!stopped) {
      await once();
      if (!stopped) {
        reconnects++;
        await sleep(50 + Math.random() * 200);
      }
    }
  })();

  return {
    name,
    seqs,
    problems,
    reconnects: () => reconnects,
    /** Closes its socket, as a laptop lid or a flaky network would. */
    drop: () => current?.terminate(),
    async stop() {
      stopped = true;
      current?.dispose();
      await running;
    },
  };
}

describe.skipIf(!enabled)(
  'resumable subscriptions across a cluster, through reconnects, a Redis restart and a killed instance',
  () => {
    let db: ScratchDatabase;
    let redis: RedisServer;
    let cluster: ServiceProcess[] = [];
    const dirs: string[] = [];

    beforeAll(async () => {
      db = await createScratchDatabase(testDatabaseUrl!, 'rollcall_resume');
      redis = await startRedisServer();
      const prefix = `rollcall-resume-${randomBytes(4).toString('hex')}:`;
      const envs = await Promise.all(
        [1, 2, 3].map(() => {
          const dir = tempDataDir();
          dirs.push(dir);
          return serviceEnv(dir, {
            DATABASE_URL: db.url,
            DATABASE_POOL_SIZE: '6',
            REDIS_URL: redis.url,
            REDIS_CHANNEL_PREFIX: prefix,
            LOG_LEVEL: 'warn',
          });
        }),
      );
      cluster = envs.map((env) => spawnService({ env }));
      await Promise.all(cluster.map((s) => s.waitUntilReady(90_000)));
    });

    afterAll(async () => {
      await killAll();
      await redis?.kill();
      await db?.drop();
      dirs.forEach(removeDir);
    });

    test('every dashboard ends with every change of its room exactly once, in order', async () => {
      const run = {
        roomId: `resume-cluster-${randomBytes(3).toString('hex')}`,
        roomSid: `RM_resume_${randomBytes(4).toString('hex')}`,
      };
      const dashboards = Array.from({ length: 6 }, (_, i) =>
        dashboard(`dashboard ${i + 1}`, run.roomId, () => cluster),
      );
      try {
        await streamAndCheck(run, dashboards);
      } finally {
        await Promise.all(dashboards.map((d) => d.stop()));
      }
    });

    async function streamAndCheck(
      run: { roomId: string; roomSid: string },
      dashboards: ReturnType<typeof dashboard>[],
    ) {
      /** Posts to a random live instance until one answers 200 (as PlugNMeet retries). */
      const deliver = async (body: string) => {
        for (let attempt = 0; attempt < 40; attempt++) {
          const alive = cluster.filter((s) => s.isRunning());
          const target = alive[Math.floor(Math.random() * alive.length)];
          const answer = await target.postWebhook(body).then(
            (r) => r.status,
            () => 0,
          );
          if (answer === 200) return;
          await sleep(100);
        }
        throw new Error(`not delivered: ${body.slice(0, 200)}`);
      };
      let ids = 0;
      const event = (kind: 'joined' | 'left', n: number) =>
        participantEventBody(
          kind === 'joined' ? '04-participant_joined-student' : '07-participant_left-student',
          run,
          { identity: `student-${n}`, sid: `PA_${n}`, joinedAt: T0 + n },
          T0 + n + (kind === 'left' ? 600 : 0),
          `resume-${++ids}-${randomBytes(3).toString('hex')}`,
        );

      // until every dashboard is listening (a subscription without a cursor starts from now), warm up
      let warm = 0;
      await pollUntil(
        'every dashboard receives a first change',
        async () => {
          await deliver(event('joined', 1000 + warm++));
          await sleep(200);
          return dashboards.every((d) => d.seqs.length > 0) || undefined;
        },
        { timeoutMs: 60_000, intervalMs: 10 },
      );
      const streamedFrom = Math.max(...dashboards.map((d) => d.seqs[0]));

      const people = Array.from({ length: 90 }, (_, n) => n);
      for (let round = 0; round < people.length; round += 6) {
        const batch = people.slice(round, round + 6);
        await Promise.all(batch.map((n) => deliver(event('joined', n))));
        if (round >= 12) await Promise.all(batch.map((n) => deliver(event('left', n - 12))));
        // sockets drop all the time: each dashboard's, in turn
        dashboards[(round / 6) % dashboards.length].drop();
        if (round === 30) {
          await redis.kill(); // changes keep being made while the bus is down
        }
        if (round === 42) await redis.start();
        if (round === 54) await cluster[2].kill(); // an instance dies: its dashboards resume elsewhere
        await sleep(30);
      }

      // the log's order of this room's changes: what every dashboard must have received
      const expected = await pollUntil(
        'the change log is numbered',
        async () => {
          const { rows } = await db.query(
            `SELECT count(*) FILTER (WHERE seq IS NULL)::int AS pending, array_agg(seq::int ORDER BY seq) FILTER (WHERE seq IS NOT NULL) AS seqs
         FROM "Change" WHERE topic = 'attendance' AND "roomId" = $1`,
            [run.roomId],
          );
          return rows[0].pending === 0 ? (rows[0].seqs as number[]) : undefined;
        },
        { timeoutMs: 30_000 },
      );
      const { rows: streamed } = await db.query(
        `SELECT count(*)::int AS n FROM "Change" WHERE topic = 'attendance' AND "roomId" = $1 AND (payload->>'userId')::text ~ '^student-[0-9]{1,2}$'`,
        [run.roomId],
      );
      expect(streamed[0].n).toBe(90 + 78); // a JOINED per join, a LEFT per leave
      expect(Math.min(...expected.filter((n) => n > streamedFrom))).toBeGreaterThan(0);

      // from its first change on, each dashboard must have every change exactly once, in order
      const owed = (d: ReturnType<typeof dashboard>) => expected.filter((n) => n >= d.seqs[0]);
      for (const d of dashboards) {
        await pollUntil(`${d.name} has caught up`, () => d.seqs.length >= owed(d).length || undefined, {
          timeoutMs: 60_000,
        }).catch(() => {});
      }
      await Promise.all(dashboards.map((d) => d.stop()));
      for (const d of dashboards) {
        expect(d.problems, d.name).toEqual([]);
        expect(d.seqs, `${d.name} (${d.reconnects()} reconnects)`).toEqual(owed(d));
        expect(d.reconnects(), d.name).toBeGreaterThan(0);
      }
    }
  },
);
