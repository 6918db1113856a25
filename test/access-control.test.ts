// Who may see what (issue 5): each caller — the admin token, a manager of course A, a manager of
// course B, a student of course A, anonymous callers and forged or stale tokens — sees exactly its
// scope, over HTTP and over graphql-ws; subscriptions are refused or filtered per subscriber; sockets
// die with their token; recording files obey the same rules; hostile queries are refused.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRollcallYoga } from '../src/service.ts';
import { UpsertCourseMutation } from './support/documents.ts';
import { API_KEY, API_SECRET, fixtureWith } from './support/plugnmeet.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import {
  dashboardToken,
  DASHBOARD_AUDIENCE,
  DASHBOARD_ISSUER,
  DASHBOARD_SECRET,
  nowSeconds,
  startJwksIssuer,
  unsignedToken,
  type JwksIssuer,
} from './support/tokens.ts';
import { postGraphQL } from './support/graphql-http.ts';

const ADMIN_TOKEN = 'test-admin-token-6f1c2a9e4b7d';

interface Room {
  id: string;
  sid: string;
}
const A = {
  slug: 'chemistry-a',
  title: 'Chemistry A',
  room: { id: 'chemistry-a-20261124090000', sid: 'RM_chemA_run1' },
};
const B = { slug: 'biology-b', title: 'Biology B', room: { id: 'biology-b-20261124090000', sid: 'RM_bioB_run1' } };
/** A room of no registered course: admins' only. */
const LOOSE_ROOM: Room = { id: 'unregistered-20261124090000', sid: 'RM_loose_run1' };

type Result = FormattedExecutionResult<any>;
type Vars = Record<string, unknown>;

let app: TestServer;
const courseIds: Record<'A' | 'B', string> = { A: '', B: '' };
const tokens = {} as Record<'admin' | 'managerA' | 'managerB' | 'studentA', string>;
const clients: Client[] = [];

// ---------------------------------------------------------------------------------------------
// PlugNMeet's side: webhook bodies for our rooms and people

interface Person {
  identity: string;
  name: string;
  moderator?: boolean;
  /** a second connection (another tab) gets another participant sid */
  connection?: number;
}

function roomEvent(kind: 'room_started' | 'room_finished', room: Room): string {
  return fixtureWith(kind === 'room_started' ? '02-room_started' : '09-room_finished', (e) => {
    e.id = randomUUID();
    e.room.room_id = room.id;
    e.room.sid = room.sid;
  });
}

function participantEvent(kind: 'joined' | 'left', room: Room, who: Person): string {
  return fixtureWith(kind === 'joined' ? '04-participant_joined-student' : '07-participant_left-student', (e) => {
    e.id = randomUUID();
    e.room.room_id = room.id;
    e.room.sid = room.sid;
    e.participant.identity = who.identity;
    e.participant.name = who.name;
    e.participant.sid = `PA_${who.identity}_${room.sid}_${who.connection ?? 1}`;
    e.participant.metadata = JSON.stringify({ is_admin: !!who.moderator, is_hidden: false });
  });
}

async function post(server: TestServer, body: string): Promise<void> {
  const response = await server.postWebhook(body);
  expect(response.status, await response.clone().text()).toBe(200);
}

// ---------------------------------------------------------------------------------------------
// A dashboard's side: raw GraphQL over HTTP and graphql-ws

async function http(
  query: string,
  variables?: Vars,
  token?: string,
  server: TestServer = app,
): Promise<{ status: number; body: Result }> {
  const response = await postGraphQL(server.url, query, variables, token);
  return { status: response.status, body: (await response.json()) as Result };
}

interface Connection {
  client: Client;
  /** Resolves when the server acknowledged the connection. */
  connected: Promise<void>;
  isConnected(): boolean;
  /** Resolves when the socket closes, with the code and when it arrived. */
  closed: Promise<{ code: number; reason: string; at: number }>;
}

/** A graphql-ws connection; `authorization` goes as is into connectionParams (undefined: none). */
function connect(authorization?: string, server: TestServer = app): Connection {
  let acknowledged = false;
  let onConnected!: () => void;
  let onClosed!: (event: { code: number; reason: string; at: number }) => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? {} : { authorization },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: {
      connected: () => {
        acknowledged = true;
        onConnected();
      },
      closed: (event) => {
        const e = event as { code: number; reason: string };
        onClosed({ code: e.code, reason: String(e.reason), at: Date.now() });
      },
    },
  });
  clients.push(client);
  return { client, connected, closed, isConnected: () => acknowledged };
}

const bearer = (token: string) => `Bearer ${token}`;

/** Runs a query or mutation over the socket: its result, or the errors the server refused it with. */
function wsExecute(client: Client, query: string, variables?: Vars): Promise<Result> {
  return new Promise((resolve, reject) => {
    let result: Result | undefined;
    client.subscribe<any>(
      { query, variables },
      {
        next: (value) => (result = value as Result),
        error: (error) =>
          Array.isArray(error)
            ? resolve({ errors: error as GraphQLFormattedError[] })
            : reject(new Error(`socket failed: ${JSON.stringify(error, ['code', 'reason', 'message'])}`)),
        complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
      },
    );
  });
}

interface Watcher {
  results: Result[];
  /** Resolves when the subscription ends: `errors` when refused with an error message. */
  ended: Promise<{ errors?: readonly GraphQLFormattedError[]; closed?: { code: number } }>;
  isEnded(): boolean;
  /** Waits until `predicate(results)` holds (or fails after timeoutMs, or if it ended). */
  until(predicate: (results: Result[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): void;
}

function watch(client: Client, query: string, variables?: Vars): Watcher {
  const results: Result[] = [];
  let ended = false;
  let wake = () => {};
  let finish!: (outcome: { errors?: readonly GraphQLFormattedError[]; closed?: { code: number } }) => void;
  const endedPromise = new Promise<{ errors?: readonly GraphQLFormattedError[]; closed?: { code: number } }>(
    (resolve) => (finish = resolve),
  );
  const end = (outcome: { errors?: readonly GraphQLFormattedError[]; closed?: { code: number } }) => {
    ended = true;
    finish(outcome);
    wake();
  };
  const stop = client.subscribe<any>(
    { query, variables },
    {
      next: (value) => {
        results.push(value as Result);
        wake();
      },
      error: (error) =>
        end(
          Array.isArray(error)
            ? { errors: error as GraphQLFormattedError[] }
            : { closed: { code: (error as { code: number }).code } },
        ),
      complete: () => end({}),
    },
  );
  return {
    results,
    ended: endedPromise,
    isEnded: () => ended,
    stop,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(results)) {
        if (ended) throw new Error(`subscription ended; received ${JSON.stringify(results)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(results)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

/** The error codes of a result. */
const codes = (result: { errors?: readonly GraphQLFormattedError[] }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

/** A subscription refused at subscribe time: it ends, carries FORBIDDEN and never any data. */
async function expectRefusedSubscription(watcher: Watcher) {
  const outcome = await watcher.ended;
  const errors = [...(outcome.errors ?? []), ...watcher.results.flatMap((r) => r.errors ?? [])];
  expect(outcome.closed, 'the socket stays open').toBeUndefined();
  expect(errors.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  expect(watcher.results.filter((r) => r.data != null)).toEqual([]);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Setup: two courses with a live class each, and a class of no course

const STUDENT_A: Person = { identity: 'student-a', name: 'Student A' };
const CLASSMATE_A: Person = { identity: 'student-a2', name: 'Classmate of A' };
const MANAGER_A: Person = { identity: 'manager-a', name: 'Manager A', moderator: true };
const STUDENT_B: Person = { identity: 'student-b', name: 'Student B' };
const MANAGER_B: Person = { identity: 'manager-b', name: 'Manager B', moderator: true };
const LOOSE_STUDENT: Person = { identity: 'student-z', name: 'Student Z' };

beforeAll(async () => {
  app = await startTestServer({
    adminApiToken: ADMIN_TOKEN,
    dashboard: { secret: DASHBOARD_SECRET, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
    maxSubscriptionsPerConnection: 3,
  });
  for (const [key, course, manager] of [
    ['A', A, 'manager-a'],
    ['B', B, 'manager-b'],
  ] as const) {
    const result = await app.graphql(
      UpsertCourseMutation,
      { slug: course.slug, title: course.title, managerIds: [manager] },
      ADMIN_TOKEN,
    );
    expect(result.errors).toBeUndefined();
    courseIds[key] = result.data!.upsertCourse.id;
  }
  for (const [room, people] of [
    [A.room, [MANAGER_A, STUDENT_A, CLASSMATE_A]],
    [B.room, [MANAGER_B, STUDENT_B]],
    [LOOSE_ROOM, [LOOSE_STUDENT]],
  ] as const) {
    await post(app, roomEvent('room_started', room));
    for (const person of people) await post(app, participantEvent('joined', room, person));
  }
  tokens.admin = ADMIN_TOKEN;
  tokens.managerA = await dashboardToken('manager-a');
  tokens.managerB = await dashboardToken('manager-b');
  tokens.studentA = await dashboardToken('student-a');
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await app?.close();
});

// ---------------------------------------------------------------------------------------------
// Each role's view, over both transports

const SCOPE_QUERY = /* GraphQL */ `
  query Scope {
    liveSessions { roomId course { slug } }
    courses { slug }
  }
`;
const ROOM_QUERY = /* GraphQL */ `
  query Room($roomId: String!) {
    liveSession(roomId: $roomId) { roomId onlineCount attendances { role user { id } } }
  }
`;
const COURSE_QUERY = /* GraphQL */ `
  query CourseForRole($slug: String!) {
    course(slug: $slug) { slug title liveSessions { roomId } }
  }
`;
const ME_QUERY = /* GraphQL */ `
  query Me {
    me { id attendances { role isOnline session { roomId } } }
  }
`;
const RENAME_MUTATION = /* GraphQL */ `
  mutation Rename($slug: String!, $title: String!) {
    upsertCourse(slug: $slug, title: $title) { slug title }
  }
`;
const SCHEDULE_MUTATION = /* GraphQL */ `
  mutation Schedule($courseSlug: String!, $roomId: String!) {
    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId) { id }
  }
`;

type Run = (query: string, variables?: Vars) => Promise<Result>;
type Role = keyof typeof tokens;

const wsConnections = new Map<Role, Connection>();
const transports: Array<[string, (role: Role) => Run]> = [
  ['HTTP', (role) => async (query, variables) => (await http(query, variables, tokens[role])).body],
  [
    'graphql-ws',
    (role) => async (query, variables) => {
      let connection = wsConnections.get(role);
      if (!connection) wsConnections.set(role, (connection = connect(bearer(tokens[role]))));
      await connection.connected;
      return wsExecute(connection.client, query, variables);
    },
  ],
];

const sortedRooms = (result: Result) =>
  (result.data!.liveSessions as Array<{ roomId: string }>).map((s) => s.roomId).sort();
const attendees = (result: Result) =>
  (result.data!.liveSession.attendances as Array<{ user: { id: string } }>).map((a) => a.user.id).sort();

describe.each(transports)('each role sees exactly its scope over %s', (_transport, runAs) => {
  it('admin: every session (also of no course) and course, any attendance, and the mutations', async () => {
    const run = runAs('admin');
    const scope = await run(SCOPE_QUERY);
    expect(scope.errors).toBeUndefined();
    expect(sortedRooms(scope)).toEqual([B.room.id, A.room.id, LOOSE_ROOM.id].sort());
    expect(scope.data!.courses).toEqual([{ slug: B.slug }, { slug: A.slug }]);

    for (const [room, people] of [
      [A.room, ['manager-a', 'student-a', 'student-a2']],
      [B.room, ['manager-b', 'student-b']],
      [LOOSE_ROOM, ['student-z']],
    ] as const) {
      const result = await run(ROOM_QUERY, { roomId: room.id });
      expect(result.errors).toBeUndefined();
      expect(attendees(result)).toEqual(people);
    }
    const course = await run(COURSE_QUERY, { slug: B.slug });
    expect(course.errors).toBeUndefined();
    expect(course.data!.course).toMatchObject({ slug: B.slug, liveSessions: [{ roomId: B.room.id }] });

    expect(await run(ME_QUERY)).toEqual({ data: { me: null } });
    const rename = await run(RENAME_MUTATION, { slug: A.slug, title: A.title });
    expect(rename).toEqual({ data: { upsertCourse: { slug: A.slug, title: A.title } } });
  });

  it("manager of A: A's session, course and attendance only", async () => {
    const run = runAs('managerA');
    const scope = await run(SCOPE_QUERY);
    expect(scope).toEqual({
      data: { liveSessions: [{ roomId: A.room.id, course: { slug: A.slug } }], courses: [{ slug: A.slug }] },
    });

    const mine = await run(ROOM_QUERY, { roomId: A.room.id });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.liveSession.onlineCount).toBe(3);
    expect(attendees(mine)).toEqual(['manager-a', 'student-a', 'student-a2']);
    const course = await run(COURSE_QUERY, { slug: A.slug });
    expect(course.errors).toBeUndefined();
    expect(course.data!.course).toMatchObject({ slug: A.slug, title: A.title, liveSessions: [{ roomId: A.room.id }] });

    for (const room of [B.room, LOOSE_ROOM]) {
      const other = await run(ROOM_QUERY, { roomId: room.id });
      expect(codes(other), room.id).toEqual(['FORBIDDEN']);
      expect(other.data?.liveSession ?? null).toBeNull();
    }
    const otherCourse = await run(COURSE_QUERY, { slug: B.slug });
    expect(codes(otherCourse)).toEqual(['FORBIDDEN']);
    expect(otherCourse.data?.course ?? null).toBeNull();
    // filtering by another course's id gives nothing of it
    const filtered = await run(/* GraphQL */ `query($c: ID) { liveSessions(courseId: $c) { roomId } }`, {
      c: courseIds.B,
    });
    expect(filtered.data?.liveSessions ?? []).toEqual([]);

    // a student's attendance elsewhere is not the course's to read
    const history = await run(
      /* GraphQL */ `query($roomId: String!) { liveSession(roomId: $roomId) { attendances { user { id attendances { id } } } } }`,
      { roomId: A.room.id },
    );
    expect(codes(history)).toContain('FORBIDDEN');
    expect(history.errors!.every((e) => e.path?.at(-1) === 'attendances' && e.path.includes('user'))).toBe(true);

    const me = await run(ME_QUERY);
    expect(me).toEqual({
      data: {
        me: { id: 'manager-a', attendances: [{ role: 'MODERATOR', isOnline: true, session: { roomId: A.room.id } }] },
      },
    });
  });

  it("manager of B: B's session, course and attendance only", async () => {
    const run = runAs('managerB');
    const scope = await run(SCOPE_QUERY);
    expect(scope).toEqual({
      data: { liveSessions: [{ roomId: B.room.id, course: { slug: B.slug } }], courses: [{ slug: B.slug }] },
    });
    const mine = await run(ROOM_QUERY, { roomId: B.room.id });
    expect(mine.errors).toBeUndefined();
    expect(attendees(mine)).toEqual(['manager-b', 'student-b']);

    const other = await run(ROOM_QUERY, { roomId: A.room.id });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(other.data ?? null)).not.toContain('student-a');
    const otherCourse = await run(COURSE_QUERY, { slug: A.slug });
    expect(codes(otherCourse)).toEqual(['FORBIDDEN']);
    expect(otherCourse.data?.course ?? null).toBeNull();
    const filtered = await run(/* GraphQL */ `query($c: ID) { liveSessions(courseId: $c) { roomId } }`, {
      c: courseIds.A,
    });
    expect(filtered.data?.liveSessions ?? []).toEqual([]);
  });

  it('student of A: no sessions or courses, only their own attendance through me', async () => {
    const run = runAs('studentA');
    expect(await run(SCOPE_QUERY)).toEqual({ data: { liveSessions: [], courses: [] } });

    const me = await run(ME_QUERY);
    expect(me).toEqual({
      data: {
        me: { id: 'student-a', attendances: [{ role: 'PARTICIPANT', isOnline: true, session: { roomId: A.room.id } }] },
      },
    });

    // the session of their attendance, but not the others' attendance in it, nor the course
    const nosy = await run(/* GraphQL */ `
      query {
        me { attendances { session { roomId onlineCount attendances { user { id } } onlineParticipants { user { id } } course { slug } } } }
      }
    `);
    expect(nosy.errors?.length).toBeGreaterThan(0);
    expect(new Set(codes(nosy))).toEqual(new Set(['FORBIDDEN']));
    expect(JSON.stringify(nosy.data ?? null)).not.toMatch(/student-a2|manager-a/);

    for (const room of [A.room, B.room]) {
      const direct = await run(ROOM_QUERY, { roomId: room.id });
      expect(codes(direct), room.id).toEqual(['FORBIDDEN']);
      expect(direct.data?.liveSession ?? null).toBeNull();
    }
    const course = await run(COURSE_QUERY, { slug: A.slug });
    expect(codes(course)).toEqual(['FORBIDDEN']);
    expect(course.data?.course ?? null).toBeNull();
  });

  it.each(['managerA', 'managerB', 'studentA'] as const)(
    '%s: mutations are FORBIDDEN and change nothing',
    async (role) => {
      const run = runAs(role);
      const rename = await run(RENAME_MUTATION, { slug: A.slug, title: 'Taken over' });
      expect(codes(rename)).toEqual(['FORBIDDEN']);
      expect(rename.data ?? null).toBeNull();
      const schedule = await run(SCHEDULE_MUTATION, { courseSlug: A.slug, roomId: 'chemistry-a-20261224090000' });
      expect(codes(schedule)).toEqual(['FORBIDDEN']);

      const check = await http(COURSE_QUERY, { slug: A.slug }, ADMIN_TOKEN);
      expect(check.body.data!.course).toMatchObject({ title: A.title, liveSessions: [{ roomId: A.room.id }] });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Anonymous callers and bad tokens

const badCredentials: Array<[string, () => Promise<string | undefined>]> = [
  ['anonymous (no credential)', async () => undefined],
  ['an expired token', () => dashboardToken('manager-a', { expiresAt: nowSeconds() - 120 })],
  [
    'a token signed with another key',
    () => dashboardToken('manager-a', { secret: 'another-lms-secret-0123456789abcdef0123' }),
  ],
  ['an alg: none token', async () => unsignedToken('manager-a')],
  ['a token for another audience', () => dashboardToken('manager-a', { audience: 'another-app' })],
  ['a token without an audience', () => dashboardToken('manager-a', { audience: null })],
  ['a token from another issuer', () => dashboardToken('manager-a', { issuer: 'https://evil.example' })],
  ['a token not valid yet (nbf)', () => dashboardToken('manager-a', { notBefore: nowSeconds() + 300 })],
  ['a wrong admin token', async () => `${ADMIN_TOKEN}x`],
  ['not a token at all', async () => 'hello'],
];

describe.each(badCredentials)('%s', (_name, make) => {
  it('is refused over HTTP: 401 UNAUTHENTICATED, no data', async () => {
    const token = await make();
    for (const query of [SCOPE_QUERY, ME_QUERY]) {
      const { status, body } = await http(query, undefined, token);
      expect(status).toBe(401);
      expect(codes(body)).toEqual(['UNAUTHENTICATED']);
      expect(body.data ?? null).toBeNull();
    }
    const mutation = await http(RENAME_MUTATION, { slug: A.slug, title: 'Taken over' }, token);
    expect(mutation.status).toBe(401);
  });

  it('is refused over graphql-ws: the connection closes with 4403', async () => {
    const token = await make();
    const connection = connect(token === undefined ? undefined : bearer(token));
    const closed = await connection.closed;
    expect(closed.code).toBe(4403);
    expect(connection.isConnected()).toBe(false);
  });
});

describe('anonymous callers', () => {
  it('still get /health and /ready', async () => {
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/ready`)).status).toBe(200);
  });
});

describe('graphql-ws credentials', () => {
  it('accept the token without the Bearer prefix in connectionParams.authorization', async () => {
    const manager = connect(tokens.managerA);
    await manager.connected;
    expect(await wsExecute(manager.client, '{ courses { slug } }')).toEqual({ data: { courses: [{ slug: A.slug }] } });
    const admin = connect(ADMIN_TOKEN);
    await admin.connected;
    expect((await wsExecute(admin.client, '{ courses { slug } }')).data!.courses).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Subscriptions

const ATTENDANCE_SUBSCRIPTION = /* GraphQL */ `
  subscription Attendance($roomId: String!) {
    attendanceChanged(roomId: $roomId) { kind attendance { user { id } } session { roomId course { slug } } }
  }
`;
const SESSIONS_SUBSCRIPTION = /* GraphQL */ `
  subscription Sessions($courseId: ID) {
    liveSessionChanged(courseId: $courseId) { kind session { roomId course { slug } } }
  }
`;

type SessionEvent = [kind: string, roomId: string];
const sessionEvents = (w: Watcher): SessionEvent[] =>
  w.results.map((r) => [r.data?.liveSessionChanged?.kind, r.data?.liveSessionChanged?.session.roomId]);

describe('subscriptions', () => {
  it("refuses a room or course outside one's scope at subscribe time", async () => {
    const managerB = connect(bearer(tokens.managerB));
    const student = connect(bearer(tokens.studentA));
    await Promise.all([managerB.connected, student.connected]);

    await expectRefusedSubscription(watch(managerB.client, ATTENDANCE_SUBSCRIPTION, { roomId: A.room.id }));
    await expectRefusedSubscription(watch(managerB.client, SESSIONS_SUBSCRIPTION, { courseId: courseIds.A }));
    await expectRefusedSubscription(watch(student.client, ATTENDANCE_SUBSCRIPTION, { roomId: A.room.id }));
    await expectRefusedSubscription(watch(student.client, SESSIONS_SUBSCRIPTION, { courseId: courseIds.A }));
    // a room of no course is the admin's only
    await expectRefusedSubscription(watch(managerB.client, ATTENDANCE_SUBSCRIPTION, { roomId: LOOSE_ROOM.id }));

    // the refusals closed nothing: the same sockets still serve what is in scope
    expect((await wsExecute(managerB.client, '{ courses { slug } }')).data).toEqual({ courses: [{ slug: B.slug }] });
    expect((await wsExecute(student.client, '{ me { id } }')).data).toEqual({ me: { id: 'student-a' } });
  });

  it("delivers a room's joins to its course's manager and the admin", async () => {
    const managerA = connect(bearer(tokens.managerA));
    const admin = connect(bearer(ADMIN_TOKEN));
    await Promise.all([managerA.connected, admin.connected]);
    const mine = watch(managerA.client, ATTENDANCE_SUBSCRIPTION, { roomId: A.room.id });
    const all = watch(admin.client, ATTENDANCE_SUBSCRIPTION, { roomId: A.room.id });
    // another tab of the classmate, until both subscribers have seen one (they are then registered)
    for (let tab = 2; ; tab++) {
      await post(app, participantEvent('joined', A.room, { ...CLASSMATE_A, connection: tab }));
      const seen = await Promise.all(
        [mine, all].map((w) =>
          w
            .until((r) => r.length > 0, 1_000)
            .then(
              () => true,
              () => false,
            ),
        ),
      );
      if (seen.every(Boolean)) break;
      expect(tab, 'subscriptions never received a join').toBeLessThan(10);
    }
    for (const w of [mine, all]) {
      expect(w.results[0].errors).toBeUndefined();
      expect(w.results[0].data!.attendanceChanged).toMatchObject({
        kind: 'JOINED',
        attendance: { user: { id: 'student-a2' } },
        session: { roomId: A.room.id, course: { slug: A.slug } },
      });
    }
    mine.stop();
    all.stop();
  });

  it("gives a manager subscribed to every course's sessions their own course's events only", async () => {
    const roles = ['admin', 'managerA', 'managerB', 'studentA'] as const;
    const sockets = Object.fromEntries(roles.map((role) => [role, connect(bearer(tokens[role]))])) as Record<
      Role,
      Connection
    >;
    await Promise.all(roles.map((role) => sockets[role].connected));
    const w = Object.fromEntries(
      roles.map((role) => [role, watch(sockets[role].client, SESSIONS_SUBSCRIPTION, {})]),
    ) as Record<Role, Watcher>;

    // Probes: a short class in A and one in B until every manager (and the admin) has seen one:
    // from then on every subscription is registered and sees all that follows.
    const ready = { A: false, B: false };
    for (let n = 1; !(ready.A && ready.B); n++) {
      expect(n, 'subscriptions never received a probe').toBeLessThan(10);
      for (const key of ['A', 'B'] as const) {
        if (ready[key]) continue;
        const course = key === 'A' ? A : B;
        const probe = { id: `${course.slug}-20261125${String(n).padStart(6, '0')}`, sid: `RM_probe_${key}_${n}` };
        await post(app, roomEvent('room_started', probe));
        await post(app, roomEvent('room_finished', probe));
        const watchers = [w.admin, key === 'A' ? w.managerA : w.managerB];
        const seen = await Promise.all(
          watchers.map((x) =>
            x
              .until((r) => r.some((e) => e.data?.liveSessionChanged.session.roomId === probe.id), 1_000)
              .then(
                () => true,
                () => false,
              ),
          ),
        );
        ready[key] = seen.every(Boolean);
      }
    }

    // the classes under test: A starts, B starts, A ends, B ends (B's end comes last)
    const runA = { id: 'chemistry-a-20261126090000', sid: 'RM_chemA_run2' };
    const runB = { id: 'biology-b-20261126090000', sid: 'RM_bioB_run2' };
    await post(app, roomEvent('room_started', runA));
    await post(app, roomEvent('room_started', runB));
    await post(app, roomEvent('room_finished', runA));
    await post(app, roomEvent('room_finished', runB));

    const ended = (roomId: string) => (r: Result[]) =>
      r.some((e) => e.data?.liveSessionChanged.kind === 'ENDED' && e.data.liveSessionChanged.session.roomId === roomId);
    await w.admin.until((r) => ended(runA.id)(r) && ended(runB.id)(r));
    await w.managerA.until(ended(runA.id));
    await w.managerB.until(ended(runB.id));

    const slugs = (x: Watcher) => new Set(x.results.map((r) => r.data?.liveSessionChanged.session.course?.slug));
    for (const x of Object.values(w)) expect(x.results.flatMap((r) => r.errors ?? [])).toEqual([]);
    // B's manager: B's events, never A's (A's end was published before B's, which arrived)
    expect(slugs(w.managerB)).toEqual(new Set([B.slug]));
    expect(sessionEvents(w.managerB).slice(-2)).toEqual([
      ['STARTED', runB.id],
      ['ENDED', runB.id],
    ]);
    expect(slugs(w.managerA)).toEqual(new Set([A.slug]));
    expect(sessionEvents(w.managerA).slice(-2)).toEqual([
      ['STARTED', runA.id],
      ['ENDED', runA.id],
    ]);
    // the admin: both courses', in order
    expect(slugs(w.admin)).toEqual(new Set([A.slug, B.slug]));
    expect(sessionEvents(w.admin).slice(-4)).toEqual([
      ['STARTED', runA.id],
      ['STARTED', runB.id],
      ['ENDED', runA.id],
      ['ENDED', runB.id],
    ]);
    // the student manages nothing: the subscription is allowed, and silent
    expect(w.studentA.isEnded()).toBe(false);
    expect(w.studentA.results).toEqual([]);
    for (const x of Object.values(w)) x.stop();
  });

  it('caps the subscriptions of one connection, and counts only those still running', async () => {
    const admin = connect(bearer(ADMIN_TOKEN));
    await admin.connected;
    const running = [1, 2, 3].map(() => watch(admin.client, SESSIONS_SUBSCRIPTION, {}));
    const fourth = watch(admin.client, SESSIONS_SUBSCRIPTION, {});
    const outcome = await fourth.ended;
    expect(outcome.errors?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    expect(outcome.errors![0].message).toMatch(/at most 3/);
    expect(running.some((w) => w.isEnded())).toBe(false);

    // one completed frees a place (the server learns of it asynchronously: try until it has)
    running[0].stop();
    let again: Watcher | undefined;
    for (let attempt = 0; attempt < 20 && !again; attempt++) {
      const candidate = watch(admin.client, SESSIONS_SUBSCRIPTION, {});
      const result = await Promise.race([candidate.ended, delay(300).then(() => 'running' as const)]);
      if (result === 'running') again = candidate;
      else expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    }
    expect(again, 'a fourth subscription after one completed').toBeDefined();
    [running[1], running[2], again!].forEach((w) => w.stop());
  });

  it('does not count refused subscriptions against the cap', async () => {
    const managerB = connect(bearer(tokens.managerB));
    await managerB.connected;
    for (let i = 0; i < 4; i++)
      await expectRefusedSubscription(watch(managerB.client, ATTENDANCE_SUBSCRIPTION, { roomId: A.room.id }));
    const allowed = [1, 2, 3].map(() => watch(managerB.client, ATTENDANCE_SUBSCRIPTION, { roomId: B.room.id }));
    await delay(300);
    expect(allowed.map((w) => w.isEnded())).toEqual([false, false, false]);
    allowed.forEach((w) => w.stop());
  });
});

// ---------------------------------------------------------------------------------------------
// Token expiry on open sockets

describe('a socket lives no longer than its token', () => {
  it('is closed with 4403 within 1 s of the token expiring, ending its subscriptions', async () => {
    const exp = nowSeconds() + 3; // 2–3 s ahead
    const connection = connect(bearer(await dashboardToken('manager-a', { expiresAt: exp })));
    await connection.connected;
    const live = watch(connection.client, ATTENDANCE_SUBSCRIPTION, { roomId: A.room.id });
    // usable until then
    expect(await wsExecute(connection.client, '{ courses { slug } }')).toEqual({
      data: { courses: [{ slug: A.slug }] },
    });

    const closed = await connection.closed;
    expect(closed.code).toBe(4403);
    // at the token's exp itself: the verifier's clock tolerance (5 s) must not extend the socket
    expect(Math.abs(closed.at - exp * 1000)).toBeLessThan(1_000);
    expect((await live.ended).closed?.code).toBe(4403);
    expect(live.results).toEqual([]);
  });

  it('keeps the socket of a long-lived token (30 days) open until it expires', async () => {
    const connection = connect(bearer(await dashboardToken('manager-a', { expiresAt: nowSeconds() + 30 * 24 * 3600 })));
    await connection.connected;
    const state = await Promise.race([
      connection.closed.then((c) => `closed ${c.code}`),
      delay(500).then(() => 'open'),
    ]);
    expect(state).toBe('open');
    expect(await wsExecute(connection.client, '{ courses { slug } }')).toEqual({
      data: { courses: [{ slug: A.slug }] },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Recordings

describe('recordings obey the same rules', () => {
  let recordingId: string;
  const content = Buffer.from('not really an mp4, but bytes of course A');

  beforeAll(async () => {
    const session = await app.db.prisma.liveSession.findFirstOrThrow({ where: { roomId: A.room.id } });
    const recording = await app.db.prisma.recording.create({
      data: {
        recordId: 'rec-chemistry-a-1',
        roomId: A.room.id,
        roomSid: A.room.sid,
        sessionId: session.id,
        status: 'READY',
        type: 'VIDEO',
        fileReady: true,
        fileName: 'rec-chemistry-a-1.mp4',
        fileSize: BigInt(content.length),
        mimeType: 'video/mp4',
        hasThumbnail: true,
        readyAt: new Date(),
      },
    });
    recordingId = recording.id;
    const dir = path.join(app.dataDir, 'recordings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'rec-chemistry-a-1.mp4'), content);
    writeFileSync(path.join(dir, `${recording.id}.jpg`), Buffer.from('jpeg bytes'));
  });

  const get = (what: 'file' | 'thumbnail', token?: string, method = 'GET') =>
    fetch(`${app.url}/recordings/${recordingId}/${what}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it("serves a file of course A to A's manager and the admin only", async () => {
    for (const what of ['file', 'thumbnail'] as const) {
      expect((await get(what)).status, `${what} anonymous`).toBe(401);
      expect(
        (await get(what, await dashboardToken('manager-a', { expiresAt: nowSeconds() - 120 }))).status,
        `${what} expired`,
      ).toBe(401);
      expect((await get(what, unsignedToken('manager-a'))).status, `${what} alg none`).toBe(401);
      expect((await get(what, tokens.managerB)).status, `${what} manager B`).toBe(403);
      expect((await get(what, tokens.studentA)).status, `${what} student`).toBe(403);
      expect((await get(what, tokens.managerB, 'HEAD')).status, `${what} HEAD manager B`).toBe(403);
    }
    const forManager = await get('file', tokens.managerA);
    expect(forManager.status).toBe(200);
    expect(Buffer.from(await forManager.arrayBuffer())).toEqual(content);
    expect((await get('file', ADMIN_TOKEN)).status).toBe(200);
    expect((await get('thumbnail', tokens.managerA)).status).toBe(200);
  });

  it("lists recordings per scope, and refuses another course's", async () => {
    const list = /* GraphQL */ `{ recordings { id url session { roomId } } }`;
    const expected = [{ id: recordingId, url: `/recordings/${recordingId}/file`, session: { roomId: A.room.id } }];
    expect((await http(list, undefined, ADMIN_TOKEN)).body).toEqual({ data: { recordings: expected } });
    expect((await http(list, undefined, tokens.managerA)).body).toEqual({ data: { recordings: expected } });
    expect((await http(list, undefined, tokens.managerB)).body).toEqual({ data: { recordings: [] } });
    expect((await http(list, undefined, tokens.studentA)).body).toEqual({ data: { recordings: [] } });

    const one = /* GraphQL */ `query($id: ID!) { recording(id: $id) { id } }`;
    expect((await http(one, { id: recordingId }, tokens.managerA)).body).toEqual({
      data: { recording: { id: recordingId } },
    });
    const refused = (await http(one, { id: recordingId }, tokens.managerB)).body;
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.data?.recording ?? null).toBeNull();

    const ofSession = /* GraphQL */ `query($roomId: String!) { me { id } liveSession(roomId: $roomId) { recordings { id } } }`;
    const asManager = await http(ofSession, { roomId: A.room.id }, tokens.managerA);
    expect(asManager.body.data!.liveSession).toEqual({ recordings: [{ id: recordingId }] });
    // the student may see their session through their attendance, not its recordings
    const viaAttendance = await http(
      `{ me { attendances { session { roomId recordings { id } } } } }`,
      undefined,
      tokens.studentA,
    );
    expect(codes(viaAttendance.body)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(viaAttendance.body.data ?? null)).not.toContain(recordingId);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile queries

/** `{ liveSessions { course { liveSessions { … { id } } } } }`: `depth` levels, the leaf `id` included. */
function deepQuery(depth: number): string {
  let selection = 'id';
  // pages of one session below the root: deep, but not a fan-out (the cost limit refuses those)
  for (let level = depth - 1; level >= 1; level--) {
    selection = `${level === 1 ? 'liveSessions' : level % 2 === 1 ? 'liveSessions(first: 1)' : 'course'} { ${selection} }`;
  }
  return `query Deep { ${selection} }`;
}

const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard {
    liveSessions {
      id roomId subject isLive startedAt onlineCount
      course { id slug title }
      onlineParticipants { role firstJoinedAt attendedSeconds user { id name } }
      attendances { role isOnline attendedSeconds user { id name } spans { joinedAt leftAt } }
    }
  }
`;

describe('hostile queries', () => {
  it('refuses a query 20 levels deep over HTTP', async () => {
    const { body } = await http(deepQuery(20), undefined, ADMIN_TOKEN);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((e) => e.message)).toEqual(['Query depth limit of 12 exceeded, found 20.']);
    expect(codes(body)).toEqual(['OPERATION_TOO_LARGE']);
    // the same shape 12 deep is fine
    expect((await http(deepQuery(12), undefined, ADMIN_TOKEN)).body.errors).toBeUndefined();
  });

  it('refuses a query of 500 aliases', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: slug`).join(' ');
    const { body } = await http(`query Many { courses { ${aliases} } }`, undefined, ADMIN_TOKEN);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((e) => e.message)).toEqual(['Aliases limit of 30 exceeded, found 500.']);
    expect(codes(body)).toEqual(['OPERATION_TOO_LARGE']);
  });

  it('refuses a query of more than 3000 tokens', async () => {
    const { body } = await http(`query Long { courses { ${'slug '.repeat(3_100)}} }`, undefined, ADMIN_TOKEN);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/^Token limit of 3000 exceeded/)]);
    expect(codes(body)).toEqual(['OPERATION_TOO_LARGE']);
  });

  /** Course → its sessions → their course → its sessions …: each level multiplies the rows by a page. */
  const fanOut = (page: string, header = '') =>
    `query FanOut${header} { courses { liveSessions${page} { course { liveSessions${page} { course { liveSessions${page} { course { liveSessions${page} { id } } } } } } } } }`;
  // armor counts pages written in the query; Pothos' complexity also those from defaults and variables
  const COST_REFUSAL =
    /Query Cost limit of 20000 exceeded, found \d+|Query too complex: its complexity is \d+, the limit is 10000/;

  it('refuses a fan-out through pages of 50 by its cost (within the depth, alias and token limits)', async () => {
    const { body } = await http(fanOut('(first: 50)'), undefined, ADMIN_TOKEN);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((e) => e.message)).toEqual([expect.stringMatching(COST_REFUSAL)]);
  });

  it.each([
    ['the default page size (50)', fanOut(''), {}],
    ['a page size in a variable', fanOut('(first: $n)', '($n: Int)'), { n: 50 }],
  ])('refuses the same fan-out by its cost with %s', async (_how, query, variables) => {
    const { body } = await http(query, variables, ADMIN_TOKEN);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((e) => e.message)).toEqual([expect.stringMatching(COST_REFUSAL)]);
  });

  it.each([
    ['20 levels deep', () => deepQuery(20), /depth limit of 12 exceeded, found 20/],
    [
      'of 500 aliases',
      () => `query Many { courses { ${Array.from({ length: 500 }, (_, i) => `a${i}: slug`).join(' ')} } }`,
      /Aliases limit of 30 exceeded, found 500/,
    ],
    ['fanning out over its cost', () => fanOut('(first: 50)'), COST_REFUSAL],
  ])(
    'refuses a query %s over graphql-ws with an error for that operation, the socket kept',
    async (_what, query, message) => {
      const admin = connect(bearer(ADMIN_TOKEN));
      await admin.connected;
      const running = watch(admin.client, SESSIONS_SUBSCRIPTION, {});
      const overWs = await wsExecute(admin.client, query());
      expect(overWs.errors?.map((e) => e.message)).toEqual([expect.stringMatching(message)]);
      // one bad operation does not take the connection and its other subscriptions down
      expect((await wsExecute(admin.client, '{ courses { slug } }')).errors).toBeUndefined();
      expect(running.isEnded()).toBe(false);
      running.stop();
    },
  );

  it('refuses a 100 KB query with 413, over HTTP and graphql-ws', async () => {
    const huge = `query Huge { courses { slug } } ${'#'.repeat(100 * 1024)}`;
    const { status, body } = await http(huge, undefined, ADMIN_TOKEN);
    expect(status).toBe(413);
    expect(codes(body)).toEqual(['QUERY_TOO_LARGE']);
    expect(body.errors![0].message).toMatch(/too large: at most 32768 bytes/);
    expect(body.data ?? null).toBeNull();

    const admin = connect(bearer(ADMIN_TOKEN));
    await admin.connected;
    const overWs = await wsExecute(admin.client, huge);
    expect(codes(overWs)).toEqual(['QUERY_TOO_LARGE']);
    // and the socket still serves normal queries
    expect((await wsExecute(admin.client, '{ courses { slug } }')).errors).toBeUndefined();
  });

  it("answers a normal dashboard query in full (a manager's, over HTTP and graphql-ws)", async () => {
    const { status, body } = await http(DASHBOARD_QUERY, undefined, tokens.managerA);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.liveSessions).toHaveLength(1);
    const session = body.data!.liveSessions[0];
    expect(session).toMatchObject({ roomId: A.room.id, isLive: true, course: { slug: A.slug } });
    expect(session.onlineParticipants.map((a: { user: { id: string } }) => a.user.id).sort()).toEqual([
      'manager-a',
      'student-a',
      'student-a2',
    ]);
    expect(session.attendances.every((a: { spans: unknown[] }) => a.spans.length > 0)).toBe(true);

    const manager = connect(bearer(tokens.managerA));
    await manager.connected;
    const overWs = await wsExecute(manager.client, DASHBOARD_QUERY);
    expect(overWs.errors).toBeUndefined();
    expect(overWs.data!.liveSessions).toHaveLength(1);
  });

  it('suggests no field names in production (but does in development)', async () => {
    const misspelled = '{ coursez { slug } }';
    const dev = await http(misspelled, undefined, ADMIN_TOKEN);
    expect(dev.body.errors?.[0].message).toMatch(/Did you mean .*"courses"/);

    const production = createRollcallYoga(
      {
        config: {
          adminApiToken: ADMIN_TOKEN,
          dashboard: { secret: DASHBOARD_SECRET },
          graphiql: false,
          nodeEnv: 'production',
          plugnmeet: { apiKey: API_KEY, apiSecret: API_SECRET, usingDevCredentials: false },
        },
        db: app.db,
        bus: app.bus,
        logger: pino({ level: 'silent' }),
      },
      { feed: app.server.feed, changesCommitted: () => {} },
    );
    const response = await production.fetch('http://rollcall.test/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${ADMIN_TOKEN}`,
      },
      body: JSON.stringify({ query: misspelled }),
    });
    const body = (await response.json()) as Result;
    expect(body.errors?.length).toBe(1);
    expect(body.errors![0].message).toMatch(/coursez/);
    expect(body.errors![0].message).not.toMatch(/Did you mean|courses/);
  });
});

// ---------------------------------------------------------------------------------------------
// An issuer's JWKS instead of a shared secret

describe('dashboard tokens verified with the issuer JWKS', () => {
  let issuer: JwksIssuer;
  let jwksApp: TestServer;

  beforeAll(async () => {
    issuer = await startJwksIssuer();
    jwksApp = await startTestServer({
      adminApiToken: ADMIN_TOKEN,
      dashboard: { jwksUrl: issuer.jwksUrl, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
    });
    for (const [slug, manager] of [
      ['physics-p', 'physics-manager'],
      ['history-h', 'history-manager'],
    ]) {
      const result = await jwksApp.graphql(
        UpsertCourseMutation,
        { slug, title: slug, managerIds: [manager] },
        ADMIN_TOKEN,
      );
      expect(result.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await jwksApp?.close();
    await issuer?.close();
  });

  it("accepts the issuer's RS256 tokens, over HTTP and graphql-ws", async () => {
    const token = await issuer.sign('physics-manager');
    const { status, body } = await http('{ courses { slug } }', undefined, token, jwksApp);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { courses: [{ slug: 'physics-p' }] } });

    const connection = connect(bearer(token), jwksApp);
    await connection.connected;
    expect(await wsExecute(connection.client, '{ courses { slug } }')).toEqual({
      data: { courses: [{ slug: 'physics-p' }] },
    });
  });

  it.each([
    ['signed with a key the issuer does not publish', () => issuer.signWithUnpublishedKey('physics-manager')],
    ['HS256 with the shared secret of another setup', () => dashboardToken('physics-manager')],
    ['alg: none', async () => unsignedToken('physics-manager')],
    ['for another audience', () => issuer.sign('physics-manager', { audience: 'another-app' })],
    ['expired', () => issuer.sign('physics-manager', { expiresAt: nowSeconds() - 120 })],
  ])('refuses a token %s: 401 over HTTP, 4403 over graphql-ws', async (_name, make) => {
    const token = await make();
    const { status, body } = await http('{ courses { slug } }', undefined, token, jwksApp);
    expect(status).toBe(401);
    expect(codes(body)).toEqual(['UNAUTHENTICATED']);
    const connection = connect(bearer(token), jwksApp);
    expect((await connection.closed).code).toBe(4403);
    expect(connection.isConnected()).toBe(false);
  });
});
