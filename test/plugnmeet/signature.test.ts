// The receiver's pure parts, without HTTP: the signature check (SPEC section 3's order and
// tolerance), and the way a raw body becomes a named event and then a domain event.
import { describe, expect, it } from 'vitest';
import { interpret, parseBody } from '../../src/plugnmeet/webhook-body.ts';
import { createWebhookVerifier } from '../../src/plugnmeet/signature.ts';
import { API_KEY, API_SECRET, fixture, fixtureWith, legacyHashToken, signBody } from '../support/plugnmeet.ts';
import { bodyHash, claimsFor, nowSeconds, signClaims, unsignedToken } from '../support/webhook-helpers.ts';

const verify = createWebhookVerifier({ apiKey: API_KEY, apiSecret: API_SECRET });
const bytes = (s: string) => new TextEncoder().encode(s);
const BODY = fixture('04-participant_joined-student');

describe('createWebhookVerifier', () => {
  describe('accepts', () => {
    it('the JWT PlugNMeet sends, in Authorization and Hash-Token', async () => {
      const token = await signBody(BODY);
      expect(await verify({ authorization: token, hashToken: token }, bytes(BODY))).toEqual({
        ok: true,
        scheme: 'jwt',
      });
    });

    it('the JWT in Hash-Token alone (Authorization absent or empty)', async () => {
      const token = await signBody(BODY);
      expect(await verify({ hashToken: token }, bytes(BODY))).toEqual({ ok: true, scheme: 'jwt' });
      expect(await verify({ authorization: null, hashToken: token }, bytes(BODY))).toEqual({ ok: true, scheme: 'jwt' });
      expect(await verify({ authorization: '', hashToken: token }, bytes(BODY))).toEqual({ ok: true, scheme: 'jwt' });
      // an Authorization with only the scheme (HTTP stacks trim the trailing space) carries no token
      for (const authorization of ['Bearer ', 'Bearer', 'bearer  ']) {
        expect(await verify({ authorization, hashToken: token }, bytes(BODY)), authorization).toEqual({
          ok: true,
          scheme: 'jwt',
        });
      }
    });

    it('a Bearer-prefixed Authorization', async () => {
      const token = await signBody(BODY);
      expect(await verify({ authorization: `Bearer ${token}` }, bytes(BODY))).toEqual({ ok: true, scheme: 'jwt' });
    });

    it('a token expired 5 s ago and one not valid for another 5 s (10 s clock tolerance)', async () => {
      const now = nowSeconds();
      const expired = await signClaims(claimsFor(BODY, { iat: now - 305, nbf: now - 305, exp: now - 5 }));
      const early = await signClaims(claimsFor(BODY, { iat: now + 5, nbf: now + 5, exp: now + 305 }));
      expect(await verify({ authorization: expired }, bytes(BODY))).toMatchObject({ ok: true });
      expect(await verify({ authorization: early }, bytes(BODY))).toMatchObject({ ok: true });
    });

    it('a token without nbf or iat (only exp is required)', async () => {
      const token = await signClaims(claimsFor(BODY, { nbf: undefined, iat: undefined }));
      expect(await verify({ authorization: token }, bytes(BODY))).toMatchObject({ ok: true });
    });

    it('the legacy lowercase hex HMAC-SHA256 of the body in Hash-Token', async () => {
      expect(await verify({ hashToken: legacyHashToken(BODY) }, bytes(BODY))).toEqual({ ok: true, scheme: 'hmac' });
    });

    it('a body with non-ASCII text, hashed as its exact UTF-8 bytes', async () => {
      const body = '{"event":"participant_joined","participant":{"identity":"7","name":"Zoë 李 🎓"}}';
      const token = await signClaims(claimsFor(body));
      expect(await verify({ authorization: token }, bytes(body))).toMatchObject({ ok: true });
      expect(await verify({ hashToken: legacyHashToken(body) }, bytes(body))).toMatchObject({ ok: true });
    });

    it('an empty body signed as such', async () => {
      const token = await signBody('');
      expect(await verify({ authorization: token }, new Uint8Array())).toMatchObject({ ok: true });
    });
  });

  describe('rejects', () => {
    const rejected = async (headers: Parameters<typeof verify>[0], body = BODY) => {
      const result = await verify(headers, bytes(body));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toEqual(expect.any(String));
      return result;
    };

    it('no token at all', async () => {
      await rejected({});
      await rejected({ authorization: null, hashToken: null });
      await rejected({ authorization: '', hashToken: '' });
      await rejected({ authorization: 'Bearer ', hashToken: '   ' });
    });

    it('a token signed with another secret', async () => {
      await rejected({ authorization: await signBody(BODY, { apiSecret: 'another-secret-0123456789abcdef0123' }) });
    });

    it('a token from another API key (iss)', async () => {
      await rejected({ authorization: await signBody(BODY, { apiKey: 'someone-else' }) });
      await rejected({ authorization: await signClaims(claimsFor(BODY, { iss: undefined })) });
    });

    it('a token expired beyond the tolerance', async () => {
      const now = nowSeconds();
      await rejected({
        authorization: await signClaims(claimsFor(BODY, { iat: now - 330, nbf: now - 330, exp: now - 30 })),
      });
    });

    it('a token whose nbf is beyond the tolerance', async () => {
      const now = nowSeconds();
      await rejected({ authorization: await signClaims(claimsFor(BODY, { iat: now, nbf: now + 30, exp: now + 330 })) });
      await rejected({
        authorization: await signClaims(claimsFor(BODY, { iat: now, nbf: now + 3600, exp: now + 3900 })),
      });
    });

    it('a token without exp', async () => {
      await rejected({ authorization: await signClaims(claimsFor(BODY, { exp: undefined })) });
    });

    it('an alg none token, in either header', async () => {
      const token = unsignedToken(claimsFor(BODY));
      await rejected({ authorization: token });
      await rejected({ hashToken: token });
      await rejected({ authorization: `Bearer ${token}` });
    });

    it('an alg none token that carries the valid signature of an HS256 token', async () => {
      const valid = await signClaims(claimsFor(BODY));
      const [, payload, signature] = valid.split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await rejected({ authorization: `${header}.${payload}.${signature}` });
    });

    it('HS384 and HS512 tokens signed with the API secret', async () => {
      await rejected({ authorization: await signClaims(claimsFor(BODY), { alg: 'HS384' }) });
      await rejected({ authorization: await signClaims(claimsFor(BODY), { alg: 'HS512' }) });
    });

    it('a token whose payload was changed after signing', async () => {
      const valid = await signClaims(claimsFor(BODY));
      const [header, , signature] = valid.split('.');
      const other = Buffer.from(JSON.stringify(claimsFor('{"event":"room_finished"}'))).toString('base64url');
      await rejected({ authorization: `${header}.${other}.${signature}` }, '{"event":"room_finished"}');
    });

    it('a sha256 claim for another body, or the same body changed by one byte', async () => {
      await rejected({ authorization: await signBody(BODY, { hashOf: `${BODY} ` }) });
      await rejected({ authorization: await signBody(BODY) }, BODY.replace('Student 1', 'Student 2'));
      await rejected({ authorization: await signBody(BODY) }, JSON.stringify(JSON.parse(BODY), null, 2));
    });

    it('a sha256 claim that is missing, not a string, hex instead of base64, or truncated', async () => {
      const hex = (await import('node:crypto')).createHash('sha256').update(BODY).digest('hex');
      await rejected({ authorization: await signClaims(claimsFor(BODY, { sha256: undefined })) });
      await rejected({ authorization: await signClaims(claimsFor(BODY, { sha256: 12345 })) });
      await rejected({ authorization: await signClaims(claimsFor(BODY, { sha256: hex })) });
      await rejected({ authorization: await signClaims(claimsFor(BODY, { sha256: bodyHash(BODY).slice(0, 20) })) });
      await rejected({ authorization: await signClaims(claimsFor(BODY, { sha256: '' })) });
    });

    it('garbage in Authorization, even beside a valid Hash-Token', async () => {
      await rejected({ authorization: 'garbage' });
      await rejected({ authorization: 'Bearer garbage' });
      await rejected({ authorization: 'Basic dXNlcjpwYXNz' });
      await rejected({ authorization: 'a.b.c' });
      await rejected({ authorization: '...' });
      await rejected({ authorization: 'garbage', hashToken: await signBody(BODY) });
    });

    it('a legacy HMAC in Authorization (the compatibility is for Hash-Token only)', async () => {
      await rejected({ authorization: legacyHashToken(BODY) });
    });

    it('a legacy HMAC keyed by another secret, of another body, or truncated', async () => {
      await rejected({ hashToken: legacyHashToken(BODY, 'another-secret') });
      await rejected({ hashToken: legacyHashToken(`${BODY}\n`) });
      await rejected({ hashToken: legacyHashToken(BODY).slice(0, 63) });
      await rejected({ hashToken: 'not-a-jwt-and-not-an-hmac' });
    });

    it('a JWT in Hash-Token that fails is not given a second chance as an HMAC', async () => {
      await rejected({ hashToken: await signBody(BODY, { apiSecret: 'another-secret-0123456789abcdef0123' }) });
    });

    it('the API key used as the signing secret', async () => {
      await rejected({ authorization: await signBody(BODY, { apiSecret: API_KEY }) });
    });
  });
});

describe('parseBody', () => {
  it('names the event, keeps its id, and gives the text to store', () => {
    const parsed = parseBody(bytes(BODY));
    expect(parsed).toEqual({
      ok: true,
      name: 'participant_joined',
      id: '5b0c7b4e-0004-4c1e-9a51-000000000004',
      json: JSON.parse(BODY),
      text: BODY,
    });
  });

  it('gives an event without an id one derived from the exact body bytes', () => {
    const body = fixture('legacy-participant_joined');
    const first = parseBody(bytes(body));
    const again = parseBody(bytes(body));
    const reformatted = parseBody(bytes(JSON.stringify(JSON.parse(body), null, 1)));
    const other = parseBody(bytes(body.replace('"27"', '"28"')));
    if (!first.ok || !again.ok || !reformatted.ok || !other.ok) throw new Error('expected the legacy fixture to parse');
    expect(first.id).toMatch(/\S{16,}/);
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(reformatted.id).not.toBe(first.id);
    // never mistaken for a real PlugNMeet id
    expect(parseBody(bytes(fixture('04-participant_joined-student')))).toMatchObject({
      id: '5b0c7b4e-0004-4c1e-9a51-000000000004',
    });
  });

  it('treats an empty id as no id', () => {
    const a = parseBody(bytes('{"event":"room_created","id":"","room":{"room_id":"a"}}'));
    const b = parseBody(bytes('{"event":"room_created","id":"","room":{"room_id":"b"}}'));
    if (!a.ok || !b.ok) throw new Error('expected both to parse');
    expect(a.id).not.toBe('');
    expect(a.id).not.toBe(b.id);
  });

  it.each([
    ['an empty body', ''],
    ['whitespace', '  \n'],
    ['plain text', 'hello'],
    ['truncated JSON', '{"event":'],
    ['a JSON array', '[{"event":"participant_joined"}]'],
    ['a JSON string', '"participant_joined"'],
    ['a JSON number', '1'],
    ['JSON true', 'true'],
    ['JSON null', 'null'],
  ])('refuses %s as "Invalid JSON payload"', (_name, body) => {
    expect(parseBody(bytes(body))).toEqual({ ok: false, message: 'Invalid JSON payload' });
  });

  it.each([
    ['an empty object', '{}'],
    ['an object with only an id', '{"id":"x"}'],
    ['a null event', '{"event":null}'],
    ['an empty event name', '{"event":""}'],
  ])('refuses %s as "Missing event field"', (_name, body) => {
    expect(parseBody(bytes(body))).toEqual({ ok: false, message: 'Missing event field' });
  });
});

describe('interpret', () => {
  const receivedAt = new Date('2030-01-01T00:00:00.000Z');
  const interpretFixture = (name: string) => {
    const parsed = parseBody(bytes(fixture(name)));
    if (!parsed.ok) throw new Error(`fixture ${name} does not parse`);
    return interpret(parsed.name, parsed.json, receivedAt);
  };

  it('maps a protojson participant_joined (snake_case, int64 strings) to a join', () => {
    expect(interpretFixture('04-participant_joined-student')).toEqual({
      ok: true,
      event: {
        name: 'participant_joined',
        room: { roomId: 'algebra-101-20261124090000', roomSid: 'RM_hT2xQw8Lk3Zp' },
        at: new Date('2026-11-24T09:01:01.000Z'),
        participant: {
          identity: '1001',
          name: 'Student 1',
          sid: 'PA_stud1',
          joinedAt: new Date('2026-11-24T09:01:01.000Z'),
          isAdmin: false,
        },
      },
    });
  });

  it('reads is_admin from the participant metadata', () => {
    expect(interpretFixture('03-participant_joined-moderator')).toMatchObject({
      ok: true,
      event: { participant: { identity: '27', isAdmin: true } },
    });
  });

  it('reads the legacy format: room.identity, numeric joinedAt, and no created_at (the receipt time)', () => {
    expect(interpretFixture('legacy-participant_joined')).toEqual({
      ok: true,
      event: {
        name: 'participant_joined',
        room: { roomId: 'algebra-101-20261124090000', roomSid: 'room-123456' },
        at: receivedAt,
        participant: {
          identity: '27',
          name: 'Dr. Rahimi',
          sid: 'participant-user-27',
          joinedAt: new Date('2026-11-24T09:00:30.000Z'),
          isAdmin: true,
        },
      },
    });
  });

  it('maps a participant_left, keeping the connection it closes', () => {
    expect(interpretFixture('07-participant_left-student')).toMatchObject({
      ok: true,
      event: {
        name: 'participant_left',
        at: new Date('2026-11-24T09:31:01.000Z'),
        participant: { identity: '1001', sid: 'PA_stud1' },
      },
    });
  });

  it.each([
    ['01-room_created', 'room_created', '2026-11-24T09:00:00.000Z'],
    ['02-room_started', 'room_started', '2026-11-24T09:00:01.000Z'],
    ['09-room_finished', 'room_finished', '2026-11-24T10:00:00.000Z'],
  ])('maps %s to a room event at created_at', (name, event, at) => {
    expect(interpretFixture(name)).toEqual({
      ok: true,
      event: {
        name: event,
        room: { roomId: 'algebra-101-20261124090000', roomSid: 'RM_hT2xQw8Lk3Zp' },
        at: new Date(at),
      },
    });
  });

  it('maps the recording events with their record id', () => {
    expect(interpretFixture('08-end_recording')).toMatchObject({
      ok: true,
      event: { name: 'end_recording', recording: { recordId: 'RM_hT2xQw8Lk3Zp-1795510891000' } },
    });
    expect(interpretFixture('10-recording_proceeded')).toMatchObject({
      ok: true,
      event: {
        name: 'recording_proceeded',
        recording: { recordId: 'RM_hT2xQw8Lk3Zp-1795510891000', filePath: 'node_01/RM_hT2xQw8Lk3Zp-1795510891000.mp4' },
      },
    });
  });

  it('does not turn an unset (zero) joined_at into 1970', () => {
    const body = JSON.parse(
      fixtureWith('04-participant_joined-student', (e) => {
        e.participant.joined_at = '0';
        delete e.participant.joined_at_ms;
      }),
    );
    const result = interpret('participant_joined', body, receivedAt);
    expect(result.ok).toBe(true);
    if (result.ok && result.event.name === 'participant_joined')
      expect(result.event.participant.joinedAt).toBeUndefined();
  });

  it('does not turn an unset (zero) joined_at_ms into 1970 either: joined_at, when set, is used', () => {
    for (const [joinedAt, expected] of [
      ['0', undefined],
      ['1795510861', new Date(1_795_510_861_000)],
    ] as const) {
      const body = JSON.parse(
        fixtureWith('04-participant_joined-student', (e) => {
          e.participant.joined_at = joinedAt;
          e.participant.joined_at_ms = '0';
        }),
      );
      const result = interpret('participant_joined', body, receivedAt);
      expect(result.ok).toBe(true);
      if (result.ok && result.event.name === 'participant_joined')
        expect(result.event.participant.joinedAt, joinedAt).toEqual(expected);
    }
  });

  it('treats metadata that is not JSON as not a moderator', () => {
    const body = JSON.parse(
      fixtureWith('03-participant_joined-moderator', (e) => (e.participant.metadata = '{is_admin: true')),
    );
    expect(interpret('participant_joined', body, receivedAt)).toMatchObject({
      ok: true,
      event: { participant: { isAdmin: false } },
    });
  });

  describe('says precisely what is missing', () => {
    const without = (change: (e: any) => void) => JSON.parse(fixtureWith('04-participant_joined-student', change));
    const messageOf = (name: string, json: Record<string, unknown>) => {
      const result = interpret(name, json, receivedAt);
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.message;
    };

    it('a participant_joined without participant', () => {
      const message = messageOf(
        'participant_joined',
        without((e) => delete e.participant),
      );
      expect(message).toMatch(/^Invalid participant_joined event: /);
      expect(message).toMatch(/\bparticipant\b/);
    });

    it('a participant without identity, or with a blank one', () => {
      expect(
        messageOf(
          'participant_left',
          without((e) => delete e.participant.identity),
        ),
      ).toMatch(/participant\.identity/);
      expect(
        messageOf(
          'participant_joined',
          without((e) => (e.participant.identity = '  ')),
        ),
      ).toMatch(/participant\.identity/);
    });

    it('no room, or a room with neither room_id nor identity', () => {
      expect(
        messageOf(
          'room_started',
          without((e) => delete e.room),
        ),
      ).toMatch(/\broom\b/);
      expect(
        messageOf(
          'participant_joined',
          without((e) => delete e.room.room_id),
        ),
      ).toMatch(/room\.room_id/);
    });

    it('a created_at that is not an integer', () => {
      expect(
        messageOf(
          'room_finished',
          without((e) => (e.created_at = 'yesterday')),
        ),
      ).toMatch(/created_at/);
    });

    it('a recording event without recording_info.record_id', () => {
      const body = JSON.parse(fixtureWith('08-end_recording', (e) => delete e.recording_info.record_id));
      expect(messageOf('end_recording', body)).toMatch(/recording_info\.record_id/);
    });

    it('an event it does not act on', () => {
      expect(messageOf('start_recording', JSON.parse(fixture('06-start_recording')))).toBe(
        'Event start_recording ignored',
      );
    });

    it('a track event without track.sid', () => {
      expect(
        messageOf('track_published', JSON.parse(fixtureWith('12-track_published-camera', (e) => delete e.track.sid))),
      ).toMatch(/track\.sid/);
    });

    it('an analytics event without room.sid', () => {
      expect(
        messageOf('analytics_proceeded', JSON.parse(fixtureWith('16-analytics_proceeded', (e) => delete e.room.sid))),
      ).toMatch(/room\.sid is required/);
    });
  });
});
