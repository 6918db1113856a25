// Plays the LMS that issues dashboard tokens: HS256 JWTs with a shared secret, unsigned (`alg: none`)
// forgeries, and an issuer publishing its public keys as a JWKS on loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export const DASHBOARD_SECRET = 'test-dashboard-secret-0123456789abcdef0123';
export const DASHBOARD_ISSUER = 'https://lms.example.edu';
export const DASHBOARD_AUDIENCE = 'rollcall-dashboard';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface TokenOptions {
  /** HS256 secret (default: DASHBOARD_SECRET) */
  secret?: string;
  /** `null` leaves the claim out */
  issuer?: string | null;
  audience?: string | null;
  /** seconds since the epoch (default: an hour from now); `null` leaves the claim out */
  expiresAt?: number | null;
  notBefore?: number;
  claims?: JWTPayload;
}

function claimsFor(sub: string, o: TokenOptions): JWTPayload {
  const iat = nowSeconds();
  return {
    ...o.claims,
    sub,
    iat,
    ...(o.issuer === null ? {} : { iss: o.issuer ?? DASHBOARD_ISSUER }),
    ...(o.audience === null ? {} : { aud: o.audience ?? DASHBOARD_AUDIENCE }),
    ...(o.expiresAt === null ? {} : { exp: o.expiresAt ?? iat + 3600 }),
    ...(o.notBefore === undefined ? {} : { nbf: o.notBefore }),
  };
}

/** A dashboard token as the LMS issues it: HS256 with the shared secret. */
export function dashboardToken(sub: string, o: TokenOptions = {}): Promise<string> {
  return new SignJWT(claimsFor(sub, o))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(o.secret ?? DASHBOARD_SECRET));
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`) with otherwise valid claims: a forgery. */
export function unsignedToken(sub: string, o: TokenOptions = {}): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsFor(sub, o))}.`;
}

export interface JwksIssuer {
  /** where the JWKS is served */
  jwksUrl: string;
  /** A token signed with the published key (RS256). */
  sign(sub: string, o?: TokenOptions): Promise<string>;
  /** A token with the published key's kid, signed with a key that is not published. */
  signWithUnpublishedKey(sub: string, o?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

/** An issuer on 127.0.0.1 publishing one RS256 public key at /.well-known/jwks.json. */
export async function startJwksIssuer(): Promise<JwksIssuer> {
  const kid = 'lms-key-1';
  const published = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(published.publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const signWith =
    (key: CryptoKey) =>
    (sub: string, o: TokenOptions = {}) =>
      new SignJWT(claimsFor(sub, o)).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key);
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    sign: signWith(published.privateKey),
    signWithUnpublishedKey: signWith(other.privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
