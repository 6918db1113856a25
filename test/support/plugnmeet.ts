// Plays PlugNMeet: its real-format webhook bodies, signed the way plugnmeet-server signs them.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { SignJWT } from 'jose';

export const API_KEY = 'test-plugnmeet-key';
export const API_SECRET = 'test-plugnmeet-secret-0123456789abcdef';

const FIXTURES = new URL('../fixtures/', import.meta.url);

export const fixtureNames = () =>
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort();

/** The exact body bytes of a fixture, e.g. fixture('04-participant_joined-student'). */
export function fixture(name: string): string {
  return readFileSync(new URL(`${name.replace(/\.json$/, '')}.json`, FIXTURES), 'utf8').trim();
}

/** A fixture with changes, re-serialized (a new body, so sign it again). */
export function fixtureWith(name: string, change: (event: any) => void): string {
  const event = JSON.parse(fixture(name));
  change(event);
  return JSON.stringify(event);
}

/** A fixture's room event (room_created, room_started, room_finished) for another run of a room: its own id, at `createdAt` (unix seconds). */
export function roomEventBody(
  name: string,
  run: { roomId: string; roomSid: string },
  createdAt: number,
  id: string,
): string {
  return fixtureWith(name, (e) => {
    e.id = id;
    e.room.sid = run.roomSid;
    e.room.room_id = run.roomId;
    e.created_at = String(createdAt);
  });
}

/** Who a participant event is about: `joinedAt` in unix seconds; the fixture's name unless `name` is given. */
export interface Participant {
  identity: string;
  sid: string;
  name?: string;
  joinedAt: number;
}

/** A fixture's participant event (joined, left) of `who` in another run of a room: its own id, at `createdAt` (unix seconds). */
export function participantEventBody(
  name: string,
  run: { roomId: string; roomSid: string },
  who: Participant,
  createdAt: number,
  id: string,
): string {
  return fixtureWith(name, (e) => {
    e.id = id;
    e.room.sid = run.roomSid;
    e.room.room_id = run.roomId;
    e.participant.identity = who.identity;
    e.participant.sid = who.sid;
    if (who.name !== undefined) e.participant.name = who.name;
    e.participant.joined_at = String(who.joinedAt);
    e.participant.joined_at_ms = String(who.joinedAt * 1000);
    e.created_at = String(createdAt);
  });
}

export interface SignOptions {
  apiKey?: string;
  apiSecret?: string;
  /** seconds since the epoch */
  issuedAt?: number;
  expiresInSeconds?: number;
  /** sign a hash of this body instead of the one sent */
  hashOf?: string;
}

/** The JWT PlugNMeet puts in Authorization and Hash-Token. */
export async function signBody(body: string | Uint8Array, o: SignOptions = {}): Promise<string> {
  const iat = o.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    sha256: createHash('sha256')
      .update(o.hashOf ?? body)
      .digest('base64'),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(o.apiKey ?? API_KEY)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (o.expiresInSeconds ?? 300))
    .sign(new TextEncoder().encode(o.apiSecret ?? API_SECRET));
}

/** The older integrations' signature: lowercase hex HMAC-SHA256 of the body. */
export function legacyHashToken(body: string, secret = API_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export async function signedHeaders(body: string | Uint8Array, o: SignOptions = {}): Promise<Record<string, string>> {
  const token = await signBody(body, o);
  return { 'content-type': 'application/json', authorization: token, 'hash-token': token };
}
