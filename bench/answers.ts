// Benchmark of the answers: a semester (60 sessions × 200 students) and a long course (1,000 sessions
// × 30 students) are seeded straight into the database, then the course report is asked for over
// GraphQL (time, SQL statements) and the course CSV is downloaded (time, peak RSS while it streams).
//
//   npx tsx bench/answers.ts [--quick] [--postgres postgres://…]   (a fresh database is made there)
//
// Server and client share this process: RSS is the server's with the client's small share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { createBus } from '../src/bus.ts';
import { openDatabase, type Database, type DatabaseTarget } from '../src/db/database.ts';
import { ROUTINES } from '../src/ingest/routines.ts';
import { startService } from '../src/service.ts';
import { median } from './common.ts';

const ADMIN = 'bench-admin-token-answers-0123456789';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const postgresUrl = args.includes('--postgres') ? args[args.indexOf('--postgres') + 1] : undefined;
const SIZES: Array<[sessions: number, students: number]> = quick
  ? [
      [12, 40],
      [100, 10],
    ]
  : [
      [60, 200],
      [1000, 30],
    ];
const RUNS = quick ? 3 : 7;

const REPORT_QUERY = `query Report($slug: String!) {
  course(slug: $slug) { report { user { id name } sessions present late leftEarly absent attendedSeconds attendedPercent } }
}`;

/** Seeds a course of `sessions` ended hour-long classes, a day apart, and `students` enrolled. */
async function seed(db: Database, slug: string, sessions: number, students: number) {
  const sql = (text: string) => db.prisma.$executeRawUnsafe(text);
  await sql(`SELECT setseed(0.42)`);
  await sql(`INSERT INTO "Course" (id, slug, title, "updatedAt") VALUES ('${slug}', '${slug}', '${slug}', now())`);
  await sql(
    `INSERT INTO "User" (id, name) SELECT '${slug}-' || lpad(i::text, 4, '0'), 'Student ' || i FROM generate_series(1, ${students}) i`,
  );
  await sql(
    `INSERT INTO "Enrolment" ("courseId", "userId") SELECT '${slug}', id FROM "User" WHERE id LIKE '${slug}-%'`,
  );
  await sql(`INSERT INTO "LiveSession" (id, "roomId", "roomSid", "courseId", "startedAt", "startConfirmed", "endedAt")
    SELECT '${slug}-s' || d, '${slug}-room', 'RM_${slug}_' || d, '${slug}', t, true, t + interval '1 hour'
    FROM generate_series(1, ${sessions}) d, LATERAL (SELECT timestamp '2026-01-05 09:00' + d * interval '1 day' AS t) x`);
  // 85 % come; they join within the first 15 minutes, leave within the last 15, one in five drops out for 10 minutes
  await sql(`CREATE TEMP TABLE seed AS
    SELECT s.id || '/' || u.id AS id, s.id AS session_id, u.id AS user_id,
           s."startedAt" + random() * interval '15 minutes' AS first_joined,
           s."endedAt" - random() * interval '15 minutes' AS last_left, random() < 0.2 AS gap
    FROM "LiveSession" s CROSS JOIN "User" u
    WHERE s."courseId" = '${slug}' AND u.id LIKE '${slug}-%' AND random() < 0.85`);
  await sql(`INSERT INTO "Attendance" (id, "sessionId", "userId", role, connected, "firstJoinedAt", "lastLeftAt")
    SELECT id, session_id, user_id, 'PARTICIPANT', false, first_joined, last_left FROM seed`);
  await sql(`INSERT INTO "PresenceSpan" (id, "attendanceId", "participantSid", "joinedAt", "leftAt")
    SELECT id || '/1', id, 'PA_1', first_joined, CASE WHEN gap THEN first_joined + interval '20 minutes' ELSE last_left END FROM seed
    UNION ALL
    SELECT id || '/2', id, 'PA_2', first_joined + interval '30 minutes', last_left FROM seed WHERE gap`);
  await sql(`DROP TABLE seed`);
  await sql(`ANALYZE`);
}

async function measureReport(url: string, slug: string, statements: { count: number }) {
  const times: number[] = [];
  let counted = 0;
  for (let run = 0; run <= RUNS; run++) {
    statements.count = 0;
    const started = performance.now();
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ query: REPORT_QUERY, variables: { slug } }),
    });
    const body = (await response.json()) as { data?: { course: { report: unknown[] } }; errors?: unknown };
    if (body.errors || !body.data) throw new Error(`report failed: ${JSON.stringify(body.errors)}`);
    if (run > 0) times.push(performance.now() - started); // the first run warms caches and plans
    counted = statements.count;
  }
  return { ms: median(times), statements: counted };
}

async function measureExport(url: string, slug: string) {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const response = await fetch(`${url}/exports/courses/${slug}.csv`, { headers: { authorization: `Bearer ${ADMIN}` } });
  let bytes = 0;
  let rows = -1;
  const reader = response.body!.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.length;
    for (const byte of read.value) if (byte === 0x0a) rows++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  if (response.status !== 200) throw new Error(`export answered ${response.status}`);
  return { ms, rows, bytes, rssBeforeMb: before / 2 ** 20, rssPeakMb: peak / 2 ** 20 };
}

async function openBenchDatabase(onQuery: (sql: string) => void): Promise<{ db: Database; cleanup(): Promise<void> }> {
  if (!postgresUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'rollcall-bench-answers-'));
    const db = await openDatabase({ kind: 'embedded', dir }, { onQuery });
    return { db, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `rollcall_bench_answers_${process.pid}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString(), poolSize: 10 };
  return {
    db: await openDatabase(target, { onQuery }),
    cleanup: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function main() {
  const statements = { count: 0 };
  const { db, cleanup } = await openBenchDatabase(() => statements.count++);
  await db.migrate(ROUTINES);
  const bus = createBus({});
  const app = await startService({
    config: {
      adminApiToken: ADMIN,
      graphiql: false,
      nodeEnv: 'production',
      dataDir: mkdtempSync(path.join(tmpdir(), 'rollcall-bench-data-')),
      plugnmeet: { apiKey: 'bench-key', apiSecret: 'bench-secret-0123456789abcdef', usingDevCredentials: false },
    },
    db,
    bus,
    logger: pino({ level: 'silent' }),
    listen: { port: 0, host: '127.0.0.1' },
  });
  const [{ version }] = await db.prisma.$queryRawUnsafe<Array<{ version: string }>>('SELECT version()');
  console.log(
    `answers benchmark: ${db.kind === 'postgres' ? 'PostgreSQL' : 'embedded (PGlite)'}, ${version.split(' on ')[0]}, Node ${process.version}${quick ? ', quick' : ''}`,
  );
  const lines = [
    '| sessions × students | seed | report (median of ' +
      RUNS +
      ') | report SQL statements | CSV export | CSV rows | RSS before → peak while streaming |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  try {
    for (const [sessions, students] of SIZES) {
      const slug = `bench-${sessions}x${students}`;
      const seeded = performance.now();
      await seed(db, slug, sessions, students);
      const seedMs = performance.now() - seeded;
      const report = await measureReport(app.url, slug, statements);
      const exported = await measureExport(app.url, slug);
      lines.push(
        `| ${sessions.toLocaleString('en')} × ${students} | ${(seedMs / 1000).toFixed(1)} s | ${report.ms.toFixed(0)} ms | ${report.statements} | ` +
          `${exported.ms.toFixed(0)} ms | ${exported.rows} | ${exported.rssBeforeMb.toFixed(0)} → ${exported.rssPeakMb.toFixed(0)} MB |`,
      );
    }
    console.log(lines.join('\n'));
  } finally {
    await app.stop(1_000);
    await bus.close();
    await db.close();
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
