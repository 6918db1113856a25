// Not a check: `SCREENSHOT=1 npx vitest run test/page/screenshot.test.ts` writes docs/dashboard.png,
// the README's picture of the page, from a class played through the real webhook path.
import { afterAll, beforeAll, it } from 'vitest';
import { scheduleLiveSession, upsertCourse } from '../../src/attendance/courses.ts';
import { participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DASHBOARD_AUDIENCE, DASHBOARD_ISSUER, DASHBOARD_SECRET, dashboardToken } from '../support/tokens.ts';
import { buildPage, launchBrowser } from './browser.ts';

const wanted = process.env.SCREENSHOT === '1';
let app: TestServer;
beforeAll(async () => {
  if (!wanted) return;
  buildPage();
  app = await startTestServer({
    dashboard: { secret: DASHBOARD_SECRET, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
  });
});
afterAll(() => app?.close());

it.runIf(wanted)(
  'writes docs/dashboard.png',
  async () => {
    const now = Math.floor(Date.now() / 1000);
    const run = { roomId: 'physics-101-monday', roomSid: 'RM_physics_monday' };
    await upsertCourse(app.db.prisma, { slug: 'physics-101', title: 'Physics 101', managerIds: ['teacher-1'] });
    await scheduleLiveSession(app.db.prisma, {
      courseSlug: 'physics-101',
      roomId: run.roomId,
      subject: 'Waves and optics',
    });
    const course = await app.db.prisma.course.findUniqueOrThrow({ where: { slug: 'physics-101' } });
    for (const [id, name] of [
      ['s-09', 'Noor Haddad'],
      ['s-10', 'Kenji Watanabe'],
    ]) {
      await app.db.prisma.user.create({ data: { id, name } });
      await app.db.prisma.enrolment.create({ data: { courseId: course.id, userId: id } });
    }
    await app.postWebhook(roomEventBody('02-room_started', run, now - 50 * 60, 'shot-start'));
    const people: [string, string, number, number | null][] = [
      ['s-01', 'Ada Lovelace', 49, null],
      ['s-02', 'Grace Hopper', 48, null],
      ['s-03', 'Alan Turing', 35, null],
      ['s-04', 'Zoë Ramírez', 47, 8],
      ['s-05', 'Chidi Okafor', 49, null],
      ['s-06', 'Мария Иванова', 30, 22],
      ['s-07', 'Amara Nwosu', 46, null],
    ];
    for (const [identity, name, minutesAgo, leftMinutesAgo] of people) {
      const who = { identity, sid: `PA_${identity}`, name, joinedAt: now - minutesAgo * 60 };
      await app.postWebhook(
        participantEventBody('04-participant_joined-student', run, who, who.joinedAt, `shot-j-${identity}`),
      );
      if (leftMinutesAgo !== null) {
        await app.postWebhook(
          participantEventBody(
            '07-participant_left-student',
            run,
            who,
            now - leftMinutesAgo * 60,
            `shot-l-${identity}`,
          ),
        );
      }
    }
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1200, height: 860 }, deviceScaleFactor: 1 });
    await page.goto(`${app.url}/dashboard/rooms/${run.roomId}#token=${await dashboardToken('teacher-1')}`);
    await page.locator('tr[data-user-id="s-07"]').waitFor();
    await page.locator('[data-connection="live"]').waitFor();
    await page.screenshot({ path: 'docs/dashboard.png', fullPage: false });
    await browser.close();
  },
  60_000,
);
