// Turns a bearer credential into a Viewer: the admin token, or a dashboard JWT issued by the LMS
// (HS256 with a shared secret, or any algorithm the issuer's JWKS publishes).
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { PrismaClient } from '../db/types.ts';
import { bearerToken, safeEqual } from '../lib/credentials.ts';
import type { Viewer } from './viewer.ts';

export interface AuthConfig {
  adminApiToken?: string;
  dashboard: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string };
}

export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

export interface Authenticator {
  /** No credential configured: the API is open (development). */
  open: boolean;
  /** The viewer, or the CredentialError saying why not (returned: every caller answers it its own way). */
  authenticate(authorization: unknown): Promise<Viewer | CredentialError>;
}

const CLOCK_TOLERANCE_SECONDS = 5;

export function createAuthenticator(config: AuthConfig, prisma: PrismaClient): Authenticator {
  const { dashboard } = config;
  const key: Uint8Array | JWTVerifyGetKey | undefined = dashboard.jwksUrl
    ? createRemoteJWKSet(new URL(dashboard.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 })
    : dashboard.secret
      ? new TextEncoder().encode(dashboard.secret)
      : undefined;
  const open = !config.adminApiToken && !key;

  async function verifyDashboardToken(token: string): Promise<Viewer | CredentialError> {
    if (!key) return new CredentialError('invalid token');
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms: dashboard.jwksUrl ? undefined : ['HS256'],
        issuer: dashboard.issuer,
        audience: dashboard.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return new CredentialError('token expired');
      if (error instanceof errors.JOSEError) return new CredentialError(`invalid token: ${error.message}`);
      throw error;
    }
    const userId = payload.sub!;
    const managed = await prisma.courseManager.findMany({ where: { userId }, select: { courseId: true } });
    return {
      kind: 'user',
      userId,
      managedCourseIds: new Set(managed.map((m) => m.courseId)),
      expiresAt: payload.exp ? new Date(payload.exp * 1000) : null,
    };
  }

  return {
    open,
    async authenticate(authorization) {
      if (open) return { kind: 'admin' };
      const token = bearerToken(authorization);
      if (!token) return new CredentialError('missing credentials');
      if (config.adminApiToken && safeEqual(token, config.adminApiToken)) return { kind: 'admin' };
      return verifyDashboardToken(token);
    },
  };
}
