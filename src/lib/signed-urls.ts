// Short-lived signed links to a path of this server: a <video> element cannot send an Authorization
// header, and the dashboard token must not travel in a URL. The signature covers the path and the
// expiry only, so a link opens that one file, for a while, and nothing else.
import { createHmac } from 'node:crypto';
import { safeEqual } from './credentials.ts';

export interface UrlSigner {
  /** `path?expires=…&signature=…`, valid for `ttlSeconds`. */
  sign(path: string, ttlSeconds?: number): string;
  /** Whether the URL's query signs its path and has not expired. */
  verify(url: URL): boolean;
}

const DEFAULT_TTL_SECONDS = 6 * 3600;

/** Signs with a key derived from `secret` (every instance sharing the secret accepts the links). */
export function createUrlSigner(secret: string, now: () => number = Date.now): UrlSigner {
  const key = createHmac('sha256', secret).update('rollcall signed urls').digest();
  const mac = (path: string, expires: number) =>
    createHmac('sha256', key).update(`${path}\n${expires}`).digest('base64url');
  return {
    sign(path, ttlSeconds = DEFAULT_TTL_SECONDS) {
      const expires = Math.floor(now() / 1000) + ttlSeconds;
      return `${path}?expires=${expires}&signature=${mac(path, expires)}`;
    },
    verify(url) {
      const expires = Number(url.searchParams.get('expires'));
      const signature = url.searchParams.get('signature');
      if (!signature || !Number.isSafeInteger(expires) || expires * 1000 < now()) return false;
      return safeEqual(signature, mac(url.pathname, expires));
    },
  };
}
