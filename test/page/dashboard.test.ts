// The teacher's page in a real browser, against a real server: what a teacher sees as a class runs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleLiveSession, upsertCourse } from '../../src/attendance/courses.ts';
import { participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DASHBOARD_AUDIENCE, DASHBOARD_ISSUER, DASHBOARD_SECRET, dashboardToken } from '../support/tokens.ts';
import { buildPage, type CuttableProxy, haveBrowser, launchBrowser, startProxy } from './browser.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const now = () => Math.floor(Date.now() / 1000);
let n = 0;

describe.skipIf(!haveBrowser)("the teacher's page", () => {
  let app: TestServer;
  let proxy: CuttableProxy;
  let browser: Browser;
  let teacher: string;

  beforeAll(async () => {
    buildPage();
    app = await startTestServer({
      dashboard: { secret: DASHBOARD_SECRET, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
    });
    proxy = await startProxy(app.url);
    browser = await launchBrowser();
    await upsertCourse(app.db.prisma, { slug: 'physics', title: 'Physics 101', managerIds: ['teacher-1'] });
    teacher = await dashboardToken('teacher-1');
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await app?.close();
  });

  async function startClass(subject: string, enrolled: string[] = []) {
    const run = { roomId: `physics-${++n}-${Date.now()}`, roomSid: `RM_physics_${n}` };
    await scheduleLiveSession(app.db.prisma, { courseSlug: 'physics', roomId: run.roomId, subject });
    const course = await app.db.prisma.course.findUniqueOrThrow({ where: { slug: 'physics' } });
    for (const id of enrolled) {
      await app.db.prisma.user.upsert({ where: { id }, create: { id, name: `Enrolled ${id}` }, update: {} });
      await app.db.prisma.enrolment.upsert({
        where: { courseId_userId: { courseId: course.id, userId: id } },
        create: { courseId: course.id, userId: id },
        update: {},
      });
    }
    expect(
      (await app.postWebhook(roomEventBody('02-room_started', run, now() - 120, `${run.roomId}-start`))).status,
    ).toBe(200);
    return run;
  }
  const event = async (
    kind: 'joined' | 'left',
    run: { roomId: string; roomSid: string },
    identity: string,
    name = `Student ${identity}`,
  ) => {
    const fixture = kind === 'joined' ? '04-participant_joined-student' : '07-participant_left-student';
    const body = participantEventBody(
      fixture,
      run,
      { identity, sid: `PA_${identity}`, name, joinedAt: now() - 60 },
      now(),
      `${run.roomId}-${kind}-${identity}-${Date.now()}`,
    );
    expect((await app.postWebhook(body)).status).toBe(200);
  };
  async function open(path: string, token = teacher, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(`${proxy.url}${path}#token=${encodeURIComponent(token)}`);
    return page;
  }
  const row = (page: Page, user: string) => page.locator(`tr[data-user-id="${user}"]`);

  it('shows a join within a second, and a leave turns the student offline', async () => {
    const run = await startClass('Waves', ['enrolled-absent']);
    const page = await open(`/dashboard/rooms/${run.roomId}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Waves');
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('live');
    // the LMS link's token is kept in the tab, not in the address
    expect(new URL(page.url()).hash).toBe('');
    expect(await row(page, 'enrolled-absent').getAttribute('data-verdict')).toBe('ABSENT');

    const sent = Date.now();
    await event('joined', run, 'ada', 'Ada Lovelace');
    await row(page, 'ada').waitFor({ timeout: 1_000 });
    expect(Date.now() - sent).toBeLessThan(1_000);
    expect(await row(page, 'ada').getAttribute('data-online')).toBe('true');
    expect(await row(page, 'ada').locator('th').textContent()).toBe('Ada Lovelace');

    await event('left', run, 'ada');
    await page.locator('tr[data-user-id="ada"][data-online="false"]').waitFor({ timeout: 1_000 });
    await page.close();
  });

  it('shows every change made while the network was down once it is back', async () => {
    const run = await startClass('Optics');
    const page = await open(`/dashboard/rooms/${run.roomId}`);
    await event('joined', run, 'grace');
    await row(page, 'grace').waitFor();
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('live');

    proxy.cut();
    await expect
      .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
      .toBe('reconnecting');
    await event('joined', run, 'alan');
    await event('joined', run, 'barbara');
    await event('left', run, 'grace');
    await event('left', run, 'alan');
    proxy.restore();

    await expect
      .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
      .toBe('live');
    await page.locator('tr[data-user-id="grace"][data-online="false"]').waitFor({ timeout: 5_000 });
    await page.locator('tr[data-user-id="alan"][data-online="false"]').waitFor({ timeout: 5_000 });
    await page.locator('tr[data-user-id="barbara"][data-online="true"]').waitFor({ timeout: 5_000 });
    await page.close();
  });

  it("shows a student's token nothing of the class", async () => {
    const run = await startClass('Secret');
    await event('joined', run, 'eve');
    const page = await open(`/dashboard/rooms/${run.roomId}`, await dashboardToken('eve'));
    await page.locator('[role="alert"]').waitFor();
    expect(await page.locator('tr[data-user-id]').count()).toBe(0);
    await page.goto(`${proxy.url}/dashboard`);
    await page.getByText('No course is visible to you').waitFor();
    await page.close();
  });

  it('lists the course, opens a session and exports it as CSV', async () => {
    const run = await startClass('Gravity');
    await event('joined', run, 'isaac', 'Isaac Newton');
    const page = await open('/dashboard');
    await page.getByRole('link', { name: 'Physics 101' }).click();
    await page.getByRole('link', { name: 'Gravity' }).click();
    await row(page, 'isaac').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/dashboard\/sessions\//);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Export this session/ }).click(),
    ]);
    const csv = readFileSync(await file.path(), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Isaac Newton');
    await page.close();
  });

  it('has no serious accessibility violation, and fits a phone', async () => {
    const run = await startClass('Access');
    await event('joined', run, 'tim');
    const signIn = await browser.newPage();
    await signIn.goto(`${proxy.url}/dashboard`);
    await signIn.getByLabel('Dashboard token').waitFor();
    const pages = [signIn, await open(`/dashboard/rooms/${run.roomId}`, teacher, { width: 390, height: 844 })];
    await row(pages[1], 'tim').waitFor();
    for (const page of pages) {
      await page.evaluate(AXE); // through the debugger: the page's CSP rightly refuses inline scripts
      const violations = await page.evaluate(async () => {
        const result = await (
          window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }
        ).axe.run();
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      });
      expect(violations).toEqual([]);
    }
    // on a phone the page scrolls down, not sideways (the table scrolls within its own region)
    expect(await pages[1].evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    for (const page of pages) await page.close();
  });
});
