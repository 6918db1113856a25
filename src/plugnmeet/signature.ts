// PlugNMeet signs each webhook with a LiveKit-style JWT (HS256, iss = API key, a `sha256` claim of
// the raw body) in `Authorization` and `Hash-Token`; older integrations send a hex HMAC instead.
import { createHash, createHmac } from 'node:crypto';
import { jwtVerify } from 'jose';
import { bearerToken, safeEqual } from '../lib/credentials.ts';

export interface SignatureHeaders {
  authorization?: string | null;
  hashToken?: string | null;
}

export type Verification = { ok: true; scheme: 'jwt' | 'hmac' } | { ok: false; reason: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const CLOCK_TOLERANCE_SECONDS = 10;

export function createWebhookVerifier(credentials: { apiKey: string; apiSecret: string }) {
  const key = new TextEncoder().encode(credentials.apiSecret);

  return async function verify(headers: SignatureHeaders, body: Uint8Array): Promise<Verification> {
    const fromAuthorization = bearerToken(headers.authorization);
    const token = fromAuthorization || headers.hashToken?.trim();
    if (!token) return { ok: false, reason: 'no Authorization or Hash-Token header' };

    if (!JWT_SHAPE.test(token)) {
      if (fromAuthorization) return { ok: false, reason: 'Authorization is not a JWT' };
      const expected = createHmac('sha256', credentials.apiSecret).update(body).digest('hex');
      return safeEqual(token.toLowerCase(), expected)
        ? { ok: true, scheme: 'hmac' }
        : { ok: false, reason: 'legacy HMAC does not match the body' };
    }

    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: credentials.apiKey,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return { ok: false, reason: `JWT rejected: ${(error as Error).message}` };
    }
    if (typeof claims.sha256 !== 'string') return { ok: false, reason: 'JWT has no sha256 claim' };
    const digest = createHash('sha256').update(body).digest('base64');
    return safeEqual(claims.sha256, digest)
      ? { ok: true, scheme: 'jwt' }
      : { ok: false, reason: 'sha256 claim does not match the body' };
  };
}

export type WebhookVerifier = ReturnType<typeof createWebhookVerifier>;
