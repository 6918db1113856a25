// The page's route without a browser: what it serves, with which headers, and what it says unbuilt.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDashboardPage, findWebDir } from '../../src/http/dashboard-page.ts';
import { buildPage } from './browser.ts';

describe('GET /dashboard', () => {
  beforeAll(() => buildPage());
  const serve = createDashboardPage(findWebDir());

  it('answers the page for every path under it, with a CSP that allows this origin only', async () => {
    for (const sub of ['/', '/rooms/algebra-101', '/sessions/x/y']) {
      const response = await serve(new Request(`http://rollcall.test/dashboard${sub}`), sub);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const html = await response.text();
      const script = /src="\/dashboard\/assets\/(app-\w+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await serve(new Request(`http://rollcall.test/dashboard/assets/${script}`), `/assets/${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('refuses other methods, unknown assets, and says how to build it when it is not built', async () => {
    expect((await serve(new Request('http://rollcall.test/dashboard', { method: 'POST' }), '/')).status).toBe(405);
    expect((await serve(new Request('http://rollcall.test/dashboard/assets/nope.js'), '/assets/nope.js')).status).toBe(
      404,
    );
    const unbuilt = createDashboardPage(path.join(mkdtempSync(path.join(tmpdir(), 'no-web-')), 'web'));
    const response = await unbuilt(new Request('http://rollcall.test/dashboard'), '/');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'error',
      message: 'The dashboard page is not built: run `npm run build:web`',
    });
  });
});
