import { timingSafeEqual } from 'node:crypto';
import type { Viewer } from '../graphql/context.ts';

/** The bearer token of an Authorization header or graphql-ws connectionParams value. */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const token = value.replace(/^Bearer\s+/i, '').trim();
  return token || undefined;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Who the credential identifies; null when credentials are configured and this one is not valid.
 * With no credential configured at all (development), the API is open: everyone is admin.
 */
export function identify(authorization: unknown, adminApiToken: string | undefined): Viewer | null {
  if (!adminApiToken) return { isAdmin: true };
  const token = bearerToken(authorization);
  return token && sameSecret(token, adminApiToken) ? { isAdmin: true } : null;
}
