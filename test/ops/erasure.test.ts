// eraseUser against the real server: afterwards no row of any table, and no stored webhook body,
// holds the user's id or name; the other students are untouched; the erasure is recorded without
// the identity it erased.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/db/types.ts';
import { markFailed } from '../../src/ingest/inbox.ts';
import { storedFields } from '../../src/plugnmeet/webhook-body.ts';
import { LiveSessionQuery } from '../support/documents.ts';
import { EraseUserMutation, ReplayWebhookEventMutation, UserErasuresQuery } from '../support/ops-documents.ts';
import { participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { uniqueRoom } from '../support/webhook-helpers.ts';

const ADMIN = 'admin-token-0123456789abcdef';
let app: TestServer;

beforeAll(async () => {
  app = await startTestServer({ adminApiToken: ADMIN });
});
afterAll(() => app?.close());

/** Every row of every table of the database, as text, with its table's name. */
async function everyRow(prisma: PrismaClient): Promise<{ table: string; row: string }[]> {
  const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const rows = [];
  for (const { name } of tables) {
    const found = await prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${name}" t`);
    rows.push(...found.map(({ row }) => ({ table: name, row })));
  }
  return rows;
}

describe('eraseUser', () => {
  it('leaves no row or event body with the user id or name, and records who asked and when', async () => {
    const room = uniqueRoom('erase');
    const run = { roomId: room, roomSid: `RM_${randomUUID()}` };
    const t0 = Math.floor(Date.now() / 1000) - 600;
    const erased = {
      identity: `lms-erase-${randomUUID().slice(0, 8)}`,
      name: 'Zelda Quintessa-Erasable',
      sid: 'PA_erase1',
      joinedAt: t0 + 10,
    };
    const kept = {
      identity: `lms-keep-${randomUUID().slice(0, 8)}`,
      name: 'Kept Student',
      sid: 'PA_keep1',
      joinedAt: t0 + 20,
    };
    const post = async (body: string) => expect((await app.postWebhook(body)).status).toBe(200);
    await post(roomEventBody('02-room_started', run, t0, randomUUID()));
    await post(participantEventBody('04-participant_joined-student', run, erased, t0 + 10, randomUUID()));
    await post(participantEventBody('04-participant_joined-student', run, kept, t0 + 20, randomUUID()));
    // a second name the user went by, in another connection
    await post(
      participantEventBody(
        '04-participant_joined-student',
        run,
        { ...erased, sid: 'PA_erase2', name: 'Zelda Q. Other-Name' },
        t0 + 30,
        randomUUID(),
      ),
    );
    await post(participantEventBody('07-participant_left-student', run, erased, t0 + 40, randomUUID()));
    // a failed delivery about the user, waiting for a replay
    const failedId = randomUUID();
    const failedBody = participantEventBody(
      '07-participant_left-student',
      run,
      { ...erased, sid: 'PA_erase2' },
      t0 + 50,
      failedId,
    );
    await markFailed(
      app.db.prisma,
      { id: failedId, name: 'participant_left', body: failedBody, ...storedFields(JSON.parse(failedBody)) },
      new Error(`deadlock for ${erased.identity}`),
    );

    const mentions = (rows: { row: string }[], term: string) => rows.filter((r) => r.row.includes(term));
    const before = await everyRow(app.db.prisma);
    expect(mentions(before, erased.identity).length).toBeGreaterThan(3);
    expect(mentions(before, erased.name).length).toBeGreaterThan(1);

    const result = await app.graphql(EraseUserMutation, { id: erased.identity }, ADMIN);
    expect(result.errors).toBeUndefined();
    expect(result.data!.eraseUser).toMatchObject({ requestedBy: 'admin', attendancesDeleted: 1 });
    expect(result.data!.eraseUser.completedAt).not.toBeNull();
    expect(result.data!.eraseUser.rowsRedacted).toBeGreaterThanOrEqual(4);

    const after = await everyRow(app.db.prisma);
    for (const term of [erased.identity, erased.name, 'Zelda Q. Other-Name'])
      expect(mentions(after, term), term).toEqual([]);
    // the rest of the class is as it was
    expect(mentions(after, kept.identity).length).toBe(mentions(before, kept.identity).length);
    const { data } = await app.graphql(LiveSessionQuery, { roomId: room }, ADMIN);
    expect(data!.liveSession!.attendances.map((a) => [a.user.id, a.user.name])).toEqual([[kept.identity, kept.name]]);
    // the bodies are still JSON, the stored events still listed
    const events = await app.db.prisma.webhookEvent.findMany({ where: { roomId: room }, select: { body: true } });
    expect(events).toHaveLength(6);
    for (const e of events) expect(() => JSON.parse(e.body)).not.toThrow();

    // the erased user's failed event is not brought back by a replay
    const replay = await app.graphql(ReplayWebhookEventMutation, { id: failedId }, ADMIN);
    expect(replay.data!.replayWebhookEvent.replayed).toBe(false);
    expect((await app.graphql(LiveSessionQuery, { roomId: room }, ADMIN)).data!.liveSession!.attendances).toHaveLength(
      1,
    );

    const erasures = await app.graphql(UserErasuresQuery, { first: 5 }, ADMIN);
    expect(erasures.data!.userErasures[0]).toMatchObject({
      id: result.data!.eraseUser.id,
      requestedBy: 'admin',
      attendancesDeleted: 1,
    });

    // asking again finds nothing more to do
    const again = await app.graphql(EraseUserMutation, { id: erased.identity }, ADMIN);
    expect(again.data!.eraseUser).toMatchObject({ attendancesDeleted: 0, rowsRedacted: 0 });
  });

  it('is for admins only', async () => {
    const result = await app.graphql(EraseUserMutation, { id: 'someone' });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
