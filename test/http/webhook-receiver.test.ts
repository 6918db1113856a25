// The webhook receiver as PlugNMeet (and anyone else on the network) sees it: SPEC section 3, one
// request at a time over HTTP against the real server, and what each answer left in the store.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, fixture, fixtureWith, legacyHashToken, signBody, signedHeaders } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  claimsFor,
  chunked,
  joinBody,
  nowSeconds,
  rawPost,
  singleConnection,
  signClaims,
  storeCounts,
  uniqueRoom,
  unsignedToken,
} from '../support/webhook-helpers.ts';

const INVALID_SIGNATURE = { status: 'error', message: 'Invalid webhook signature' };
const INVALID_JSON = { status: 'error', message: 'Invalid JSON payload' };
const MISSING_EVENT = { status: 'error', message: 'Missing event field' };
const MiB = 1024 * 1024;

let app: TestServer;

beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

const webhookUrl = () => `${app.url}/webhooks/plugnmeet`;

/** POST exactly these headers and body (nothing added). */
const send = (body: string, headers: Record<string, string>) => app.postWebhook(body, { headers });

/** What a dashboard sees of the room: its session and one user's attendance there. */
const sessionOf = (roomId: string) => app.liveSession(roomId);
async function attendanceOf(roomId: string, userId: string) {
  return (await sessionOf(roomId))?.attendances.find((a) => a.user.id === userId);
}

const storedEvent = (id: string) => app.db.prisma.webhookEvent.findUnique({ where: { id } });
const eventIdOf = (body: string) => JSON.parse(body).id as string;

/** Posts `body` with `headers` and expects the 403 of an invalid signature, with nothing stored. */
async function expectSignatureRejected(body: string, headers: Record<string, string>) {
  const before = await storeCounts(app.db.prisma);
  const response = await send(body, headers);
  expect(response.status).toBe(403);
  expect(await response.json()).toEqual(INVALID_SIGNATURE);
  expect(await storeCounts(app.db.prisma)).toEqual(before);
}

/** Posts a participant_joined for a fresh room with `headers(body)` and expects it applied. */
async function expectJoinAccepted(headers: (body: string) => Promise<Record<string, string>> | Record<string, string>) {
  const room = uniqueRoom('accepted');
  const body = joinBody({ room, identity: '1001', name: 'Student 1' });
  const response = await send(body, await headers(body));
  expect(response.status).toBe(200);
  const answer = await response.json();
  expect(answer.status).toBe('ok');
  expect(answer.duplicate).toBeUndefined();
  expect(await attendanceOf(room, '1001')).toMatchObject({ isOnline: true, user: { name: 'Student 1' } });
  expect((await storedEvent(eventIdOf(body)))?.status).toBe('APPLIED');
}

describe('signature: missing or invalid is 403 and stores nothing', () => {
  const cases: Array<[string, (body: string) => Promise<Record<string, string>> | Record<string, string>]> = [
    ['no Authorization and no Hash-Token', () => ({ 'content-type': 'application/json' })],
    [
      'a token signed with another secret',
      (body) => signedHeaders(body, { apiSecret: 'not-the-api-secret-0123456789abcdef' }),
    ],
    [
      'a token expired 30 s ago (beyond the 10 s tolerance)',
      (body) => signedHeaders(body, { issuedAt: nowSeconds() - 330, expiresInSeconds: 300 }),
    ],
    [
      'an `alg: none` token with valid claims and an empty signature',
      (body) => {
        const token = unsignedToken(claimsFor(body));
        return { 'content-type': 'application/json', authorization: token, 'hash-token': token };
      },
    ],
    [
      'a token signed with the API secret but with HS512, not HS256',
      async (body) => {
        const token = await signClaims(claimsFor(body), { alg: 'HS512' });
        return { 'content-type': 'application/json', authorization: token, 'hash-token': token };
      },
    ],
    [
      'a token whose sha256 claim is for another body',
      (body) => signedHeaders(body, { hashOf: body.replace('"1001"', '"1002"') }),
    ],
    ['a token issued by another API key', (body) => signedHeaders(body, { apiKey: `${API_KEY}-other` })],
    [
      'a token whose nbf is an hour in the future',
      async (body) => {
        const now = nowSeconds();
        const token = await signClaims(claimsFor(body, { iat: now, nbf: now + 3600, exp: now + 3900 }));
        return { 'content-type': 'application/json', authorization: token, 'hash-token': token };
      },
    ],
    [
      'a token with no exp',
      async (body) => {
        const token = await signClaims(claimsFor(body, { exp: undefined }));
        return { 'content-type': 'application/json', authorization: token, 'hash-token': token };
      },
    ],
    [
      'a token with no sha256 claim',
      async (body) => {
        const token = await signClaims(claimsFor(body, { sha256: undefined }));
        return { 'content-type': 'application/json', authorization: token, 'hash-token': token };
      },
    ],
    ['garbage in Authorization', () => ({ 'content-type': 'application/json', authorization: 'garbage' })],
    ['a Bearer of garbage', () => ({ 'content-type': 'application/json', authorization: 'Bearer not-a-token' })],
    [
      'a JWT-shaped string that is not a JWT',
      () => ({ 'content-type': 'application/json', authorization: 'aaaa.bbbb.cccc' }),
    ],
    [
      'garbage in Authorization beside a valid Hash-Token (Authorization is the token when present)',
      async (body) => ({
        'content-type': 'application/json',
        authorization: 'garbage',
        'hash-token': await signBody(body),
      }),
    ],
    [
      'a legacy HMAC keyed by another secret in Hash-Token',
      (body) => ({ 'content-type': 'application/json', 'hash-token': legacyHashToken(body, 'not-the-api-secret') }),
    ],
    [
      'a legacy HMAC of another body in Hash-Token',
      (body) => ({ 'content-type': 'application/json', 'hash-token': legacyHashToken(`${body} `) }),
    ],
    [
      'a legacy HMAC in Authorization (the compatibility is for Hash-Token only)',
      (body) => ({ 'content-type': 'application/json', authorization: legacyHashToken(body) }),
    ],
  ];

  it.each(cases)('%s', async (_name, headers) => {
    const room = uniqueRoom('forged');
    const body = joinBody({ room, identity: '1001' });
    await expectSignatureRejected(body, await headers(body));
    expect(await sessionOf(room)).toBeNull();
    expect(await storedEvent(eventIdOf(body))).toBeNull();

    // the body itself was fine: signed as PlugNMeet signs it, the same bytes are accepted
    const response = await app.postWebhook(body);
    expect(response.status).toBe(200);
    expect(await attendanceOf(room, '1001')).toMatchObject({ isOnline: true });
  });

  it('rejects a body changed after signing, even if only its whitespace', async () => {
    const room = uniqueRoom('reformatted');
    const body = joinBody({ room });
    const headers = await signedHeaders(body);
    await expectSignatureRejected(JSON.stringify(JSON.parse(body), null, 2), headers);
    expect(await sessionOf(room)).toBeNull();
  });

  it('checks the signature before the JSON: an unsigned non-JSON body is 403, not 400', async () => {
    await expectSignatureRejected('this is not json', { 'content-type': 'application/json' });
    await expectSignatureRejected('[]', { 'content-type': 'application/json', authorization: 'garbage' });
  });
});

describe('signature: what PlugNMeet and older integrations send is accepted', () => {
  it('accepts the token in both headers, as plugnmeet-server sends it', async () => {
    await expectJoinAccepted((body) => signedHeaders(body));
  });

  it('accepts the token only in Hash-Token', async () => {
    await expectJoinAccepted(async (body) => ({
      'content-type': 'application/json',
      'hash-token': await signBody(body),
    }));
  });

  it('accepts the token only in Authorization', async () => {
    await expectJoinAccepted(async (body) => ({
      'content-type': 'application/json',
      authorization: await signBody(body),
    }));
  });

  it('accepts a Bearer-prefixed Authorization', async () => {
    await expectJoinAccepted(async (body) => ({
      'content-type': 'application/json',
      authorization: `Bearer ${await signBody(body)}`,
    }));
  });

  it('accepts a token expired 5 s ago (inside the 10 s clock tolerance)', async () => {
    await expectJoinAccepted((body) => signedHeaders(body, { issuedAt: nowSeconds() - 305, expiresInSeconds: 300 }));
  });

  it('accepts a token from a server whose clock is 5 s ahead (nbf inside the tolerance)', async () => {
    await expectJoinAccepted((body) => signedHeaders(body, { issuedAt: nowSeconds() + 5 }));
  });

  it('accepts the legacy lowercase hex HMAC-SHA256 of the body in Hash-Token', async () => {
    await expectJoinAccepted((body) => ({ 'content-type': 'application/json', 'hash-token': legacyHashToken(body) }));
  });

  it('accepts Content-Type application/webhook+json', async () => {
    await expectJoinAccepted(async (body) => ({
      ...(await signedHeaders(body)),
      'content-type': 'application/webhook+json',
    }));
  });

  it('hashes the exact UTF-8 bytes: a body with non-ASCII names is accepted and kept intact', async () => {
    const room = uniqueRoom('utf8');
    const body = joinBody({ room, identity: '2001', name: 'Zoë Ångström 李小龍 🎓' });
    const response = await app.postWebhook(body);
    expect(response.status).toBe(200);
    expect(await attendanceOf(room, '2001')).toMatchObject({
      user: { name: 'Zoë Ångström 李小龍 🎓' },
      isOnline: true,
    });
  });
});

describe('body size', () => {
  /** A valid, signed participant_joined of exactly `bytes` bytes (padded with an extra field). */
  function joinOfSize(room: string, bytes: number) {
    const base = joinBody({ room });
    const shell = `${base.slice(0, -1)},"padding":""}`;
    const body = `${base.slice(0, -1)},"padding":"${'x'.repeat(bytes - Buffer.byteLength(shell))}"}`;
    expect(Buffer.byteLength(body)).toBe(bytes);
    return body;
  }

  it('answers 413 to a signed 2 MiB body and stores nothing', async () => {
    const room = uniqueRoom('huge');
    const body = joinOfSize(room, 2 * MiB);
    const before = await storeCounts(app.db.prisma);
    const response = await app.postWebhook(body);
    expect(response.status).toBe(413);
    expect(await storeCounts(app.db.prisma)).toEqual(before);
    expect(await sessionOf(room)).toBeNull();
  });

  it('answers 413 to one byte over 1 MiB', async () => {
    const room = uniqueRoom('over');
    const before = await storeCounts(app.db.prisma);
    const response = await app.postWebhook(joinOfSize(room, MiB + 1));
    expect(response.status).toBe(413);
    expect(await storeCounts(app.db.prisma)).toEqual(before);
  });

  it('answers 413 to a 2 MiB body streamed without Content-Length (chunked)', async () => {
    const room = uniqueRoom('streamed');
    const body = Buffer.from(joinOfSize(room, 2 * MiB));
    const headers = await signedHeaders(body.toString('utf8'));
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('content-length');
    const before = await storeCounts(app.db.prisma);
    const agent = singleConnection();
    try {
      const response = await rawPost(webhookUrl(), { headers, body: chunked(body), agent });
      expect(response.status).toBe(413);
    } finally {
      agent.destroy();
    }
    expect(await storeCounts(app.db.prisma)).toEqual(before);
    expect(await sessionOf(room)).toBeNull();
  });

  // PlugNMeet keeps its connection alive between deliveries: refusing one body must not wedge the next.
  it.each([
    ['with Content-Length', false],
    ['chunked, without Content-Length', true],
  ])('answers the next webhook on the same keep-alive connection after a 413 (%s)', async (_name, streamed) => {
    const big = Buffer.from(joinOfSize(uniqueRoom('wedge'), 2 * MiB));
    const bigHeaders: Record<string, string> = {
      ...(await signedHeaders(big.toString('utf8'))),
      ...(streamed ? {} : { 'content-length': String(big.length) }),
    };
    const room = uniqueRoom('after-413');
    const next = joinBody({ room, identity: '1001' });
    const agent = singleConnection();
    try {
      const refused = await rawPost(webhookUrl(), { headers: bigHeaders, body: chunked(big), agent });
      expect(refused.status).toBe(413);
      const answered = await rawPost(webhookUrl(), {
        headers: await signedHeaders(next),
        body: Buffer.from(next),
        agent,
        timeoutMs: 4_000,
      }).then(
        (r) => r.status,
        (e: Error) => `no answer: ${e.message}`,
      );
      expect(answered, 'the next delivery on the same connection').toBe(200);
    } finally {
      agent.destroy();
    }
    expect(await attendanceOf(room, '1001')).toMatchObject({ isOnline: true });
  });

  it('accepts a body of exactly 1 MiB', async () => {
    const room = uniqueRoom('limit');
    const response = await app.postWebhook(joinOfSize(room, MiB));
    expect(response.status).toBe(200);
    expect(await attendanceOf(room, '1001')).toMatchObject({ isOnline: true });
  });
});

describe('bodies that are not an event', () => {
  it.each([
    ['an empty body', ''],
    ['plain text', 'this is not json'],
    ['truncated JSON', '{"event":"participant_joined","room":'],
    ['a JSON array', '[{"event":"participant_joined"}]'],
    ['an empty JSON array', '[]'],
    ['a JSON string', '"participant_joined"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ])('answers 400 "Invalid JSON payload" to %s', async (_name, body) => {
    const response = await app.postWebhook(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_JSON);
  });

  it('answers 400 "Invalid JSON payload" to bytes that are not UTF-8, and keeps nothing (it could not be kept as sent)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"event":"participant_joined","id":"not-utf8","room":{"room_id":"r'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}'),
    ]);
    const response = await fetch(`${app.url}/webhooks/plugnmeet`, {
      method: 'POST',
      headers: await signedHeaders(bytes),
      body: bytes,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_JSON);
    expect(await storedEvent('not-utf8')).toBeNull();
  });

  it.each([
    ['an empty object', '{}'],
    [
      'a participant_joined without its event field',
      JSON.stringify({ ...JSON.parse(joinBody({ room: 'no-event' })), event: undefined }),
    ],
    ['an event field that is null', JSON.stringify({ ...JSON.parse(joinBody({ room: 'null-event' })), event: null })],
  ])('answers 400 "Missing event field" to %s', async (_name, body) => {
    const response = await app.postWebhook(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(MISSING_EVENT);
  });
});

describe('events Rollcall does not act on', () => {
  it('answers start_recording with 200 "Event start_recording ignored", keeps it, and changes nothing', async () => {
    const before = await storeCounts(app.db.prisma);
    const response = await app.postWebhook(fixture('06-start_recording'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', message: 'Event start_recording ignored' });
    const after = await storeCounts(app.db.prisma);
    expect(after).toEqual({ ...before, events: before.events + 1 });
    expect(await storedEvent(JSON.parse(fixture('06-start_recording')).id)).toMatchObject({
      name: 'start_recording',
      status: 'IGNORED',
      body: fixture('06-start_recording'),
    });
  });

  it('answers an artifact other than analytics with 200, naming it, and keeps it', async () => {
    const body = fixtureWith('17-artifact_created-analytics', (e) => {
      e.id = uniqueRoom('summary-artifact');
      e.room_artifact.type = 'MEETING_SUMMARY';
    });
    const response = await app.postWebhook(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      message: 'Event artifact_created ignored: an artifact of type MEETING_SUMMARY, not meeting analytics',
    });
    expect(await storedEvent(eventIdOf(body))).toMatchObject({ status: 'IGNORED' });
  });

  it('answers a redelivery of an ignored event as a duplicate', async () => {
    const body = fixtureWith('06-start_recording', (e) => {
      e.id = uniqueRoom('ignored-twice');
    });
    expect(await (await app.postWebhook(body)).json()).toEqual({
      status: 'ok',
      message: 'Event start_recording ignored',
    });
    expect(await (await app.postWebhook(body)).json()).toEqual({ status: 'ok', duplicate: true, id: eventIdOf(body) });
    expect(await app.db.prisma.webhookEvent.count({ where: { id: eventIdOf(body) } })).toBe(1);
  });
});

describe('accepted events and duplicates', () => {
  it('applies a participant_joined, stores it with its body, and answers 200 ok', async () => {
    const room = uniqueRoom('joined');
    const body = joinBody({ room, identity: '3001', name: 'Ada', at: 1795510861 });
    const response = await app.postWebhook(body);
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toMatchObject({ status: 'ok' });
    expect(answer.duplicate).toBeUndefined();
    expect(await attendanceOf(room, '3001')).toMatchObject({
      role: 'PARTICIPANT',
      isOnline: true,
      firstJoinedAt: '2026-11-24T09:01:01.000Z',
      spans: [{ joinedAt: '2026-11-24T09:01:01.000Z', leftAt: null }],
    });
    expect(await storedEvent(eventIdOf(body))).toMatchObject({
      name: 'participant_joined',
      status: 'APPLIED',
      roomId: room,
      body,
      occurredAt: new Date(1795510861 * 1000),
    });
  });

  it('answers a redelivery (same id) with {"status":"ok","duplicate":true} and no second effect', async () => {
    const room = uniqueRoom('redelivered');
    const body = joinBody({ room, identity: '3002' });
    expect((await app.postWebhook(body)).status).toBe(200);
    const before = await storeCounts(app.db.prisma);

    const again = await app.postWebhook(body); // re-signed, as PlugNMeet's retry is
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'ok', duplicate: true });
    expect(await storeCounts(app.db.prisma)).toEqual(before);
    expect((await attendanceOf(room, '3002'))?.spans).toHaveLength(1);
  });

  it('recognises a duplicate by its id even when the body differs', async () => {
    const room = uniqueRoom('same-id');
    const id = `same-id-${room}`;
    expect((await app.postWebhook(joinBody({ room, identity: '3003', id }))).status).toBe(200);
    const response = await app.postWebhook(joinBody({ room, identity: '3004', id, sid: 'PA_other' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', duplicate: true });
    const session = await sessionOf(room);
    expect(session?.attendances.map((a) => a.user.id)).toEqual(['3003']);
  });

  it('applies concurrent deliveries of one event exactly once', async () => {
    const room = uniqueRoom('concurrent');
    const body = joinBody({ room, identity: '3005' });
    const responses = await Promise.all(Array.from({ length: 6 }, () => app.postWebhook(body)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const answers = await Promise.all(responses.map((r) => r.json()));
    expect(answers.filter((a) => a.duplicate !== true)).toHaveLength(1);
    expect(answers.every((a) => a.status === 'ok')).toBe(true);
    const session = await sessionOf(room);
    expect(session?.attendances).toHaveLength(1);
    expect(session?.attendances[0].spans).toHaveLength(1);
    expect(await app.db.prisma.webhookEvent.count({ where: { id: eventIdOf(body) } })).toBe(1);
  });

  it('creates attendance from the legacy format (room.identity, numeric joinedAt, no id)', async () => {
    const response = await app.postWebhook(fixture('legacy-participant_joined'));
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe('ok');
    expect(await attendanceOf('algebra-101-20261124090000', '27')).toMatchObject({
      user: { id: '27', name: 'Dr. Rahimi' },
      role: 'MODERATOR',
      isOnline: true,
      firstJoinedAt: '2026-11-24T09:00:30.000Z',
      spans: [{ joinedAt: '2026-11-24T09:00:30.000Z', leftAt: null }],
    });
  });
});

describe('events without an id', () => {
  it('derives the id from the body hash: the same id-less body twice is a duplicate the second time', async () => {
    const room = uniqueRoom('no-id');
    const body = joinBody({ room, identity: '4001', id: null });
    expect(JSON.parse(body).id).toBeUndefined();
    const before = await storeCounts(app.db.prisma);

    const first = await app.postWebhook(body);
    expect(first.status).toBe(200);
    expect((await first.json()).duplicate).toBeUndefined();
    const afterFirst = await storeCounts(app.db.prisma);
    expect(afterFirst.events).toBe(before.events + 1);

    const second = await app.postWebhook(body);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ status: 'ok', duplicate: true });
    expect(await storeCounts(app.db.prisma)).toEqual(afterFirst);
    expect((await attendanceOf(room, '4001'))?.spans).toHaveLength(1);
  });

  it('gives different id-less bodies different ids: both are applied', async () => {
    const room = uniqueRoom('no-id-two');
    const one = await app.postWebhook(joinBody({ room, identity: '4002', id: null }));
    const two = await app.postWebhook(joinBody({ room, identity: '4003', id: null }));
    expect((await one.json()).duplicate).toBeUndefined();
    expect((await two.json()).duplicate).toBeUndefined();
    const users = (await sessionOf(room))?.attendances.map((a) => a.user.id).sort();
    expect(users).toEqual(['4002', '4003']);
  });
});

describe('acted-on events with an unusable payload', () => {
  it('answers participant_joined without participant with 400 naming the field, and keeps it as REJECTED', async () => {
    const room = uniqueRoom('no-participant');
    const body = JSON.stringify({ ...JSON.parse(joinBody({ room })), participant: undefined });
    const response = await app.postWebhook(body);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer.status).toBe('error');
    expect(answer.message).toMatch(/participant_joined/);
    expect(answer.message).toMatch(/\bparticipant\b/);
    expect(answer.message).not.toBe('Invalid JSON payload');
    const stored = await storedEvent(eventIdOf(body));
    expect(stored).toMatchObject({ name: 'participant_joined', status: 'REJECTED', body, roomId: room });
    expect(await sessionOf(room)).toBeNull();
  });

  it("applies a usable delivery under a rejected event's id, and stores it in place of the rejected body", async () => {
    const room = uniqueRoom('rejected-then-fixed');
    const usable = joinBody({ room, identity: '4101' });
    const unusable = JSON.stringify({ ...JSON.parse(usable), participant: undefined });
    expect((await app.postWebhook(unusable)).status).toBe(400);
    expect((await storedEvent(eventIdOf(usable)))?.status).toBe('REJECTED');

    const response = await app.postWebhook(usable);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      result: 'applied',
      changes: [{ kind: 'STARTED' }, { kind: 'JOINED', userId: '4101' }],
    });
    expect(await storedEvent(eventIdOf(usable))).toMatchObject({
      status: 'APPLIED',
      body: usable,
      error: null,
      attempts: 1,
    });
    expect((await sessionOf(room))?.attendances.map((a) => a.user.id)).toEqual(['4101']);
    // and from then on it is a duplicate like any applied event
    expect(await (await app.postWebhook(usable)).json()).toMatchObject({ duplicate: true });
  });

  it('names participant.identity when the participant has no identity', async () => {
    const room = uniqueRoom('no-identity');
    const body = JSON.stringify({
      ...JSON.parse(joinBody({ room })),
      participant: { sid: 'PA_x', name: 'Nobody', joined_at: '1795510861' },
    });
    const response = await app.postWebhook(body);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/participant\.identity/);
    expect((await storedEvent(eventIdOf(body)))?.status).toBe('REJECTED');
  });

  it('names room.room_id when the room has neither room_id nor identity', async () => {
    const body = fixtureWith('04-participant_joined-student', (e) => {
      e.id = `no-room-id-${uniqueRoom('x')}`;
      delete e.room.room_id;
    });
    const response = await app.postWebhook(body);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/room\.room_id/);
    expect((await storedEvent(eventIdOf(body)))?.status).toBe('REJECTED');
  });
});

describe('values no database could store', () => {
  /** A participant_joined whose body `change` spoils; answered 400 naming `field`, kept REJECTED, nothing applied. */
  async function expectRejected(label: string, field: RegExp, change: (event: any) => void) {
    const room = uniqueRoom(label);
    const event = JSON.parse(joinBody({ room, identity: `${label}-user` }));
    change(event);
    const body = JSON.stringify(event);
    const response = await app.postWebhook(body);
    expect(response.status, await response.clone().text()).toBe(400);
    const answer = await response.json();
    expect(answer.status).toBe('error');
    expect(answer.message).toMatch(field);
    expect(await storedEvent(event.id)).toMatchObject({ status: 'REJECTED', body });
    expect(await sessionOf(room)).toBeNull();
    // PlugNMeet's retry gets the same answer: no 500 loop
    expect((await app.postWebhook(body)).status).toBe(400);
  }

  it('rejects a created_at too large for any date (20 digits), and keeps the event', async () => {
    await expectRejected('huge-created', /created_at must be a Unix time in seconds/, (e) => {
      e.created_at = '99999999999999999999';
    });
  });

  it('rejects a created_at just past the largest JavaScript date', async () => {
    await expectRejected('max-date', /created_at/, (e) => {
      e.created_at = '8640000000001';
    });
  });

  it('rejects a participant.joined_at too large for any date', async () => {
    await expectRejected('huge-joined', /participant\.joined_at/, (e) => {
      e.participant.joined_at = '99999999999999999999';
    });
  });

  it('rejects a NUL character in room.room_id, and keeps the event without a room', async () => {
    await expectRejected('nul-room', /room\.room_id must not contain the NUL character/, (e) => {
      e.room.room_id = `nul\u0000${e.room.room_id}`;
    });
  });

  // random, so that PostgreSQL cannot compress it under its index entry limit (~2.7 KB)
  const longId = () => randomBytes(2400).toString('base64'); // 3,200 characters

  it('rejects ids too long for an index (room.sid, room.room_id, participant.identity), naming the field', async () => {
    await expectRejected('long-sid', /room\.sid must be at most 255 characters/, (e) => {
      e.room.sid = longId();
    });
    await expectRejected('long-room', /room\.room_id must be at most 255 characters/, (e) => {
      e.room.room_id = longId();
    });
    await expectRejected('long-identity', /participant\.identity must be at most 255 characters/, (e) => {
      e.participant.identity = longId();
    });
  });

  it('stores and applies an event whose own id is too long for an index under an id from its hash', async () => {
    const room = uniqueRoom('long-event-id');
    const event = JSON.parse(joinBody({ room, identity: 'long-id-user' }));
    event.id = longId();
    const body = JSON.stringify(event);
    const response = await app.postWebhook(body);
    expect(response.status, await response.clone().text()).toBe(200);
    const answer = await response.json();
    expect(answer).toMatchObject({ result: 'applied', id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(await storedEvent(answer.id)).toMatchObject({ status: 'APPLIED', body });
    expect(await (await app.postWebhook(body)).json()).toMatchObject({ duplicate: true, id: answer.id });
  });

  it('rejects a NUL character in participant.identity', async () => {
    await expectRejected('nul-identity', /participant\.identity must not contain the NUL character/, (e) => {
      e.participant.identity = 'a\u0000b';
    });
  });

  it('rejects a lone surrogate in participant.identity (stored as U+FFFD, two users would become one)', async () => {
    await expectRejected('surrogate-identity', /participant\.identity must not contain .* a lone surrogate/, (e) => {
      e.participant.identity = 'u\ud800';
    });
  });

  it('takes a created_at of 0 as unset (protojson), not as 1970', async () => {
    const room = uniqueRoom('zero-created');
    const body = joinBody({ room });
    const event = { ...JSON.parse(body), created_at: '0' };
    expect((await app.postWebhook(JSON.stringify(event))).status).toBe(200);
    // the run is known from participant.joined_at (2026-11-24T09:01:01Z) and the time of receipt, not 1970
    expect((await sessionOf(room))?.startedAt).toBe('2026-11-24T09:01:01.000Z');
  });

  it('answers 400 to an event name with a NUL character', async () => {
    const response = await app.postWebhook(
      JSON.stringify({ event: 'participant_joined\u0000', id: uniqueRoom('nul-event') }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      status: 'error',
      message: 'Invalid event field: must not contain the NUL character (\\u0000) or a lone surrogate',
    });
  });

  it('applies an event whose id has a NUL character under an id derived from its body', async () => {
    const room = uniqueRoom('nul-id');
    const body = joinBody({ room, id: `nul\u0000id-${room}` });
    const response = await app.postWebhook(body);
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await storedEvent(answer.id)).toMatchObject({ status: 'APPLIED', body });
    expect(await app.postWebhook(body).then((r) => r.json())).toMatchObject({ duplicate: true, id: answer.id });
  });
});

/** Runs `run` while the database refuses inserts into `table` of rows matching `when` (a trigger condition). */
async function whileInsertsRefused<T>(table: string, when: string, run: () => Promise<T>): Promise<T> {
  const prisma = app.db.prisma;
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION rollcall_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF ${when} THEN RAISE EXCEPTION 'simulated failure: ${table} refused'; END IF; RETURN NEW; END $$`);
  await prisma.$executeRawUnsafe(
    `CREATE TRIGGER rollcall_test_refuse BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION rollcall_test_refuse()`,
  );
  try {
    return await run();
  } finally {
    await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS rollcall_test_refuse ON "${table}"`);
    await prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS rollcall_test_refuse()`);
  }
}

describe('internal failure', () => {
  it("answers 500, keeps the event FAILED with its effects rolled back, and applies PlugNMeet's retry", async () => {
    const prisma = app.db.prisma;
    const room = uniqueRoom('db-failure');
    const body = joinBody({ room, identity: 'failing-user-5001', name: 'Grace' });
    const id = eventIdOf(body);

    const before = await storeCounts(prisma);
    const failed = await whileInsertsRefused('PresenceSpan', 'true', () => app.postWebhook(body));
    expect(failed.status).toBe(500);
    expect((await failed.json()).status).toBe('error');
    // kept, so nothing is lost; its effects (session, user, attendance) rolled back
    expect(await storedEvent(id)).toMatchObject({ status: 'FAILED', body, name: 'participant_joined' });
    expect(await storeCounts(prisma)).toEqual({ ...before, events: before.events + 1 });
    expect(await sessionOf(room)).toBeNull();
    expect(await prisma.user.findUnique({ where: { id: 'failing-user-5001' } })).toBeNull();

    // PlugNMeet retries the same body: now it is applied, not answered as a duplicate
    const retried = await app.postWebhook(body);
    expect(retried.status).toBe(200);
    const answer = await retried.json();
    expect(answer.status).toBe('ok');
    expect(answer.duplicate).toBeUndefined();
    expect((await storedEvent(id))?.status).toBe('APPLIED');
    expect(await attendanceOf(room, 'failing-user-5001')).toMatchObject({
      user: { name: 'Grace' },
      isOnline: true,
      spans: [{ joinedAt: '2026-11-24T09:01:01.000Z', leftAt: null }],
    });
    expect(await prisma.webhookEvent.count({ where: { id } })).toBe(1);

    // and once applied, a further delivery is a duplicate
    const third = await app.postWebhook(body);
    expect(await third.json()).toMatchObject({ status: 'ok', duplicate: true });
  });
});

describe('internal failure that cannot even store the event', () => {
  it('answers 500 saying the event was not stored, so that PlugNMeet retries it', async () => {
    const body = joinBody({ room: uniqueRoom('unstorable'), id: `refuse-${uniqueRoom('id')}` });
    const failed = await whileInsertsRefused('WebhookEvent', `NEW.id LIKE 'refuse-%'`, () => app.postWebhook(body));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      status: 'error',
      message: 'Internal error: the event was not stored; retry it',
    });
    expect(await storedEvent(eventIdOf(body))).toBeNull();
    // the retry finds a working database and is applied
    expect(await (await app.postWebhook(body)).json()).toMatchObject({ status: 'ok', result: 'applied' });
  });
});

describe('methods', () => {
  it('answers GET on the webhook path with 405', async () => {
    const before = await storeCounts(app.db.prisma);
    const response = await fetch(webhookUrl());
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toMatch(/POST/);
    expect(await storeCounts(app.db.prisma)).toEqual(before);
  });
});
