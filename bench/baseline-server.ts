// The raw baseline: a fixed reference for Rollcall's figures, the simplest server that does the same
// job on the benchmarked paths. node:http + ws + the database driver (pg, or PGlite directly) + jose;
// no GraphQL, no ORM. It is written the plain way on purpose and must stay so: it does not copy
// Rollcall's design (session locks, a span "settle" step, retry loops, subscription cohorts), so that
// Rollcall may beat it, and it is not to be weakened either: every webhook does the same durable
// work as Rollcall's (verify, store the raw event, session, user, attendance, span, commit, publish).
//
// Per webhook: verify the HS256 JWT (iss, exp, sha256 claim of the raw body compared in constant
// time; or the legacy hex HMAC in Hash-Token), then one transaction of prepared statements:
//   join/leave: BEGIN, event, session, user, attendance, span (and the online count), COMMIT
//   room_finished / session_ended: BEGIN, event, session, end it, its attendances, its spans, COMMIT
//   (+2 on the first event of a run: the session's insert and its read back; +1 for the course's
//   slug when a session of a course starts or ends)
// then the change is serialized once and written to every WebSocket subscriber (through Redis when
// BENCH_REDIS_URL is set).
//
// Routes (bench/load.ts): POST /webhooks/plugnmeet; GET /live-session?roomId= (the dashboard query's
// fields); POST /courses {slug,title,managerIds} (setup, admin only); WS /ws?room=<roomId>|course=
// <courseId|*>&token=<t>, which answers {"type":"ready"} once subscribed. Credentials as Rollcall's:
// the admin token, or a dashboard JWT whose user sees the courses they manage.
// Env: BENCH_DATA_DIR (PGlite in <dir>/pgdata) or BENCH_DB_URL (pg); BENCH_REDIS_URL.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { WebSocket, WebSocketServer } from 'ws';
import {
  BENCH_ADMIN_TOKEN,
  BENCH_API_KEY,
  BENCH_API_SECRET,
  BENCH_DASHBOARD_SECRET,
  type ReadyMessage,
} from './common.ts';
import { exitOnStop, startDebugPort } from './debug-port.ts';

// ---- SQL: everything the baseline knows of Rollcall's tables ----------------------------------------
// The tables are Rollcall's own as they were when this reference was written (main() runs
// prisma/migrations up to SCHEMA_AS_OF), so that Rollcall's later migrations change nothing here: a
// fixed reference.
const SCHEMA_AS_OF = '20261126061012_attendance_room_admin';

const SQL = {
  /** the raw event; nothing back when its id is stored already (a redelivery: not applied twice) */
  event: `INSERT INTO "WebhookEvent" (id, name, "roomId", "roomSid", "occurredAt", status, body, error, attempts, "appliedAt")
    VALUES ($1, $2, $3, $4, $5, $6::"WebhookEventStatus", $7, $8, 1, CASE WHEN $6 = 'APPLIED' THEN now() END)
    ON CONFLICT (id) DO NOTHING RETURNING id`,
  session: `SELECT id, "roomId", "courseId", "startedAt", "startConfirmed", "endedAt" FROM "LiveSession" WHERE "roomSid" = $1`,
  courseSlug: `SELECT slug FROM "Course" WHERE id = $1`,
  /** a room named <course slug>-<14 digits> belongs to that course */
  sessionNew: `INSERT INTO "LiveSession" (id, "roomId", "roomSid", "startedAt", "startConfirmed", "courseId")
    VALUES ($1, $2, $3, $4, $5, (SELECT id FROM "Course" WHERE slug = $6)) ON CONFLICT ("roomSid") DO NOTHING RETURNING id`,
  sessionConfirm: `UPDATE "LiveSession" SET "startedAt" = $2, "startConfirmed" = true WHERE id = $1`,
  sessionEnd: `UPDATE "LiveSession" SET "endedAt" = GREATEST($2, "startedAt") WHERE id = $1 AND "endedAt" IS NULL RETURNING "endedAt"`,
  sessionEndAttendances: `UPDATE "Attendance" a SET "isOnline" = false, "lastLeftAt" = GREATEST(a."lastLeftAt", $2)
    FROM "User" u WHERE u.id = a."userId" AND a."sessionId" = $1 AND a."isOnline"
    RETURNING a.id, a.role, a."isOnline", a."firstJoinedAt", a."lastLeftAt", json_build_object('id', u.id, 'name', u.name) AS user`,
  sessionEndSpans: `UPDATE "PresenceSpan" s SET "leftAt" = GREATEST(s."joinedAt", $2)
    FROM "Attendance" a WHERE a.id = s."attendanceId" AND a."sessionId" = $1 AND s."leftAt" IS NULL`,
  /** created, or renamed when the event names the user */
  user: `INSERT INTO "User" (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = COALESCE(EXCLUDED.name, "User".name) RETURNING name`,
  /**
   * $1 `<session id>:<user id>`, the attendance's id whether this inserts it or not: the spans below
   * are found by it (on a.id, PostgreSQL planned them as a scan of every span, a plan made on empty
   * tables that a prepared statement keeps), $4 is_admin, $5 the session's course (a manager is a moderator), $6 this
   * connection is open after the event (a join), $9 this connection. Online: this connection is open
   * (unless its leave came first), or another one is.
   */
  attendance: `INSERT INTO "Attendance" AS a (id, "sessionId", "userId", role, "roomAdmin", "isOnline", "firstJoinedAt", "lastLeftAt")
    VALUES ($1, $2, $3, CASE WHEN $4 OR EXISTS (SELECT 1 FROM "CourseManager" m WHERE m."courseId" = $5 AND m."userId" = $3)
      THEN 'MODERATOR' ELSE 'PARTICIPANT' END::"AttendanceRole", $4, $6, $7, $8)
    ON CONFLICT ("sessionId", "userId") DO UPDATE SET
      role = CASE WHEN EXCLUDED.role = 'MODERATOR' THEN EXCLUDED.role ELSE a.role END,
      "roomAdmin" = a."roomAdmin" OR EXCLUDED."roomAdmin",
      "isOnline" = (EXCLUDED."isOnline" AND NOT EXISTS (SELECT 1 FROM "PresenceSpan" WHERE "attendanceId" = $1 AND "participantSid" = $9 AND "leftAt" IS NOT NULL))
        OR EXISTS (SELECT 1 FROM "PresenceSpan" WHERE "attendanceId" = $1 AND "participantSid" <> $9 AND "leftAt" IS NULL),
      "firstJoinedAt" = LEAST(a."firstJoinedAt", EXCLUDED."firstJoinedAt"),
      "lastLeftAt" = GREATEST(a."lastLeftAt", EXCLUDED."lastLeftAt")
    RETURNING id, role, "isOnline", "firstJoinedAt", "lastLeftAt"`,
  // The span, and (for the message) the session's online count, which sees the attendance just written.
  /** a join opens the connection's span; one that exists (a redelivery, or its leave came first) stays */
  spanJoin: `WITH span AS (INSERT INTO "PresenceSpan" (id, "attendanceId", "participantSid", "joinedAt", "leftAt") VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT ("attendanceId", "participantSid") DO NOTHING)
    SELECT count(*)::int AS n FROM "Attendance" WHERE "sessionId" = $6 AND "isOnline"`,
  /** a leave closes it, or records it closed when the leave came first */
  spanLeave: `WITH span AS (INSERT INTO "PresenceSpan" AS s (id, "attendanceId", "participantSid", "joinedAt", "leftAt") VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT ("attendanceId", "participantSid") DO UPDATE SET "leftAt" = GREATEST(s."joinedAt", EXCLUDED."leftAt") WHERE s."leftAt" IS NULL)
    SELECT count(*)::int AS n FROM "Attendance" WHERE "sessionId" = $6 AND "isOnline"`,
  dashSession: `SELECT id, "roomId", "courseId", "startedAt", "endedAt" FROM "LiveSession" WHERE "roomId" = $1
    ORDER BY ("endedAt" IS NULL AND "startedAt" IS NOT NULL) DESC, "createdAt" DESC, id DESC LIMIT 1`,
  dashAttendances: `SELECT a.id, a.role, a."isOnline", a."firstJoinedAt", a."lastLeftAt", json_build_object('id', u.id, 'name', u.name) AS user
    FROM "Attendance" a JOIN "User" u ON u.id = a."userId" WHERE a."sessionId" = $1 ORDER BY a."firstJoinedAt", a.id`,
  dashSpans: `SELECT s."attendanceId", s."joinedAt", s."leftAt" FROM "PresenceSpan" s JOIN "Attendance" a ON a.id = s."attendanceId"
    WHERE a."sessionId" = $1`,
  managed: `SELECT "courseId" FROM "CourseManager" WHERE "userId" = $1`,
  course: `INSERT INTO "Course" (id, slug, title, "updatedAt") VALUES ($1, $2, $3, now())
    ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, "updatedAt" = now() RETURNING id, slug`,
  managerUsers: `INSERT INTO "User" (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
  managersDrop: `DELETE FROM "CourseManager" WHERE "courseId" = $1 AND NOT ("userId" = ANY($2::text[]))`,
  managersAdd: `INSERT INTO "CourseManager" ("courseId", "userId") SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
  version: `SELECT version()`,
  // Track events came after SCHEMA_AS_OF: the baseline keeps its media spans in a table of its own.
  mediaTable: `CREATE TABLE IF NOT EXISTS "BaselineMediaSpan" ("attendanceId" text NOT NULL, "trackSid" text NOT NULL,
    "participantSid" text NOT NULL, source text NOT NULL, "publishedAt" timestamp(3) NOT NULL, "unpublishedAt" timestamp(3),
    PRIMARY KEY ("attendanceId", "trackSid"))`,
  attendanceOf: `SELECT a.id, a.role, a."isOnline", a."firstJoinedAt", a."lastLeftAt", json_build_object('id', u.id, 'name', u.name) AS user
    FROM "Attendance" a JOIN "User" u ON u.id = a."userId" WHERE a.id = $1`,
  /** a track's span: published opens it, unpublished closes it (or records it closed when it came first) */
  media: `WITH span AS (INSERT INTO "BaselineMediaSpan" AS m ("attendanceId", "trackSid", "participantSid", source, "publishedAt", "unpublishedAt")
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("attendanceId", "trackSid") DO UPDATE SET
      "publishedAt" = LEAST(m."publishedAt", EXCLUDED."publishedAt"), "unpublishedAt" = COALESCE(EXCLUDED."unpublishedAt", m."unpublishedAt"))
    SELECT count(*)::int AS n FROM "Attendance" WHERE "sessionId" = $7 AND "isOnline"`,
};
type Statement = keyof typeof SQL;

// ---- database: pg (a pool of 10, as Rollcall's) or PGlite, behind one small interface --------------

type Row = Record<string, any>;
type Q = (name: Statement, params: unknown[]) => Promise<Row[]>;
type Db = {
  read: Q;
  tx<T>(run: (q: Q) => Promise<T>): Promise<T>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
};

// Counted for the report's "SQL statements per join / leave" (BEGIN and COMMIT included), cheaply.
let statements = 0;
const recent: string[] = [];
function counted(text: string) {
  statements++;
  if (recent.push(text) > 100) recent.shift();
  return text;
}

// The timestamp(3) columns hold UTC (as Prisma writes them); both drivers read and write them in local time.
process.env.TZ = 'UTC';

async function openDb(): Promise<Db> {
  const url = process.env.BENCH_DB_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // `name`: pg prepares each statement once per connection
    const on =
      (c: pg.Pool | pg.PoolClient): Q =>
      async (name, values) =>
        (await c.query({ name, text: counted(SQL[name]), values })).rows;
    return {
      read: on(pool),
      async tx(run) {
        const client = await pool.connect();
        try {
          await client.query(counted('BEGIN'));
          const result = await run(on(client));
          await client.query(counted('COMMIT'));
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },
      exec: (sql) => pool.query(sql),
      close: () => pool.end(),
    };
  }
  if (!process.env.BENCH_DATA_DIR) throw new Error('BENCH_DATA_DIR or BENCH_DB_URL is required');
  const db = await PGlite.create(`${process.env.BENCH_DATA_DIR}/pgdata`);
  const on =
    (c: Pick<PGlite, 'query'>): Q =>
    async (name, params) =>
      (await c.query<Row>(counted(SQL[name]), params)).rows;
  return {
    read: on(db),
    // PGlite runs one transaction at a time, and sends BEGIN and COMMIT itself
    tx(run) {
      counted('BEGIN');
      return db.transaction((t) => run(on(t))).finally(() => counted('COMMIT'));
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}

// ---- subscribers: each message serialized once, the same bytes to every socket allowed to see it -------

/** admin: no `managed`; a dashboard user: the courses they manage */
type Access = { managed?: ReadonlySet<string> };
const sees = (access: Access, courseId: string | null) =>
  !access.managed || (courseId !== null && access.managed.has(courseId));

class Hub {
  private local = new Map<string, Map<WebSocket, Access>>();
  private prefix = `baseline-bench-${randomBytes(4).toString('hex')}:`;
  private pub?: Redis;
  private sub?: Redis;

  constructor(redisUrl?: string) {
    if (!redisUrl) return;
    [this.pub, this.sub] = [new Redis(redisUrl), new Redis(redisUrl)];
    // a Redis message is `<courseId>\0<json>`: the course decides which sockets may see it
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const cut = message.indexOf(0);
      this.deliver(
        channel.toString().slice(this.prefix.length),
        message.subarray(cut + 1),
        message.subarray(0, cut).toString() || null,
      );
    });
  }

  add(key: string, ws: WebSocket, access: Access) {
    let sockets = this.local.get(key);
    if (!sockets) {
      this.local.set(key, (sockets = new Map()));
      void this.sub?.subscribe(this.prefix + key);
    }
    const set = sockets.set(ws, access);
    ws.on('close', () => {
      if (set.delete(ws) && set.size === 0 && this.local.get(key) === set) {
        this.local.delete(key);
        void this.sub?.unsubscribe(this.prefix + key);
      }
    });
  }

  publish(key: string, courseId: string | null, message: unknown) {
    const text = JSON.stringify(message);
    if (this.pub) void this.pub.publish(this.prefix + key, `${courseId ?? ''}\0${text}`);
    else this.deliver(key, Buffer.from(text), courseId);
  }

  private deliver(key: string, bytes: Buffer, courseId: string | null) {
    for (const [ws, access] of this.local.get(key) ?? [])
      if (ws.readyState === WebSocket.OPEN && sees(access, courseId)) ws.send(bytes, { binary: false });
  }

  close() {
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}

// ---- credentials (the same scheme and checks as Rollcall's) --------------------------------------------

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const webhookKey = new TextEncoder().encode(BENCH_API_SECRET);
const dashboardKey = new TextEncoder().encode(BENCH_DASHBOARD_SECRET);
const safeEqual = (a: string, b: string) =>
  Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** PlugNMeet's JWT (Authorization or Hash-Token), or the legacy hex HMAC of the body in Hash-Token. */
async function signedByPlugNMeet(req: IncomingMessage, body: Buffer): Promise<boolean> {
  const auth = req.headers.authorization?.replace(/^Bearer(\s+|$)/i, '').trim();
  const hashToken = req.headers['hash-token'];
  const token = auth || (typeof hashToken === 'string' ? hashToken.trim() : undefined);
  if (!token) return false;
  if (!JWT_SHAPE.test(token))
    return !auth && safeEqual(token.toLowerCase(), createHmac('sha256', BENCH_API_SECRET).update(body).digest('hex'));
  try {
    const { payload } = await jwtVerify(token, webhookKey, {
      algorithms: ['HS256'],
      issuer: BENCH_API_KEY,
      clockTolerance: 10,
      requiredClaims: ['exp'],
    });
    return (
      typeof payload.sha256 === 'string' &&
      safeEqual(payload.sha256, createHash('sha256').update(body).digest('base64'))
    );
  } catch {
    return false;
  }
}

/** The admin token, or a dashboard JWT (HS256, sub, exp) and the courses its user manages. */
async function authenticate(db: Db, authorization: string | null | undefined): Promise<Access | null> {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!token) return null;
  if (safeEqual(token, BENCH_ADMIN_TOKEN)) return {};
  try {
    const { payload } = await jwtVerify(token, dashboardKey, {
      algorithms: ['HS256'],
      clockTolerance: 5,
      requiredClaims: ['sub', 'exp'],
    });
    return { managed: new Set((await db.read('managed', [payload.sub])).map((r) => r.courseId as string)) };
  } catch {
    return null;
  }
}

// ---- applying an event (messages carry Dates: JSON.stringify writes them as ISO strings) ---------------

const BOTS = new Set(['RECORDER_BOT', 'RTMP_BOT']);
const isBot = (id: string) =>
  BOTS.has(id) || ['ingres_', 'pnm_agent-', 'pnm_tts_agent-', 'sip_'].some((p) => id.startsWith(p));
const ACTED_ON = new Set([
  'room_created',
  'room_started',
  'room_finished',
  'session_ended',
  'participant_joined',
  'participant_left',
  'track_published',
  'track_unpublished',
]);
/** protojson sends int64 as a decimal string; 0 or absent: unset */
const int = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? Number(v) : 0);
const min = (a: Date, b: Date | null) => (b && b < a ? b : a);

type Event = { name: string; roomId: string; roomSid: string; at: Date };
type Session = {
  id: string;
  roomId: string;
  courseId: string | null;
  startedAt: Date | null;
  startConfirmed: boolean;
  endedAt: Date | null;
};
type Publish = Array<[key: string, courseId: string | null, message: unknown]>;
const next = (data: unknown) => ({ type: 'next', payload: { data } });

/** The session of the event's run (room.sid), created by the first event of the run that arrives. */
async function sessionOf(q: Q, e: Event, publish: Publish): Promise<Session> {
  const [found] = await q('session', [e.roomSid]);
  if (found) return found as Session;
  const slug = /^(.+)-\d{14}$/.exec(e.roomId)?.[1] ?? null;
  const [made] = await q('sessionNew', [randomUUID(), e.roomId, e.roomSid, e.at, e.name === 'room_started', slug]);
  // read back: our row, or (DO NOTHING) the one a concurrent delivery of the same run committed first
  const [session] = (await q('session', [e.roomSid])) as Session[];
  if (made) await sessionChanged(q, publish, 'STARTED', session);
  return session;
}

async function sessionChanged(
  q: Q,
  publish: Publish,
  kind: 'STARTED' | 'ENDED',
  { id, roomId, courseId, startedAt, endedAt }: Session,
) {
  const course = courseId ? { id: courseId, slug: (await q('courseSlug', [courseId]))[0]?.slug } : null;
  const message = next({
    liveSessionChanged: {
      kind,
      session: { id, roomId, isLive: startedAt !== null && endedAt === null, startedAt, endedAt, course },
    },
  });
  publish.push(['course:*', courseId, message]);
  if (courseId) publish.push([`course:${courseId}`, courseId, message]);
}

/** `a`: the attendance row (id, role, isOnline, firstJoinedAt, lastLeftAt) and its user */
function attendanceChanged(publish: Publish, s: Session, a: Row, onlineCount: number) {
  const session = { id: s.id, roomId: s.roomId, onlineCount };
  publish.push([
    `room:${s.roomId}`,
    s.courseId,
    next({ attendanceChanged: { kind: a.isOnline ? 'JOINED' : 'LEFT', attendance: a, session } }),
  ]);
}

async function participantEvent(q: Q, e: Event, p: Row, publish: Publish) {
  const s = await sessionOf(q, e, publish);
  const id: string = p.identity;
  const connection: string = typeof p.sid === 'string' && p.sid ? p.sid : `user:${id}`;
  let isAdmin = false;
  try {
    isAdmin = JSON.parse(p.metadata)?.is_admin === true;
  } catch {
    // no metadata, or not JSON: not an admin
  }
  const told = int(p.joined_at_ms)
    ? new Date(int(p.joined_at_ms))
    : int(p.joined_at)
      ? new Date(int(p.joined_at) * 1000)
      : null;
  const [{ name }] = await q('user', [id, typeof p.name === 'string' && p.name ? p.name : null]);
  const joined = e.name === 'participant_joined';
  // nothing happens in a session after its end: a late event is dated at the end at the latest
  const at = min(joined ? (told ?? e.at) : e.at, s.endedAt);
  // a join's span opens at `at` (and is closed already in an ended session); a leave's closes at `at`
  const [joinedAt, leftAt] = joined ? [at, s.endedAt] : [min(told ?? at, at), at];
  const [a] = await q('attendance', [
    `${s.id}:${id}`,
    s.id,
    id,
    isAdmin,
    s.courseId,
    joined && !s.endedAt,
    joinedAt,
    leftAt,
    connection,
  ]);
  const [{ n }] = await q(joined ? 'spanJoin' : 'spanLeave', [randomUUID(), a.id, connection, joinedAt, leftAt, s.id]);
  attendanceChanged(publish, s, { ...a, user: { id, name } }, n);
}

/** A track event proves its connection: a user not seen yet joins first. */
async function trackEvent(q: Q, e: Event, p: Row, track: Row, publish: Publish) {
  const s = await sessionOf(q, e, publish);
  const id = `${s.id}:${p.identity}`;
  let [a] = await q('attendanceOf', [id]);
  if (!a) {
    await participantEvent(q, { ...e, name: 'participant_joined' }, p, publish);
    [a] = await q('attendanceOf', [id]);
  }
  const at = min(e.at, s.endedAt);
  const published = e.name === 'track_published';
  const [{ n }] = await q('media', [
    id,
    String(track.sid),
    String(p.sid ?? ''),
    String(track.source ?? 'UNKNOWN'),
    at,
    published ? null : at,
    s.id,
  ]);
  attendanceChanged(publish, s, a, n);
}

async function roomEvent(q: Q, e: Event, publish: Publish) {
  const s = await sessionOf(q, e, publish);
  if (e.name === 'room_started' && !s.startConfirmed) await q('sessionConfirm', [s.id, e.at]);
  if (e.name !== 'room_finished' && e.name !== 'session_ended') return;
  const [ended] = await q('sessionEnd', [s.id, e.at]);
  if (!ended) return; // it had ended already
  // attendances before spans: the order a join or leave locks them in, so that the two never deadlock
  for (const a of await q('sessionEndAttendances', [s.id, ended.endedAt])) attendanceChanged(publish, s, a, 0);
  await q('sessionEndSpans', [s.id, ended.endedAt]);
  await sessionChanged(q, publish, 'ENDED', { ...s, endedAt: ended.endedAt });
}

// ---- HTTP -----------------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const MAX_BODY = 1024 * 1024;
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > MAX_BODY) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if ((size += chunk.length) <= MAX_BODY) return chunks.push(chunk);
      resolve(null);
      req.destroy();
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function webhook(db: Db, hub: Hub, req: IncomingMessage, res: ServerResponse) {
  const raw = await readBody(req);
  if (!raw) return send(res, 413, { status: 'error', message: 'Payload too large' });
  if (!(await signedByPlugNMeet(req, raw)))
    return send(res, 403, { status: 'error', message: 'Invalid webhook signature' });
  const body = raw.toString('utf8');
  let json: Row | null = null;
  try {
    json = JSON.parse(body);
  } catch {
    // answered below
  }
  if (typeof json?.event !== 'string' || !json.event)
    return send(res, 400, { status: 'error', message: 'Invalid JSON payload, or no event' });
  const name: string = json.event;
  const id =
    typeof json.id === 'string' && json.id ? json.id : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const room: Row = json.room ?? {};
  const roomId: string | null = room.room_id || room.identity || null;
  const roomSid: string | null = typeof room.sid === 'string' && room.sid ? room.sid : null;
  const at = int(json.created_at ?? json.createdAt)
    ? new Date(int(json.created_at ?? json.createdAt) * 1000)
    : new Date();
  const p: Row | undefined = json.participant;
  const isParticipant = name === 'participant_joined' || name === 'participant_left';
  const isTrack = name === 'track_published' || name === 'track_unpublished';
  const store = (q: Q, status: string, error: string | null = null) =>
    q('event', [id, name, roomId, roomSid, at, status, body, error]);

  // Events not applied are stored all the same, with why. Sessions are keyed on room.sid, which
  // PlugNMeet sends with every room and participant event: without it the event's run is unknown.
  if (!ACTED_ON.has(name) || ((isParticipant || isTrack) && typeof p?.identity === 'string' && isBot(p.identity))) {
    await store(db.read, 'IGNORED');
    return send(res, 200, { status: 'ok', message: `Event ${name} ignored` });
  }
  if (
    !roomId ||
    !roomSid ||
    ((isParticipant || isTrack) && (typeof p?.identity !== 'string' || !p.identity)) ||
    (isTrack && !json.track?.sid)
  ) {
    await store(db.read, 'REJECTED', `Invalid ${name} event`);
    return send(res, 400, { status: 'error', message: `Invalid ${name} event` });
  }
  const publish: Publish = [];
  const e: Event = { name, roomId, roomSid, at };
  // One transaction. On an error, nothing is stored and the answer is 500: PlugNMeet delivers it again.
  const applied = await db.tx(async (q) => {
    if ((await store(q, 'APPLIED')).length === 0) return false;
    await (isParticipant
      ? participantEvent(q, e, p!, publish)
      : isTrack
        ? trackEvent(q, e, p!, json!.track, publish)
        : roomEvent(q, e, publish));
    return true;
  });
  if (!applied) return send(res, 200, { status: 'ok', duplicate: true, id });
  for (const [key, courseId, message] of publish) hub.publish(key, courseId, message); // committed: publish
  send(res, 200, { status: 'ok', id, event: name, result: 'applied' });
}

/** Seconds covered by the union of the spans (an open span counts until `until`). */
function attendedSeconds(spans: Row[], until: Date): number {
  const intervals = spans
    .map((s) => [s.joinedAt.getTime(), (s.leftAt ?? until).getTime()] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let [total, start, end] = [0, 0, Number.NEGATIVE_INFINITY];
  for (const [a, b] of intervals) {
    if (a > end) [total, start, end] = [total + Math.max(0, end - start), a, b];
    else end = Math.max(end, b);
  }
  return Math.floor((total + Math.max(0, end - start)) / 1000);
}

async function liveSession(db: Db, roomId: string, access: Access) {
  const [s] = await db.read('dashSession', [roomId]);
  if (!s || !sees(access, s.courseId)) return null;
  const [attendances, spans] = await Promise.all([db.read('dashAttendances', [s.id]), db.read('dashSpans', [s.id])]);
  const spansOf = new Map<string, Row[]>();
  for (const span of spans) {
    if (!spansOf.has(span.attendanceId)) spansOf.set(span.attendanceId, []);
    spansOf.get(span.attendanceId)!.push(span);
  }
  const until = s.endedAt ?? new Date();
  return {
    id: s.id,
    roomId: s.roomId,
    isLive: s.startedAt !== null && s.endedAt === null,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    onlineCount: attendances.filter((a) => a.isOnline).length,
    attendances: attendances.map((a) => ({ ...a, attendedSeconds: attendedSeconds(spansOf.get(a.id) ?? [], until) })),
  };
}

async function upsertCourse(db: Db, raw: Buffer | null) {
  const { slug, title, managerIds } = JSON.parse(String(raw)) as { slug: string; title: string; managerIds?: string[] };
  return db.tx(async (q) => {
    const [course] = await q('course', [randomUUID(), slug, title]);
    if (managerIds) {
      await q('managerUsers', [managerIds]);
      await q('managersDrop', [course.id, managerIds]);
      await q('managersAdd', [course.id, managerIds]);
    }
    return course;
  });
}

async function main() {
  const db = await openDb();
  const migrations = new URL('../prisma/migrations/', import.meta.url);
  const ours = (name: string) => name <= SCHEMA_AS_OF;
  for (const dir of readdirSync(migrations, { withFileTypes: true })
    .filter((d) => d.isDirectory() && ours(d.name))
    .map((d) => d.name)
    .sort()) {
    await db.exec(readFileSync(new URL(`${dir}/migration.sql`, migrations), 'utf8'));
  }
  await db.exec(SQL.mediaTable);
  const [{ version }] = await db.read('version', []);
  const hub = new Hub(process.env.BENCH_REDIS_URL || undefined);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fail = (error: unknown) =>
      void (
        res.headersSent || send(res, 500, { status: 'error', message: String((error as Error)?.message ?? error) })
      );
    const admitted = async (then: (access: Access) => Promise<void>) => {
      const access = await authenticate(db, req.headers.authorization);
      return access ? then(access) : send(res, 401, { errors: [{ message: 'Missing or invalid credentials' }] });
    };
    switch (`${req.method} ${url.pathname}`) {
      case 'POST /webhooks/plugnmeet':
        return void webhook(db, hub, req, res).catch(fail);
      case 'GET /live-session':
        return void admitted(async (access) =>
          send(res, 200, {
            data: { liveSession: await liveSession(db, url.searchParams.get('roomId') ?? '', access) },
          }),
        ).catch(fail);
      case 'POST /courses':
        return void admitted(async (access) =>
          access.managed
            ? send(res, 403, { errors: [{ message: 'admin only' }] })
            : send(res, 200, await upsertCourse(db, await readBody(req))),
        ).catch(fail);
      default:
        send(res, 404, { status: 'error', message: 'Not found' });
    }
  });
  server.keepAliveTimeout = 72_000;
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => {
    const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const [room, course] = [params.get('room'), params.get('course')];
    authenticate(db, params.get('token')).then(
      (access) => {
        if (access && room) hub.add(`room:${room}`, ws, access);
        else if (access && course && (course === '*' || sees(access, course))) hub.add(`course:${course}`, ws, access);
        else return ws.close(4403, 'Forbidden');
        ws.send('{"type":"ready"}');
      },
      () => ws.close(1011, 'Internal error'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const debugPort = await startDebugPort({ statements: () => statements, recentStatements: () => recent });

  exitOnStop(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    server.close();
    hub.close();
    await db.close();
  });
  const ready: ReadyMessage = {
    type: 'ready',
    port: (server.address() as AddressInfo).port,
    debugPort,
    dbVersion: version,
  };
  process.send!(ready);
}

main().catch((error) => {
  process.stderr.write(`baseline-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
