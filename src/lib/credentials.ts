// Reading and comparing credentials, the same way wherever they come in (webhook signatures, API
// tokens). No dependencies: usable from any part of Rollcall.
import { timingSafeEqual } from 'node:crypto';

/** Compares two secrets in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The token of an Authorization header or graphql-ws connectionParams value, with or without its
 * `Bearer ` prefix; undefined when there is none (a lone "Bearer", as HTTP stacks trim it, is none).
 */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const token = value.replace(/^Bearer(\s+|$)/i, '').trim();
  return token || undefined;
}
