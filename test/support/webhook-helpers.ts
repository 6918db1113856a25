// Helpers for the webhook receiver's tests: hand-built tokens (the ones PlugNMeet would never send),
// fresh participant_joined bodies for rooms of a test's own, and what the store holds.
import { createHash, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SignJWT, type JWTPayload } from 'jose';
import type { PrismaClient } from '../../src/db/types.ts';
import { API_KEY, API_SECRET } from './plugnmeet.ts';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** base64 (standard, padded) of SHA-256 of the body: the `sha256` claim PlugNMeet signs. */
export const bodyHash = (body: string | Uint8Array) => createHash('sha256').update(body).digest('base64');

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims a valid token for `body` carries, with any of them replaced or removed (undefined). */
export function claimsFor(body: string, overrides: Record<string, unknown> = {}): JWTPayload {
  const iat = nowSeconds();
  const claims: Record<string, unknown> = {
    sha256: bodyHash(body),
    iss: API_KEY,
    iat,
    nbf: iat,
    exp: iat + 300,
    ...overrides,
  };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return claims as JWTPayload;
}

/** A JWT with exactly these claims, signed with `alg` (HS256 by default) and `secret`. */
export function signClaims(
  claims: JWTPayload,
  o: { alg?: 'HS256' | 'HS384' | 'HS512'; secret?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(o.secret ?? API_SECRET));
}

/** An unsecured JWT (`alg: none`, empty signature), built by hand. */
export function unsignedToken(claims: JWTPayload): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}

let counter = 0;
/** A room id no other test uses. */
export const uniqueRoom = (label: string) => `${label}-${process.pid}-${++counter}-${randomUUID().slice(0, 8)}`;

export interface JoinOptions {
  room: string;
  roomSid?: string;
  identity?: string;
  name?: string;
  sid?: string;
  /** the event's id; null leaves it out */
  id?: string | null;
  /** unix seconds */
  at?: number;
}

/** A participant_joined body in PlugNMeet's format (protojson, snake_case, int64 as strings). */
export function joinBody(o: JoinOptions): string {
  const at = o.at ?? 1795510861;
  const identity = o.identity ?? '1001';
  return JSON.stringify({
    event: 'participant_joined',
    room: { sid: o.roomSid ?? `RM_${o.room}`, room_id: o.room, empty_timeout: 1800, creation_time: String(at - 60) },
    participant: {
      sid: o.sid ?? `PA_${identity}`,
      identity,
      state: 'ACTIVE',
      metadata: '{"is_admin":false,"is_hidden":false}',
      joined_at: String(at),
      name: o.name ?? `User ${identity}`,
      joined_at_ms: String(at * 1000),
    },
    ...(o.id === null ? {} : { id: o.id ?? randomUUID() }),
    created_at: String(at),
  });
}

/** How much the store holds: events, sessions, users, attendances, spans. */
export async function storeCounts(prisma: PrismaClient) {
  const [events, sessions, users, attendances, spans] = await Promise.all([
    prisma.webhookEvent.count(),
    prisma.liveSession.count(),
    prisma.user.count(),
    prisma.attendance.count(),
    prisma.presenceSpan.count(),
  ]);
  return { events, sessions, users, attendances, spans };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * POSTs with node:http, so a test controls the connection: `agent` (keep-alive, one socket) makes
 * consecutive requests share it, and a body given as chunks without a content-length header is
 * sent with Transfer-Encoding: chunked.
 */
export function rawPost(
  url: string,
  o: { headers: Record<string, string>; body: Uint8Array | Uint8Array[]; agent: Agent; timeoutMs?: number },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: o.headers, agent: o.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.setTimeout(o.timeoutMs ?? 10_000, () =>
      request.destroy(new Error(`no answer within ${o.timeoutMs ?? 10_000} ms`)),
    );
    request.on('error', reject);
    const chunks = Array.isArray(o.body) ? o.body : [o.body];
    let index = 0;
    const pump = () => {
      while (index < chunks.length) {
        if (request.destroyed) return;
        if (!request.write(chunks[index++])) {
          request.once('drain', pump);
          return;
        }
      }
      request.end();
    };
    pump();
  });
}

/** One keep-alive connection at a time, so every request through it reuses the same socket. */
export const singleConnection = () => new Agent({ keepAlive: true, maxSockets: 1 });

/** Splits bytes into chunks of `size`. */
export function chunked(bytes: Uint8Array, size = 64 * 1024): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) out.push(bytes.subarray(offset, offset + size));
  return out;
}
