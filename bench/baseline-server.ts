// The raw baseline: the fastest simple server that does Rollcall's job on the benchmarked paths,
// without GraphQL or Prisma. node:http + ws + the same database driver (PGlite directly, or pg),
// the same verification (jose HS256 JWT, iss, exp, sha256 claim of the raw body, constant-time
// compare), the same writes in one transaction of raw SQL on the same tables (it runs Rollcall's
// own prisma/migrations/*/migration.sql), and a broadcast serialized once per event and written to
// every WebSocket subscriber of the room (or course), through Redis when BENCH_REDIS_URL is set.
// Do not weaken it to improve a ratio.
//
// Routes: POST /webhooks/plugnmeet, GET /live-session?roomId= (the dashboard query's fields),
// POST /courses {slug,title,managerIds} (setup), WS /ws?room=<roomId>|course=<courseId|*>&token=<t>
// (answers {"type":"ready"} once subscribed). Credentials as Rollcall's: the admin token, or a
// dashboard JWT whose user sees the courses they manage.
// Env as for bench/rollcall-server.ts (BENCH_DATA_DIR | BENCH_DB_URL, BENCH_REDIS_URL).
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { WebSocket, WebSocketServer } from 'ws';
import { BENCH_ADMIN_TOKEN, BENCH_API_KEY, BENCH_API_SECRET, BENCH_DASHBOARD_SECRET, type ReadyMessage } from './common.ts';
import { exitOnStop, startDebugPort } from './debug-port.ts';

const MAX_BODY = 1024 * 1024;

// ---- database: one interface over PGlite and pg ---------------------------------------------------

type Row = Record<string, any>;
/** name: a prepared-statement name (pg prepares each once per connection; PGlite ignores it) */
type Q = (name: string, text: string, params?: unknown[]) => Promise<Row[]>;

interface Db {
  read: Q;
  tx<T>(run: (q: Q) => Promise<T>): Promise<T>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

let statements = 0;
const recent: string[] = [];
function counted(text: string) {
  statements++;
  recent.push(text.replace(/\s+/g, ' '));
  if (recent.length > 200) recent.shift();
}

async function openDb(): Promise<Db> {
  const url = process.env.BENCH_DB_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const on = (client: pg.PoolClient | pg.Pool): Q => async (name, text, values) => {
      counted(text);
      return (await client.query({ name, text, values })).rows;
    };
    return {
      read: on(pool),
      async tx(run) {
        const client = await pool.connect();
        try {
          counted('BEGIN');
          await client.query('BEGIN');
          const result = await run(on(client));
          counted('COMMIT');
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },
      exec: async (sql) => void (await pool.query(sql)),
      close: () => pool.end(),
    };
  }
  const dir = process.env.BENCH_DATA_DIR;
  if (!dir) throw new Error('BENCH_DATA_DIR or BENCH_DB_URL is required');
  const db = await PGlite.create(`${dir}/pgdata`);
  const on = (client: Pick<PGlite, 'query'>): Q => async (_name, text, params) => {
    counted(text);
    return (await client.query<Row>(text, params)).rows;
  };
  return {
    read: on(db),
    tx: (run) => {
      counted('BEGIN'); // PGlite's transaction() sends BEGIN and COMMIT itself
      return db.transaction((t) => run(on(t))).finally(() => counted('COMMIT'));
    },
    exec: async (sql) => void (await db.exec(sql)),
    close: () => db.close(),
  };
}

const RETRYABLE = new Set(['40001', '40P01', '23505']);
async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 8 || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

// ---- the broadcast: serialized once, the same bytes to every subscriber -------------------------

/** A subscriber's access: admin (everything) or the courses a dashboard user manages. */
interface Access {
  managed?: ReadonlySet<string>;
}
const sees = (access: Access, courseId: string | null) => !access.managed || (courseId !== null && access.managed.has(courseId));

class Hub {
  private local = new Map<string, Map<WebSocket, Access>>();
  private pub?: Redis;
  private sub?: Redis;
  private prefix = `baseline-bench-${randomBytes(4).toString('hex')}:`;

  constructor(redisUrl?: string) {
    if (!redisUrl) return;
    this.pub = new Redis(redisUrl);
    this.sub = new Redis(redisUrl);
    // a message is `<courseId>\0<json>`: the course decides who may see it
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const cut = message.indexOf(0);
      this.deliver(channel.toString().slice(this.prefix.length), message.subarray(cut + 1), message.subarray(0, cut).toString() || null);
    });
  }

  add(key: string, ws: WebSocket, access: Access) {
    let subscribers = this.local.get(key);
    if (!subscribers) {
      this.local.set(key, (subscribers = new Map()));
      void this.sub?.subscribe(this.prefix + key);
    }
    const set = subscribers;
    set.set(ws, access);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0 && this.local.get(key) === set) {
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
    const subscribers = this.local.get(key);
    if (!subscribers) return;
    for (const [ws, access] of subscribers) {
      if (ws.readyState === WebSocket.OPEN && sees(access, courseId)) ws.send(bytes, { binary: false });
    }
  }

  close() {
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}

// ---- verification (the same scheme and checks as Rollcall's) ---------------------------------------

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const secretKey = new TextEncoder().encode(BENCH_API_SECRET);

function safeEqual(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function verified(req: IncomingMessage, body: Buffer): Promise<boolean> {
  const auth = req.headers.authorization?.replace(/^Bearer\s+/i, '').trim();
  const hashToken = req.headers['hash-token'];
  const token = auth || (typeof hashToken === 'string' ? hashToken.trim() : undefined);
  if (!token) return false;
  if (!JWT_SHAPE.test(token)) {
    if (auth) return false;
    return safeEqual(token.toLowerCase(), createHmac('sha256', BENCH_API_SECRET).update(body).digest('hex'));
  }
  try {
    const { payload } = await jwtVerify(token, secretKey, {
      algorithms: ['HS256'],
      issuer: BENCH_API_KEY,
      clockTolerance: 10,
      requiredClaims: ['exp'],
    });
    return typeof payload.sha256 === 'string' && safeEqual(payload.sha256, createHash('sha256').update(body).digest('base64'));
  } catch {
    return false;
  }
}

const dashboardKey = new TextEncoder().encode(BENCH_DASHBOARD_SECRET);

/** The admin token, or a dashboard JWT (HS256, sub, exp) and the courses its user manages. */
async function authenticate(db: Db, authorization: string | null | undefined): Promise<Access | null> {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!token) return null;
  if (safeEqual(token, BENCH_ADMIN_TOKEN)) return {};
  try {
    const { payload } = await jwtVerify(token, dashboardKey, { algorithms: ['HS256'], clockTolerance: 5, requiredClaims: ['sub', 'exp'] });
    const rows = await db.read('managed', 'SELECT "courseId" FROM "CourseManager" WHERE "userId" = $1', [payload.sub]);
    return { managed: new Set(rows.map((r) => r.courseId as string)) };
  } catch {
    return null;
  }
}

// ---- the writes ------------------------------------------------------------------------------------

const SQL = {
  storeApplied: `INSERT INTO "WebhookEvent" (id, name, "roomId", "roomSid", "occurredAt", status, body, "appliedAt", attempts)
    VALUES ($1, $2, $3, $4, $5, 'APPLIED', $6, now(), 1)
    ON CONFLICT (id) DO UPDATE SET status = 'APPLIED', "appliedAt" = now(), error = NULL, attempts = "WebhookEvent".attempts + 1
      WHERE "WebhookEvent".status IN ('RECEIVED', 'FAILED')
    RETURNING id`,
  storeOther: `INSERT INTO "WebhookEvent" (id, name, "roomId", "roomSid", "occurredAt", status, body, error, attempts)
    VALUES ($1, $2, $3, $4, $5, $6::"WebhookEventStatus", $7, $8, $9)
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, error = EXCLUDED.error, attempts = "WebhookEvent".attempts + EXCLUDED.attempts
      WHERE "WebhookEvent".status IN ('RECEIVED', 'FAILED')`,
  sessionBySid: `SELECT id, "roomId", "courseId", "startedAt", "startConfirmed", "endedAt" FROM "LiveSession" WHERE "roomSid" = $1 FOR SHARE`,
  sessionCurrent: `SELECT id, "roomId", "courseId", "startedAt", "startConfirmed", "endedAt" FROM "LiveSession"
    WHERE "roomId" = $1 AND "endedAt" IS NULL AND "startedAt" IS NOT NULL ORDER BY "createdAt" DESC, id DESC LIMIT 1 FOR SHARE`,
  sessionCreate: `INSERT INTO "LiveSession" (id, "roomId", "roomSid", "startedAt", "courseId")
    VALUES ($1, $2, $3, $4, COALESCE((SELECT id FROM "Course" WHERE slug = $5),
      (SELECT "courseId" FROM "LiveSession" WHERE "roomId" = $2 AND "courseId" IS NOT NULL ORDER BY "createdAt" DESC LIMIT 1)))
    ON CONFLICT ("roomSid") DO NOTHING
    RETURNING id, "roomId", "courseId", "startedAt", "startConfirmed", "endedAt"`,
  sessionConfirm: `UPDATE "LiveSession" SET "startedAt" = $2, "startConfirmed" = true WHERE id = $1 RETURNING "startedAt"`,
  sessionEnd: `UPDATE "LiveSession" SET "endedAt" = GREATEST($2::timestamp(3), COALESCE("startedAt", $2::timestamp(3)))
    WHERE id = $1 AND "endedAt" IS NULL RETURNING "endedAt"`,
  spansCloseAll: `UPDATE "PresenceSpan" AS s SET "leftAt" = GREATEST(s."joinedAt", $2::timestamp(3)) FROM "Attendance" AS a
    WHERE s."attendanceId" = a.id AND a."sessionId" = $1 AND s."leftAt" IS NULL`,
  attendancesOffline: `WITH off AS (
      UPDATE "Attendance" SET "isOnline" = false, "lastLeftAt" = GREATEST(COALESCE("lastLeftAt", $2::timestamp(3)), $2::timestamp(3))
      WHERE "sessionId" = $1 AND "isOnline" RETURNING id, "userId", role, "isOnline", "firstJoinedAt", "lastLeftAt")
    SELECT off.*, u.name FROM off JOIN "User" u ON u.id = off."userId"`,
  courseSlug: `SELECT slug FROM "Course" WHERE id = $1`,
  manages: `SELECT 1 FROM "CourseManager" WHERE "courseId" = $1 AND "userId" = $2`,
  /** the user (created, or renamed when the event names them) and their attendance, in one statement */
  attendance: `WITH person AS (
      INSERT INTO "User" (id, name) VALUES ($3, $6) ON CONFLICT (id) DO UPDATE SET name = COALESCE(EXCLUDED.name, "User".name)
      RETURNING id, name)
    INSERT INTO "Attendance" (id, "sessionId", "userId", role, "firstJoinedAt")
    SELECT $1, $2, person.id, $4::"AttendanceRole", $5 FROM person
    ON CONFLICT ("sessionId", "userId") DO UPDATE SET role = CASE WHEN EXCLUDED.role = 'MODERATOR' THEN EXCLUDED.role ELSE "Attendance".role END
    RETURNING id, (SELECT name FROM person) AS "userName"`,
  spanOpen: `INSERT INTO "PresenceSpan" (id, "attendanceId", "participantSid", "joinedAt", "leftAt") VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT ("attendanceId", "participantSid") DO UPDATE SET "joinedAt" = EXCLUDED."joinedAt"
      WHERE EXCLUDED."joinedAt" < "PresenceSpan"."joinedAt"
    RETURNING "joinedAt", "leftAt"`,
  spanClose: `UPDATE "PresenceSpan" SET "leftAt" = GREATEST($3::timestamp(3), "joinedAt")
    WHERE "attendanceId" = $1 AND "participantSid" = $2 AND "leftAt" IS NULL RETURNING "leftAt"`,
  spanClosed: `INSERT INTO "PresenceSpan" (id, "attendanceId", "participantSid", "joinedAt", "leftAt") VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT ("attendanceId", "participantSid") DO NOTHING RETURNING "joinedAt", "leftAt"`,
  /** the attendance's summary from its spans, and the session's online count, in one statement */
  settle: `WITH settled AS (
      UPDATE "Attendance" AS a SET
        "isOnline" = EXISTS (SELECT 1 FROM "PresenceSpan" s WHERE s."attendanceId" = a.id AND s."leftAt" IS NULL),
        "firstJoinedAt" = LEAST(a."firstJoinedAt", $2::timestamp(3)),
        "lastLeftAt" = GREATEST(a."lastLeftAt", $3::timestamp(3))
      WHERE a.id = $1 RETURNING a.id, a.role, a."isOnline", a."firstJoinedAt", a."lastLeftAt")
    SELECT settled.*, settled."isOnline"::int
      + (SELECT count(*)::int FROM "Attendance" o WHERE o."sessionId" = $4 AND o."isOnline" AND o.id <> settled.id) AS n
    FROM settled`,
  dashSession: `SELECT id, "roomId", "courseId", "startedAt", "endedAt" FROM "LiveSession" WHERE "roomId" = $1
    ORDER BY ("endedAt" IS NULL AND "startedAt" IS NOT NULL) DESC, "createdAt" DESC, id DESC LIMIT 1`,
  dashAttendances: `SELECT a.id, a.role, a."isOnline", a."firstJoinedAt", a."lastLeftAt", a."userId", u.name
    FROM "Attendance" a JOIN "User" u ON u.id = a."userId" WHERE a."sessionId" = $1 ORDER BY a."firstJoinedAt", a.id`,
  dashSpans: `SELECT s."attendanceId", s."joinedAt", s."leftAt" FROM "PresenceSpan" s JOIN "Attendance" a ON a.id = s."attendanceId"
    WHERE a."sessionId" = $1`,
  course: `INSERT INTO "Course" (id, slug, title, "updatedAt") VALUES ($1, $2, $3, now())
    ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, "updatedAt" = now() RETURNING id, slug`,
  managerUsers: `INSERT INTO "User" (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
  managersDrop: `DELETE FROM "CourseManager" WHERE "courseId" = $1 AND NOT ("userId" = ANY($2::text[]))`,
  managersAdd: `INSERT INTO "CourseManager" ("courseId", "userId") SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
};

const BOTS = new Set(['RECORDER_BOT', 'RTMP_BOT']);
const isBot = (id: string) => BOTS.has(id) || ['ingres_', 'pnm_agent-', 'pnm_tts_agent-', 'sip_'].some((p) => id.startsWith(p));
const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());
const minDate = (a: Date, b: Date) => (a <= b ? a : b);
const num = (v: unknown) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : typeof v === 'number' ? v : undefined);

interface Session {
  id: string;
  roomId: string;
  courseId: string | null;
  startedAt: Date | null;
  startConfirmed: boolean;
  endedAt: Date | null;
}

interface Envelope {
  id: string;
  name: string;
  body: string;
  roomId: string;
  roomSid?: string;
  at: Date;
}

type Publish = Array<[key: string, courseId: string | null, message: unknown]>;

function store(q: Q, e: Envelope) {
  return q('storeApplied', SQL.storeApplied, [e.id, e.name, e.roomId, e.roomSid ?? null, e.at, e.body]);
}

async function findOrStart(q: Q, e: Envelope, publish: Publish): Promise<Session> {
  const find = () =>
    e.roomSid ? q('sessionBySid', SQL.sessionBySid, [e.roomSid]) : q('sessionCurrent', SQL.sessionCurrent, [e.roomId]);
  const [found] = await find();
  if (found) return found as Session;
  const slug = /^(.+)-\d{14}$/.exec(e.roomId)?.[1] ?? null;
  const [created] = await q('sessionCreate', SQL.sessionCreate, [randomUUID(), e.roomId, e.roomSid ?? null, e.at, slug]);
  if (!created) {
    const [raced] = await find();
    return raced as Session;
  }
  const session = created as Session;
  publish.push(...(await sessionChange(q, 'STARTED', session)));
  return session;
}

async function sessionChange(q: Q, kind: 'STARTED' | 'ENDED', s: Session): Promise<Publish> {
  const course = s.courseId ? { id: s.courseId, slug: (await q('courseSlug', SQL.courseSlug, [s.courseId]))[0]?.slug } : null;
  const message = {
    type: 'next',
    payload: {
      data: {
        liveSessionChanged: {
          kind,
          session: { id: s.id, roomId: s.roomId, isLive: s.startedAt !== null && s.endedAt === null, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt), course },
        },
      },
    },
  };
  return s.courseId ? [['course:*', s.courseId, message], [`course:${s.courseId}`, s.courseId, message]] : [['course:*', null, message]];
}

function attendanceMessage(kind: string, a: Row, user: { id: string; name: string | null }, s: Session, onlineCount: number) {
  return {
    type: 'next',
    payload: {
      data: {
        attendanceChanged: {
          kind,
          attendance: {
            id: a.id,
            role: a.role,
            isOnline: a.isOnline,
            firstJoinedAt: iso(a.firstJoinedAt),
            lastLeftAt: iso(a.lastLeftAt),
            user,
          },
          session: { id: s.id, roomId: s.roomId, onlineCount },
        },
      },
    },
  };
}

async function participantEvent(q: Q, e: Envelope, p: Row, publish: Publish): Promise<string> {
  const session = await findOrStart(q, e, publish);
  const identity: string = p.identity;
  const name: string | null = typeof p.name === 'string' && p.name ? p.name : null;
  let isAdmin = false;
  try {
    isAdmin = typeof p.metadata === 'string' && JSON.parse(p.metadata)?.is_admin === true;
  } catch {
    /* not JSON: not an admin */
  }
  const manages = session.courseId ? (await q('manages', SQL.manages, [session.courseId, identity])).length > 0 : false;
  const role = manages || isAdmin ? 'MODERATOR' : 'PARTICIPANT';
  const joinedAtS = num(p.joined_at);
  const participantJoinedAt = num(p.joined_at_ms) !== undefined ? new Date(num(p.joined_at_ms)!) : joinedAtS ? new Date(joinedAtS * 1000) : undefined;
  const connection = typeof p.sid === 'string' && p.sid ? p.sid : `user:${identity}`;
  const ended = session.endedAt ? new Date(session.endedAt) : null;

  let touched: { joinedAt: Date | null; leftAt: Date | null } | undefined;
  let attendanceId: string;
  let userName: string | null;
  if (e.name === 'participant_joined') {
    let joinedAt = participantJoinedAt ?? e.at;
    if (ended) joinedAt = minDate(joinedAt, ended);
    [{ id: attendanceId, userName }] = await q('attendance', SQL.attendance, [randomUUID(), session.id, identity, role, joinedAt, name]);
    const [span] = await q('spanOpen', SQL.spanOpen, [randomUUID(), attendanceId, connection, joinedAt, ended]);
    if (span) touched = { joinedAt: span.joinedAt, leftAt: span.leftAt };
  } else {
    const leftAt = ended ? minDate(e.at, ended) : e.at;
    const firstSeen = minDate(participantJoinedAt ?? leftAt, leftAt);
    [{ id: attendanceId, userName }] = await q('attendance', SQL.attendance, [randomUUID(), session.id, identity, role, firstSeen, name]);
    const [closed] = await q('spanClose', SQL.spanClose, [attendanceId, connection, leftAt]);
    if (closed) touched = { joinedAt: null, leftAt: closed.leftAt };
    else {
      const [inserted] = await q('spanClosed', SQL.spanClosed, [randomUUID(), attendanceId, connection, firstSeen, leftAt]);
      if (inserted) touched = { joinedAt: inserted.joinedAt, leftAt: inserted.leftAt };
    }
  }
  if (!touched) return 'already recorded, nothing changed';
  const [attendance] = await q('settle', SQL.settle, [attendanceId, touched.joinedAt, touched.leftAt, session.id]);
  const n: number = attendance.n;
  const kind = attendance.isOnline ? 'JOINED' : 'LEFT';
  publish.push([`room:${session.roomId}`, session.courseId, attendanceMessage(kind, attendance, { id: identity, name: userName }, session, n)]);
  return `participant ${identity} ${kind.toLowerCase()} session ${session.id}`;
}

async function roomEvent(q: Q, e: Envelope, publish: Publish): Promise<string> {
  const session = await findOrStart(q, e, publish);
  if (e.name === 'room_started' && !session.startConfirmed) await q('sessionConfirm', SQL.sessionConfirm, [session.id, e.at]);
  if (e.name !== 'room_finished' && e.name !== 'session_ended') return `session ${session.id} is live`;
  const [endedRow] = await q('sessionEnd', SQL.sessionEnd, [session.id, e.at]);
  if (!endedRow) return `session ${session.id} had already ended`;
  const endedAt: Date = endedRow.endedAt;
  await q('spansCloseAll', SQL.spansCloseAll, [session.id, endedAt]);
  const offline = await q('attendancesOffline', SQL.attendancesOffline, [session.id, endedAt]);
  for (const a of offline) publish.push([`room:${session.roomId}`, session.courseId, attendanceMessage('LEFT', a, { id: a.userId, name: a.name }, session, 0)]);
  publish.push(...(await sessionChange(q, 'ENDED', { ...session, endedAt })));
  return `session ${session.id} ended`;
}

// ---- HTTP ------------------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > MAX_BODY) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const ACTED_ON = new Set(['room_created', 'room_started', 'room_finished', 'session_ended', 'participant_joined', 'participant_left']);

async function webhook(db: Db, hub: Hub, req: IncomingMessage, res: ServerResponse) {
  const raw = await readBody(req);
  if (!raw) return send(res, 413, { status: 'error', message: 'Payload too large' });
  if (!(await verified(req, raw))) return send(res, 403, { status: 'error', message: 'Invalid webhook signature' });
  let json: Row;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return send(res, 400, { status: 'error', message: 'Invalid JSON payload' });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return send(res, 400, { status: 'error', message: 'Invalid JSON payload' });
  if (typeof json.event !== 'string' || !json.event) return send(res, 400, { status: 'error', message: 'Missing event field' });
  const name: string = json.event;
  const id = typeof json.id === 'string' && json.id ? json.id : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const room = (json.room ?? {}) as Row;
  const roomId: string | undefined = room.room_id || room.identity || undefined;
  const createdAt = num(json.created_at ?? json.createdAt);
  const envelope: Envelope = {
    id,
    name,
    body: raw.toString('utf8'),
    roomId: roomId ?? '',
    roomSid: typeof room.sid === 'string' && room.sid ? room.sid : undefined,
    at: createdAt ? new Date(createdAt * 1000) : new Date(),
  };
  const storeOnly = (status: string, error: string | null, attempts = 0) =>
    db.read('storeOther', SQL.storeOther, [id, name, roomId ?? null, envelope.roomSid ?? null, envelope.at, status, envelope.body, error, attempts]);

  const participant = json.participant as Row | undefined;
  const isParticipantEvent = name === 'participant_joined' || name === 'participant_left';
  if (!ACTED_ON.has(name)) {
    await storeOnly('IGNORED', null);
    return send(res, 200, { status: 'ok', message: `Event ${name} ignored` });
  }
  if (!roomId || (isParticipantEvent && (typeof participant?.identity !== 'string' || !participant.identity))) {
    await storeOnly('REJECTED', `Invalid ${name} event`);
    return send(res, 400, { status: 'error', message: `Invalid ${name} event` });
  }
  if (isParticipantEvent && isBot(participant!.identity)) {
    await storeOnly('IGNORED', null);
    return send(res, 200, { status: 'ok', id, event: name, result: 'ignored', message: 'a bot, not attendance' });
  }

  const publish: Publish = [];
  let outcome: { duplicate: true } | { duplicate: false; message: string };
  try {
    outcome = await withRetry(() => {
      publish.length = 0;
      return db.tx(async (q) => {
        if ((await store(q, envelope)).length === 0) return { duplicate: true as const };
        const message = isParticipantEvent ? await participantEvent(q, envelope, participant!, publish) : await roomEvent(q, envelope, publish);
        return { duplicate: false as const, message };
      });
    });
  } catch (error) {
    await storeOnly('FAILED', String((error as Error).message).slice(0, 2000), 1).catch(() => {});
    return send(res, 500, { status: 'error', message: 'Internal error: the event is stored and will be applied when PlugNMeet retries it' });
  }
  if (outcome.duplicate) return send(res, 200, { status: 'ok', duplicate: true, id });
  for (const [key, courseId, message] of publish) hub.publish(key, courseId, message); // after commit
  send(res, 200, { status: 'ok', id, event: name, result: 'applied', message: outcome.message });
}

function attendedSeconds(spans: Array<{ joinedAt: Date; leftAt: Date | null }>, until: Date): number {
  const intervals = spans
    .map((s) => [new Date(s.joinedAt).getTime(), new Date(s.leftAt ?? until).getTime()] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const [a, b] of intervals) {
    if (Number.isNaN(start) || a > end) {
      if (!Number.isNaN(start)) total += end - start;
      start = a;
      end = b;
    } else if (b > end) end = b;
  }
  if (!Number.isNaN(start)) total += end - start;
  return Math.floor(total / 1000);
}

async function liveSession(db: Db, roomId: string, access: Access) {
  const [s] = await db.read('dashSession', SQL.dashSession, [roomId]);
  if (!s || !sees(access, s.courseId)) return null;
  const [attendances, spans] = await Promise.all([
    db.read('dashAttendances', SQL.dashAttendances, [s.id]),
    db.read('dashSpans', SQL.dashSpans, [s.id]),
  ]);
  const byAttendance = new Map<string, Row[]>();
  for (const span of spans) {
    const list = byAttendance.get(span.attendanceId);
    if (list) list.push(span);
    else byAttendance.set(span.attendanceId, [span]);
  }
  const until = s.endedAt ? new Date(s.endedAt) : new Date();
  return {
    id: s.id,
    roomId: s.roomId,
    isLive: s.startedAt !== null && s.endedAt === null,
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    onlineCount: attendances.filter((a) => a.isOnline).length,
    attendances: attendances.map((a) => ({
      id: a.id,
      role: a.role,
      isOnline: a.isOnline,
      firstJoinedAt: iso(a.firstJoinedAt),
      lastLeftAt: iso(a.lastLeftAt),
      attendedSeconds: attendedSeconds((byAttendance.get(a.id) ?? []) as never, until),
      user: { id: a.userId, name: a.name },
    })),
  };
}

async function main() {
  const db = await openDb();
  const migrations = new URL('../prisma/migrations/', import.meta.url);
  for (const dir of readdirSync(migrations, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    await db.exec(readFileSync(new URL(`${dir}/migration.sql`, migrations), 'utf8'));
  }
  const [{ version }] = await db.read('version', 'SELECT version()');
  const hub = new Hub(process.env.BENCH_REDIS_URL || undefined);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method} ${url.pathname}`;
    const fail = (error: unknown) => {
      if (!res.headersSent) send(res, 500, { status: 'error', message: String((error as Error)?.message ?? error) });
    };
    if (route === 'POST /webhooks/plugnmeet') webhook(db, hub, req, res).catch(fail);
    else if (route === 'GET /live-session') {
      authenticate(db, req.headers.authorization)
        .then(async (access) => {
          if (!access) return send(res, 401, { errors: [{ message: 'Missing or invalid credentials' }] });
          send(res, 200, { data: { liveSession: await liveSession(db, url.searchParams.get('roomId') ?? '', access) } });
        })
        .catch(fail);
    } else if (route === 'POST /courses') {
      readBody(req)
        .then(async (raw) => {
          const access = await authenticate(db, req.headers.authorization);
          if (!access || access.managed) return send(res, 403, { errors: [{ message: 'admin only' }] });
          const { slug, title, managerIds } = JSON.parse(String(raw)) as { slug: string; title: string; managerIds?: string[] };
          const course = await db.tx(async (q) => {
            const [row] = await q('course', SQL.course, [randomUUID(), slug, title]);
            if (managerIds) {
              await q('managerUsers', SQL.managerUsers, [managerIds]);
              await q('managersDrop', SQL.managersDrop, [row.id, managerIds]);
              await q('managersAdd', SQL.managersAdd, [row.id, managerIds]);
            }
            return row;
          });
          send(res, 200, course);
        })
        .catch(fail);
    } else if (route === 'GET /health') send(res, 200, { status: 'ok' });
    else send(res, 404, { status: 'error', message: 'Not found' });
  });
  server.keepAliveTimeout = 72_000;
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => {
    const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const room = params.get('room');
    const course = params.get('course');
    authenticate(db, params.get('token')).then(
      (access) => {
        if (!access) return ws.close(4403, 'Forbidden');
        if (room) hub.add(`room:${room}`, ws, access);
        else if (course && (course === '*' || sees(access, course))) hub.add(`course:${course}`, ws, access);
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
  const ready: ReadyMessage = { type: 'ready', port: (server.address() as AddressInfo).port, debugPort, dbVersion: version };
  process.send!(ready);
}

main().catch((error) => {
  process.stderr.write(`baseline-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
