// The verdict rule exists twice: TypeScript for one attendance (the API, the session export) and SQL
// for the course report. On generated inputs, on this run's database (embedded, or PostgreSQL with
// TEST_DATABASE_URL), the two must agree: the rule alone, and the whole way from stored spans.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judge } from '../../src/answers/judge.ts';
import { sessionVerdicts } from '../../src/answers/report.ts';
import { verdict, type AttendancePolicy, type VerdictFacts } from '../../src/answers/verdict.ts';
import type { Database } from '../../src/db/database.ts';
import { Prisma } from '../../src/db/generated/prisma/client.ts';
import { DURATION_FUNCTION, VERDICT_FUNCTION } from '../../src/ingest/routines.ts';
import { openTestDatabase } from '../support/database.ts';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db?.close());

const BASE = Date.UTC(2026, 8, 1, 8, 0, 0);
const MINUTE = 60_000;
/** Offsets in ms: often whole minutes (thresholds fall on them), sometimes any millisecond. */
const offset = (maxMinutes: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: maxMinutes }).map((x) => x * MINUTE),
    fc.integer({ min: 0, max: maxMinutes * MINUTE }),
  );
const policyArb: fc.Arbitrary<AttendancePolicy> = fc.record({
  minAttendedPercent: fc.integer({ min: 0, max: 100 }),
  lateAfterMinutes: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
  leftEarlyMinutes: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
  minCameraPercent: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 })),
  minTalkSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600 })),
});

const factsArb: fc.Arbitrary<VerdictFacts> = fc
  .record({
    start: offset(600),
    length: offset(240),
    ended: fc.boolean(),
    first: offset(240),
    last: fc.option(offset(240)),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    cameraShare: fc.double({ min: 0, max: 1, noNaN: true }),
    talk: fc.option(fc.integer({ min: 0, max: 900 })),
  })
  .map(({ start, length, ended, first, last, share, cameraShare, talk }) => {
    const startedAt = new Date(BASE + start);
    const until = new Date(BASE + start + length);
    const seconds = Math.floor(length / 1000);
    const attendedSeconds = Math.round(seconds * share);
    return {
      startedAt,
      until,
      ended,
      attendedSeconds,
      cameraSeconds: Math.round(attendedSeconds * cameraShare),
      talkSeconds: talk,
      firstJoinedAt: new Date(startedAt.getTime() + Math.min(first, length)),
      lastLeftAt: last === null ? null : new Date(startedAt.getTime() + Math.min(last, length)),
    };
  });

const ts = (date: Date | null) =>
  date ? Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')` : Prisma.sql`NULL::timestamp(3)`;

/** The SQL rule called as the report calls it: the duration by its SQL function, lateness and earliness as intervals. */
async function sqlVerdict(f: VerdictFacts, p: AttendancePolicy): Promise<string> {
  const [row] = await db.prisma.$queryRaw<Array<{ verdict: string }>>(Prisma.sql`
    SELECT ${Prisma.raw(VERDICT_FUNCTION)}(${f.attendedSeconds}::bigint, ${Prisma.raw(DURATION_FUNCTION)}(${ts(f.startedAt)}, ${ts(f.until)}),
      ${f.ended}, ${ts(f.firstJoinedAt)} - ${ts(f.startedAt)}, ${ts(f.until)} - ${ts(f.lastLeftAt)},
      ${f.cameraSeconds}::bigint, ${f.talkSeconds}::bigint,
      ${p.minAttendedPercent}::int, ${p.lateAfterMinutes}::int, ${p.leftEarlyMinutes}::int, ${p.minCameraPercent}::int, ${p.minTalkSeconds}::int) AS verdict`);
  return row.verdict;
}

describe('the SQL verdict rule and the TypeScript one', () => {
  it('agree on the rule alone, live and ended, at and around every threshold', async () => {
    await fc.assert(
      fc.asyncProperty(factsArb, policyArb, async (facts, policy) => {
        expect(await sqlVerdict(facts, policy)).toBe(verdict(facts, policy));
      }),
      { numRuns: 200 },
    );
  });

  it('agree from stored spans: clipping, unions of overlapping connections, open spans, absences', async () => {
    const spanArb = fc.record({
      join: fc.integer({ min: -20, max: 100 }),
      length: fc.option(fc.integer({ min: 0, max: 90 }), { freq: 4 }),
      ms: fc.integer({ min: 0, max: 999 }),
      // a camera on this connection: from minutes after its join, for minutes (or left open)
      camera: fc.option(
        fc.record({ from: fc.integer({ min: -10, max: 60 }), length: fc.option(fc.integer({ min: 0, max: 90 })) }),
        { freq: 2 },
      ),
      talk: fc.option(fc.integer({ min: 0, max: 600 }), { freq: 2 }),
    });
    const sessionArb = fc.record({
      start: offset(60),
      // minutes; a negative length is an end reported before the start
      length: fc.integer({ min: -5, max: 90 }),
      attendances: fc.array(fc.option(fc.array(spanArb, { minLength: 1, maxLength: 4 }), { freq: 3 }), {
        minLength: 3,
        maxLength: 3,
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(sessionArb, { minLength: 1, maxLength: 3 }), policyArb, async (sessions, policy) => {
        const { courseId, expected } = await store(sessions, policy);
        const rows = await sessionVerdicts(db.prisma, courseId, { from: null, to: null });
        expect(
          rows.map(({ userId, sessionId, attendedSeconds, verdict }) => ({
            userId,
            sessionId,
            attendedSeconds,
            verdict,
          })),
        ).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  }, 120_000);
});

type SpanSpec = {
  join: number;
  length: number | null;
  ms: number;
  camera: { from: number; length: number | null } | null;
  talk: number | null;
};
type SessionSpec = { start: number; length: number; attendances: Array<Array<SpanSpec> | null> };

/** Stores a course of these sessions (three students, each with these spans or none) and judges them in TypeScript. */
async function store(sessions: SessionSpec[], policy: AttendancePolicy) {
  const tag = randomUUID().slice(0, 8);
  const course = await db.prisma.course.create({
    data: { slug: `prop-${tag}`, title: 'Property', policy: { create: policy } },
  });
  const users = [0, 1, 2].map((i) => `u${i}-${tag}`);
  await db.prisma.user.createMany({ data: users.map((id) => ({ id })) });
  // the third is on the roster only: they count even where they never came
  await db.prisma.enrolment.create({ data: { courseId: course.id, userId: users[2] } });
  const expected: Array<{ userId: string; sessionId: string; attendedSeconds: number; verdict: string }> = [];
  const now = new Date();
  for (const [index, spec] of sessions.entries()) {
    const startedAt = new Date(BASE + spec.start);
    const endedAt = new Date(startedAt.getTime() + spec.length * MINUTE);
    const session = await db.prisma.liveSession.create({
      data: { roomId: `prop-${tag}-${index}`, courseId: course.id, startedAt, endedAt },
    });
    for (const [u, spans] of spec.attendances.entries()) {
      const userId = users[u];
      if (!spans) {
        // no attendance: absent, if they are a student (on the roster, or came as a participant elsewhere)
        expected.push({ userId, sessionId: session.id, attendedSeconds: 0, verdict: 'ABSENT' });
        continue;
      }
      const stored = spans.map((s, i) => {
        const joinedAt = new Date(startedAt.getTime() + s.join * MINUTE + s.ms);
        return {
          participantSid: `PA_${i}`,
          joinedAt,
          leftAt: s.length === null ? null : new Date(joinedAt.getTime() + s.length * MINUTE),
        };
      });
      const closed = stored.filter((s) => s.leftAt).map((s) => s.leftAt!.getTime());
      const summary = {
        connected: stored.some((s) => s.leftAt === null),
        firstJoinedAt: new Date(Math.min(...stored.map((s) => s.joinedAt.getTime()))),
        lastLeftAt: closed.length ? new Date(Math.max(...closed)) : null,
      };
      const media = spans.flatMap((s, i) => {
        if (!s.camera) return [];
        const publishedAt = new Date(stored[i].joinedAt.getTime() + s.camera.from * MINUTE);
        const unpublishedAt =
          s.camera.length === null ? null : new Date(publishedAt.getTime() + s.camera.length * MINUTE);
        return [
          { participantSid: `PA_${i}`, trackSid: `TR_${i}`, source: 'CAMERA' as const, publishedAt, unpublishedAt },
        ];
      });
      // the analytics file's talk time, for some attendances: the first span's draw
      const engagement =
        spans[0].talk === null
          ? null
          : { talkSeconds: spans[0].talk, chatMessages: 0, raisedHands: 0, pollVotes: 0, reactions: 0 };
      await db.prisma.attendance.create({
        data: {
          sessionId: session.id,
          userId,
          ...summary,
          spans: { create: stored },
          media: { create: media },
          ...(engagement ? { engagement: { create: engagement } } : {}),
        },
      });
      const judged = judge({ ...summary, spans: stored, media, engagement }, { startedAt, endedAt }, policy, now);
      expected.push({
        userId,
        sessionId: session.id,
        attendedSeconds: judged.facts.attendedSeconds,
        verdict: judged.verdict,
      });
    }
  }
  // the report's students: the roster (the third) and whoever attended (all as participants here)
  const students = new Set([users[2]]);
  for (const spec of sessions) spec.attendances.forEach((spans, u) => spans && students.add(users[u]));
  const byKey = (e: { userId: string; sessionId: string }) => `${e.userId}\u0000${e.sessionId}`;
  const sorted = expected.filter((e) => students.has(e.userId)).sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
  return { courseId: course.id, expected: sorted };
}
