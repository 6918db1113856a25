// What the analytics import tests share: a class of the fixtures moved to a run of its own, the
// analytics file served for it by the fake PlugNMeet, and waiting for the import's status.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { MediaQuery } from '../support/documents.ts';
import type { FakePlugNMeet } from '../support/fake-plugnmeet.ts';
import { fixtureWith } from '../support/plugnmeet.ts';
import type { TestServer } from '../support/server.ts';

export const ANALYTICS_FILE = readFileSync(new URL('../fixtures/analytics-file.json', import.meta.url), 'utf8').trim();
export const FAST = { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 4, pollMs: 100, leaseMs: 3_000 };

export interface Run {
  roomId: string;
  roomSid: string;
  fileId: string;
}

let runs = 0;
export const newRun = (): Run => {
  const n = `${++runs}-${Date.now()}`;
  return { roomId: `analytics-room-${n}`, roomSid: `RM_an_${n}`, fileId: `artifact-${n}` };
};

/** The fixtures' event `name` in `run`, with an id of its own. */
export const inRun = (name: string, run: Run, change: (e: any) => void = () => {}) =>
  fixtureWith(name, (e) => {
    e.id = `${run.roomSid}-${name}`;
    e.room.sid = run.roomSid;
    e.room.room_id = run.roomId;
    if (e.room_artifact) e.room_artifact.artifact_id = run.fileId;
    if (e.analytics) e.analytics.file_id = run.fileId;
    change(e);
  });

export const CLASS = [
  '01-room_created',
  '02-room_started',
  '03-participant_joined-moderator',
  '04-participant_joined-student',
  '12-track_published-camera',
  '13-track_unpublished-camera',
  '14-track_published-microphone',
  '15-track_unpublished-microphone',
  '07-participant_left-student',
  '09-room_finished',
];

export async function post(app: TestServer, body: string) {
  const response = await app.postWebhook(body);
  expect(response.status, body).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

export async function playClass(app: TestServer, run: Run) {
  for (const name of CLASS) await post(app, inRun(name, run));
}

/** The run's analytics file on the fake PlugNMeet. */
export function serve(
  plugnmeet: FakePlugNMeet,
  run: Run,
  extra: Partial<Parameters<FakePlugNMeet['artifacts']['set']>[1]> = {},
) {
  plugnmeet.artifacts.set(run.fileId, { roomId: run.roomId, roomSid: run.roomSid, body: ANALYTICS_FILE, ...extra });
}

export async function importOf(db: Database, run: Run, status: string | string[], timeoutMs = 15_000) {
  const wanted = [status].flat();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.prisma.analyticsImport.findUnique({ where: { roomSid: run.roomSid } });
    if (row && wanted.includes(row.status)) return row;
    if (Date.now() > deadline)
      throw new Error(`import of ${run.roomSid} is ${row?.status} (${row?.error}), expected ${wanted.join(' or ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function attendancesOf(app: TestServer, roomId: string) {
  const { data, errors } = await app.graphql(MediaQuery, { roomId });
  expect(errors).toBeUndefined();
  return Object.fromEntries(data!.liveSession!.attendances.map((a) => [a.user.id, a]));
}
