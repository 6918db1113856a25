// The CSV exports: the exact bytes a school gets (BOM, header, RFC 4180 quoting, names in any
// script, formulas neutralised), who may have them, and that a large one streams.
import { request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_BATCH } from '../../src/answers/exports.ts';
import { EnrolMutation } from '../support/answers-documents.ts';
import { Classroom, type Student } from '../support/classroom.ts';
import { UpsertCourseMutation } from '../support/documents.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DASHBOARD_AUDIENCE, DASHBOARD_ISSUER, DASHBOARD_SECRET, dashboardToken } from '../support/tokens.ts';

const ADMIN = 'test-admin-token-exports-0123';
const T0 = 1_795_510_800; // 2026-11-24T09:00:00Z
let app: TestServer;
const statements: string[] = [];
const tokens: Record<'teacher' | 'otherTeacher' | 'student', string> = { teacher: '', otherTeacher: '', student: '' };
let sessionId = '';

const ZH: Student = { id: 'u-zh', name: '张伟' };
const AR: Student = { id: 'u-ar', name: 'فاطمة الزهراء' };
const COMMA: Student = { id: 'u-comma', name: 'Doe, Jane' };
const QUOTE: Student = { id: 'u-quote', name: 'Jimmy "JJ" Jones' };
const NEWLINE: Student = { id: 'u-nl', name: 'Line\nBreak' };
const FORMULA: Student = { id: 'u-formula', name: '=HYPERLINK("http://evil.example","x")' };
const TEACHER: Student = { id: 'teach-1', name: 'Dr. Rahimi', admin: true };

beforeAll(async () => {
  app = await startTestServer({
    adminApiToken: ADMIN,
    dashboard: { secret: DASHBOARD_SECRET, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
    onQuery: (sql) => statements.push(sql),
  });
  for (const [slug, manager] of [
    ['history-7', 'teach-1'],
    ['art-9', 'teach-2'],
  ]) {
    expect(
      (await app.graphql(UpsertCourseMutation, { slug, title: slug, managerIds: [manager] }, ADMIN)).errors,
    ).toBeUndefined();
  }
  const roster = [ZH, AR, COMMA, QUOTE, NEWLINE, FORMULA].map((s) => s.id).concat(['-sneaky', 'u-absent']);
  expect(
    (await app.graphql(EnrolMutation, { courseSlug: 'history-7', userIds: roster }, ADMIN)).errors,
  ).toBeUndefined();

  const room = new Classroom(app, 'history-7', T0);
  await room.start(0);
  await room.join(ZH, 0);
  await room.join(TEACHER, 0.5);
  await room.join(AR, 1);
  await room.join(QUOTE, 2);
  await room.join(NEWLINE, 3);
  await room.join(FORMULA, 4);
  await room.join(COMMA, 12);
  await room.leave(NEWLINE, 20);
  await room.leave(ZH, 30);
  await room.join(ZH, 35);
  await room.leave(QUOTE, 48);
  await room.end(60);
  sessionId = (await app.db.prisma.liveSession.findUniqueOrThrow({ where: { roomSid: room.run.roomSid } })).id;
  tokens.teacher = await dashboardToken('teach-1');
  tokens.otherTeacher = await dashboardToken('teach-2');
  tokens.student = await dashboardToken('u-zh');
});
afterAll(() => app?.close());

interface Got {
  status: number;
  headers: IncomingHttpHeaders;
  /** the body as it arrived, piece by piece */
  chunks: Buffer[];
  /** the body's bytes as UTF-8, the byte-order mark kept */
  text: string;
  json(): any;
}

/**
 * A request on a connection of its own: the server and these tests share one event loop, and a long
 * seeding step can let a kept-alive socket time out on the server just as the client reuses it.
 */
function get(path: string, token?: string, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${app.url}${path}`,
      { method, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const BOM = '\uFEFF';
const SESSION_CSV =
  BOM +
  'user_id,name,role,verdict,first_joined_at,last_left_at,attended_seconds,attended_percent,spans,' +
  'camera_seconds,microphone_seconds,screen_share_seconds,talk_seconds,chat_messages,raised_hands,poll_votes,reactions\r\n' +
  'u-zh,张伟,PARTICIPANT,PRESENT,2026-11-24T09:00:00Z,2026-11-24T10:00:00Z,3300,91.67,2026-11-24T09:00:00Z/2026-11-24T09:30:00Z;2026-11-24T09:35:00Z/2026-11-24T10:00:00Z,0,0,0,,,,,\r\n' +
  'teach-1,Dr. Rahimi,MODERATOR,PRESENT,2026-11-24T09:00:30Z,2026-11-24T10:00:00Z,3570,99.17,2026-11-24T09:00:30Z/2026-11-24T10:00:00Z,0,0,0,,,,,\r\n' +
  'u-ar,فاطمة الزهراء,PARTICIPANT,PRESENT,2026-11-24T09:01:00Z,2026-11-24T10:00:00Z,3540,98.33,2026-11-24T09:01:00Z/2026-11-24T10:00:00Z,0,0,0,,,,,\r\n' +
  'u-quote,"Jimmy ""JJ"" Jones",PARTICIPANT,LEFT_EARLY,2026-11-24T09:02:00Z,2026-11-24T09:48:00Z,2760,76.67,2026-11-24T09:02:00Z/2026-11-24T09:48:00Z,0,0,0,,,,,\r\n' +
  'u-nl,"Line\nBreak",PARTICIPANT,ABSENT,2026-11-24T09:03:00Z,2026-11-24T09:20:00Z,1020,28.33,2026-11-24T09:03:00Z/2026-11-24T09:20:00Z,0,0,0,,,,,\r\n' +
  `u-formula,"'=HYPERLINK(""http://evil.example"",""x"")",PARTICIPANT,PRESENT,2026-11-24T09:04:00Z,2026-11-24T10:00:00Z,3360,93.33,2026-11-24T09:04:00Z/2026-11-24T10:00:00Z,0,0,0,,,,,\r\n` +
  'u-comma,"Doe, Jane",PARTICIPANT,LATE,2026-11-24T09:12:00Z,2026-11-24T10:00:00Z,2880,80,2026-11-24T09:12:00Z/2026-11-24T10:00:00Z,0,0,0,,,,,\r\n' +
  "'-sneaky,,,ABSENT,,,0,0,,0,0,0,,,,,\r\n" +
  'u-absent,,,ABSENT,,,0,0,,0,0,0,,,,,\r\n';

const COURSE_CSV =
  BOM +
  'user_id,name,sessions,present,late,left_early,absent,attended_seconds,attended_percent,camera_seconds,talk_seconds\r\n' +
  "'-sneaky,,1,0,0,0,1,0,0,0,0\r\n" +
  'u-absent,,1,0,0,0,1,0,0,0,0\r\n' +
  'u-ar,فاطمة الزهراء,1,1,0,0,0,3540,98.33,0,0\r\n' +
  'u-comma,"Doe, Jane",1,0,1,0,0,2880,80,0,0\r\n' +
  `u-formula,"'=HYPERLINK(""http://evil.example"",""x"")",1,1,0,0,0,3360,93.33,0,0\r\n` +
  'u-nl,"Line\nBreak",1,0,0,0,1,1020,28.33,0,0\r\n' +
  'u-quote,"Jimmy ""JJ"" Jones",1,0,0,1,0,2760,76.67,0,0\r\n' +
  'u-zh,张伟,1,1,0,0,0,3300,91.67,0,0\r\n';

describe('the session export', () => {
  it('is exactly this file: BOM, CRLF, quoted commas, quotes and line breaks, any script, formulas neutralised', async () => {
    const response = await get(`/exports/sessions/${sessionId}.csv`, tokens.teacher);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="attendance-history-7-20261124090000-2026-11-24.csv"',
    );
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect([...response.chunks[0].subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(response.text).toBe(SESSION_CSV);
  });
});

describe('the course export', () => {
  it('is exactly this file: one row per student of the report, by id', async () => {
    const response = await get('/exports/courses/history-7.csv?from=2026-11-01&to=2026-12-01T00:00:00Z', ADMIN);
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="report-history-7-from-2026-11-01-to-2026-12-01.csv"',
    );
    expect(response.text).toBe(COURSE_CSV);
  });

  it('counts only sessions that started in [from, to)', async () => {
    const before = (await get('/exports/courses/history-7.csv?to=2026-11-24T09:00:00Z', ADMIN)).text;
    expect(before.split('\r\n')[1]).toBe("'-sneaky,,0,0,0,0,0,0,0,0,0");
    const from = (await get('/exports/courses/history-7.csv?from=2026-11-24T09:00:00Z', ADMIN)).text;
    expect(from).toBe(COURSE_CSV);
  });
});

describe('who may export', () => {
  const session = () => `/exports/sessions/${sessionId}.csv`;
  it('needs credentials: 401 without, or with a forged token', async () => {
    expect((await get(session())).status).toBe(401);
    expect((await get('/exports/courses/history-7.csv')).status).toBe(401);
    expect((await get(session(), 'not-a-token')).status).toBe(401);
    expect((await get('/exports/courses/no-such-course.csv')).status).toBe(401);
  });
  it('refuses a student (403: their own record is in `me`) and the manager of another course', async () => {
    for (const token of [tokens.student, tokens.otherTeacher]) {
      const response = await get(session(), token);
      expect(response.status).toBe(403);
      expect(response.json().message).toMatch(/^Not allowed to export session /);
      expect((await get('/exports/courses/history-7.csv', token)).status).toBe(403);
    }
  });
  it('answers 404 for an unknown session id or course slug', async () => {
    for (const token of [ADMIN, tokens.teacher]) {
      expect((await get('/exports/sessions/no-such-session.csv', token)).status).toBe(404);
      expect((await get('/exports/courses/no-such-course.csv', token)).status).toBe(404);
    }
  });
  it('answers 400 for malformed dates, or from after to', async () => {
    for (const query of [
      'from=yesterday',
      'to=2026-13-01',
      'from=2026-02-30',
      'from=2026-11-24T09:00:00',
      'from=2026-12-01&to=2026-11-01',
    ]) {
      const response = await get(`/exports/courses/history-7.csv?${query}`, ADMIN);
      expect(response.status, query).toBe(400);
      expect(response.json().message).toMatch(/^(from|to) /);
    }
  });
  it('refuses other methods', async () => {
    const response = await get(session(), ADMIN, 'POST');
    expect(response.status).toBe(405);
  });
});

describe('a large export', () => {
  it('streams: students come from the database a page at a time and the file arrives in pieces', async () => {
    const course = await app.db.prisma.course.create({ data: { slug: 'lecture-hall', title: 'Lecture hall' } });
    const count = EXPORT_BATCH * 2 + 100;
    const ids = Array.from({ length: count }, (_, i) => `s${String(i).padStart(5, '0')}`);
    await app.db.prisma.user.createMany({ data: ids.map((id, i) => ({ id, name: `Student ${i}` })) });
    await app.db.prisma.enrolment.createMany({ data: ids.map((userId) => ({ courseId: course.id, userId })) });
    for (let day = 0; day < 3; day++) {
      await app.db.prisma.liveSession.create({
        data: {
          roomId: `lecture-hall-${day}`,
          courseId: course.id,
          startedAt: new Date((T0 + day * 86_400) * 1000),
          endedAt: new Date((T0 + day * 86_400 + 3600) * 1000),
          attendances: {
            create: ids.slice(0, 50).map((userId) => ({
              userId,
              firstJoinedAt: new Date((T0 + day * 86_400) * 1000),
              lastLeftAt: new Date((T0 + day * 86_400 + 3600) * 1000),
              spans: {
                create: {
                  participantSid: `PA_${userId}`,
                  joinedAt: new Date((T0 + day * 86_400) * 1000),
                  leftAt: new Date((T0 + day * 86_400 + 3600) * 1000),
                },
              },
            })),
          },
        },
      });
    }
    statements.length = 0;
    const response = await get('/exports/courses/lecture-hall.csv', ADMIN);
    expect(response.status).toBe(200);
    const lines = response.text.split('\r\n');
    expect(lines).toHaveLength(1 + count + 1); // header, rows, and the empty string after the last CRLF
    expect(lines[1]).toBe('s00000,Student 0,3,3,0,0,0,10800,100,0,0');
    expect(lines[count]).toBe(`s${String(count - 1).padStart(5, '0')},Student ${count - 1},3,0,0,0,3,0,0,0,0`);
    expect(response.chunks.length).toBeGreaterThan(1);
    // three pages of students, each one statement
    expect(statements.filter((sql) => sql.includes('range_agg'))).toHaveLength(3);
  });

  it('pages a session of many attendances (ties on the first join broken by id) and many absentees without a gap or a repeat', async () => {
    const course = await app.db.prisma.course.create({ data: { slug: 'big-session', title: 'Big session' } });
    const came = Array.from({ length: EXPORT_BATCH * 2 + 50 }, (_, i) => `c${String(i).padStart(5, '0')}`);
    const absent = Array.from({ length: EXPORT_BATCH + 100 }, (_, i) => `a${String(i).padStart(5, '0')}`);
    await app.db.prisma.user.createMany({ data: [...came, ...absent].map((id) => ({ id })) });
    await app.db.prisma.enrolment.createMany({
      data: [...came, ...absent].map((userId) => ({ courseId: course.id, userId })),
    });
    const start = new Date(T0 * 1000);
    const session = await app.db.prisma.liveSession.create({
      data: { roomId: 'big-session-1', courseId: course.id, startedAt: start, endedAt: new Date((T0 + 3600) * 1000) },
    });
    // three arrival times only: most rows tie on firstJoinedAt
    await app.db.prisma.attendance.createMany({
      data: came.map((userId, i) => ({
        sessionId: session.id,
        userId,
        firstJoinedAt: new Date((T0 + (i % 3) * 60) * 1000),
        connected: true,
      })),
    });
    const lines = (await get(`/exports/sessions/${session.id}.csv`, ADMIN)).text.split('\r\n').slice(1, -1);
    const users = lines.map((line) => line.split(',')[0]);
    expect(users).toHaveLength(came.length + absent.length);
    expect(new Set(users).size).toBe(users.length);
    expect(users.slice(came.length)).toEqual(absent);
    expect(
      lines.slice(0, came.length).every((line) => line.split(',')[3] === 'PRESENT' || line.split(',')[3] === 'ABSENT'),
    ).toBe(true);
  });
});
