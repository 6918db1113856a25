// GET /dashboard[/...]: the teacher's page, built by `npm run build:web` into dist/web (no CDN). Every
// path under /dashboard answers the page, which routes itself; its assets are under /dashboard/assets.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonResponse } from './json.ts';

export const DASHBOARD_ROUTE = /^\/dashboard(\/.*)?$/;

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// The page holds the dashboard token: no third party, no inline script, no referrer leaking paths.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** dist/web of the package, from src/http (tsx) or from a bundle in dist/. */
export function findWebDir(from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'web');
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function createDashboardPage(webDir = findWebDir()) {
  const cache = new Map<string, Buffer>();
  const load = async (name: string) => {
    let body = cache.get(name);
    if (!body && webDir) {
      body = await readFile(path.join(webDir, name)).catch(() => undefined);
      if (body) cache.set(name, body);
    }
    return body;
  };
  return async function serveDashboard(request: Request, subpath: string): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return jsonResponse(405, { status: 'error', message: 'Use GET' }, { allow: 'GET, HEAD' });
    }
    const asset = /^\/assets\/([\w.-]+)$/.exec(subpath);
    const name = asset ? asset[1] : 'index.html';
    const type = asset ? ASSET_TYPES[path.extname(name)] : 'text/html; charset=utf-8';
    const body = type ? await load(name) : undefined;
    if (!body) {
      if (asset) return jsonResponse(404, { status: 'error', message: `No asset ${name}` });
      return jsonResponse(503, {
        status: 'error',
        message: 'The dashboard page is not built: run `npm run build:web`',
      });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      headers: {
        'content-type': type,
        'content-length': String(body.length),
        // assets are named by their content hash; the page itself is small and must not go stale
        'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...SECURITY_HEADERS,
      },
    });
  };
}
