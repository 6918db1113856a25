// Shared by the benchmark's processes: credentials, PlugNMeet-format bodies and their signatures,
// the GraphQL documents a dashboard sends, and small statistics helpers.
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

/** The credentials both servers are started with (the load generator signs with them). */
export const BENCH_API_KEY = 'bench-plugnmeet-key';
export const BENCH_API_SECRET = 'bench-plugnmeet-secret-0123456789abcdef';

/** Both servers are configured as in production: an admin token and dashboard tokens (HS256). */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const BENCH_DASHBOARD_SECRET = 'bench-dashboard-secret-0123456789abcdef0123';

/** A dashboard token as the LMS issues it: HS256, sub = the LMS user id, an hour long. */
export async function dashboardToken(userId: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(new TextEncoder().encode(BENCH_DASHBOARD_SECRET));
}

export type TargetKind = 'rollcall' | 'baseline';

/** What a server child reports over IPC once it listens. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** the wrapper's own debug port: /rss (after a forced GC), /cpu, /statements, /info */
  debugPort: number;
  dbVersion: string;
}

// ---- PlugNMeet webhook bodies (protojson: snake_case, int64 as decimal strings) -------------------

export interface RoomRun {
  roomId: string;
  sid: string;
}

export const newRun = (roomId: string): RoomRun => ({ roomId, sid: `RM_${randomBytes(6).toString('hex')}` });

const nowSeconds = () => Math.floor(Date.now() / 1000);

function room(run: RoomRun) {
  return {
    sid: run.sid,
    room_id: run.roomId,
    empty_timeout: 1800,
    max_participants: 5000,
    creation_time: String(nowSeconds()),
    num_participants: 0,
  };
}

let bodySeq = 0;
const eventId = () => `bench-${process.pid}-${Date.now().toString(36)}-${(bodySeq++).toString(36)}`;

export function participantBody(
  kind: 'participant_joined' | 'participant_left',
  run: RoomRun,
  user: string,
  joinedAt = nowSeconds(),
): string {
  return JSON.stringify({
    event: kind,
    room: room(run),
    participant: {
      sid: `PA_${user}`,
      identity: user,
      state: kind === 'participant_joined' ? 'ACTIVE' : 'DISCONNECTED',
      metadata: '{"is_admin":false,"is_hidden":false}',
      joined_at: String(joinedAt),
      name: `Student ${user}`,
    },
    id: eventId(),
    created_at: String(nowSeconds()),
  });
}

/** A camera, microphone or screen share published or unpublished: `participant` carries only sid and identity. */
export function trackBody(
  kind: 'track_published' | 'track_unpublished',
  run: RoomRun,
  user: string,
  source: 'CAMERA' | 'MICROPHONE' = 'CAMERA',
): string {
  return JSON.stringify({
    event: kind,
    room: room(run),
    participant: { sid: `PA_${user}`, identity: user },
    track: {
      sid: `TR_${source[0]}_${user}`,
      type: source === 'CAMERA' ? 'VIDEO' : 'AUDIO',
      source,
      mime_type: source === 'CAMERA' ? 'video/VP8' : 'audio/opus',
    },
    id: eventId(),
    created_at: String(nowSeconds()),
  });
}

export function roomBody(kind: 'room_started' | 'room_finished', run: RoomRun): string {
  return JSON.stringify({ event: kind, room: room(run), id: eventId(), created_at: String(nowSeconds()) });
}

/** The JWT PlugNMeet sends in Authorization and Hash-Token: HS256, iss = key, sha256 of the body. */
export async function signBody(body: string): Promise<string> {
  const iat = nowSeconds();
  return new SignJWT({ sha256: createHash('sha256').update(body).digest('base64') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(BENCH_API_KEY)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + 600)
    .sign(new TextEncoder().encode(BENCH_API_SECRET));
}

export interface SignedRequest {
  body: Buffer;
  token: string;
}

export async function signAll(bodies: string[]): Promise<SignedRequest[]> {
  const out: SignedRequest[] = [];
  for (const body of bodies) out.push({ body: Buffer.from(body), token: await signBody(body) });
  return out;
}

// ---- What a dashboard asks for ---------------------------------------------------------------------
// The baseline sends exactly these fields (same names and nesting) in its raw messages.

export const ATTENDANCE_SUBSCRIPTION = `subscription Dashboard($roomId: String!) {
  attendanceChanged(roomId: $roomId) {
    kind
    attendance { id role isOnline firstJoinedAt lastLeftAt user { id name } }
    session { id roomId onlineCount }
  }
}`;

/** The dashboard's selection, with the cursor it keeps to resume after a disconnection. */
export const RESUMABLE_ATTENDANCE_SUBSCRIPTION = `subscription Resumable($roomId: String!, $after: String) {
  attendanceChanged(roomId: $roomId, after: $after) {
    kind
    cursor
    attendance { id role isOnline firstJoinedAt lastLeftAt user { id name } }
    session { id roomId onlineCount }
  }
}`;

export const LIVE_SESSION_SUBSCRIPTION = `subscription Sessions($courseId: ID) {
  liveSessionChanged(courseId: $courseId) {
    kind
    session { id roomId isLive startedAt endedAt course { id slug } }
  }
}`;

export const DASHBOARD_QUERY = `query Dashboard($roomId: String!) {
  liveSession(roomId: $roomId) {
    id roomId isLive startedAt endedAt onlineCount
    attendances { id role isOnline firstJoinedAt lastLeftAt attendedSeconds user { id name } }
  }
}`;

export const UPSERT_COURSE = `mutation Course($slug: String!, $title: String!, $managerIds: [ID!]) {
  upsertCourse(slug: $slug, title: $title, managerIds: $managerIds) { id slug }
}`;

// ---- Statistics ------------------------------------------------------------------------------------

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
