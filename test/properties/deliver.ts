// Plays a scenario against the real service: signed webhooks in PlugNMeet's wire format, posted over
// HTTP in the scenario's order, several in flight at once; at each checkpoint (every post answered)
// and at the end it reads liveSession over GraphQL and compares every figure with the model.
import { randomUUID } from 'node:crypto';
import { fixtureWith } from '../support/plugnmeet.ts';
import type { TestServer } from '../support/server.ts';
import { modelSession, type ClassEvent } from './model.ts';
import { compareWithModel, type ActualSession } from './compare.ts';
import { describeScenario } from './format.ts';

/** A class and how it is delivered: everything a failure needs to be replayed. */
export interface Scenario {
  /** how long before now the class's room_started is (whole seconds): every event is in the past */
  agoSeconds: number;
  /** chronological; times in seconds after room_started */
  events: ClassEvent[];
  /** indices into events, in posting order; an index given twice is a duplicate delivery (same body, same id) */
  order: number[];
  /** also compare after this many posts (all answered) */
  checkpoints: number[];
}

let runs = 0;
/** A room id and room.sid no other class uses, so classes never meet in one database. */
const freshRun = () => {
  const tag = `${process.pid}-${++runs}-${randomUUID().slice(0, 8)}`;
  return { roomId: `props-${tag}`, roomSid: `RM_props_${tag}` };
};
type Run = ReturnType<typeof freshRun>;

const FIXTURE: Record<ClassEvent['kind'], string> = {
  room_created: '01-room_created',
  room_started: '02-room_started',
  participant_joined: '04-participant_joined-student',
  participant_left: '07-participant_left-student',
  room_finished: '09-room_finished',
};

/** The body PlugNMeet would post: protojson, int64 as strings, joined_at omitted when not given. */
export function webhookBody(e: ClassEvent, run: Run, base: number, id: string): string {
  return fixtureWith(FIXTURE[e.kind], (body) => {
    body.id = id;
    body.room.sid = run.roomSid;
    body.room.room_id = run.roomId;
    body.room.creation_time = String(base - 60);
    body.created_at = String(base + e.at);
    if (!('who' in e)) return;
    const p = body.participant;
    p.identity = e.who.identity;
    p.sid = e.who.sid;
    p.name = e.who.name;
    p.metadata = JSON.stringify({ is_admin: e.who.isAdmin, is_hidden: false });
    if (e.who.joinedAt === null) {
      delete p.joined_at;
      delete p.joined_at_ms;
    } else {
      p.joined_at = String(base + e.who.joinedAt);
      p.joined_at_ms = String((base + e.who.joinedAt) * 1000);
    }
  });
}

export interface PlayOptions {
  /** posts in flight at once */
  concurrency: number;
}

/** Plays the scenario; null when the service agreed with the model everywhere, else why not. */
export async function playScenario(app: TestServer, s: Scenario, o: PlayOptions): Promise<string | null> {
  const run = freshRun();
  const base = Math.floor(Date.now() / 1000) - s.agoSeconds;
  const ids = s.events.map(() => randomUUID());
  const bodies = s.events.map((e, i) => webhookBody(e, run, base, ids[i]));
  const stops = [...new Set([...s.checkpoints.filter((k) => k > 0 && k < s.order.length), s.order.length])].sort(
    (a, b) => a - b,
  );

  let posted = 0;
  for (const stop of stops) {
    const refused = await postAll(
      app,
      s.order.slice(posted, stop).map((i) => ({ i, body: bodies[i] })),
      o.concurrency,
    );
    posted = stop;
    if (refused.length) return failure(s, run, posted, o, [`webhooks not answered 200: ${refused.join('; ')}`]);

    const delivered = s.order.slice(0, posted).map((i) => s.events[i]);
    const before = Date.now() / 1000 - base;
    const actual: ActualSession = await app.liveSession(run.roomId);
    const after = Date.now() / 1000 - base;
    const diffs = compareWithModel(modelSession(delivered, before), modelSession(delivered, after), actual, base);
    if (diffs.length) return failure(s, run, posted, o, diffs);
  }
  return null;
}

/** Posts with `concurrency` requests in flight; returns what was not answered 200. */
async function postAll(app: TestServer, posts: { i: number; body: string }[], concurrency: number): Promise<string[]> {
  const refused: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < posts.length) {
      const { i, body } = posts[next++];
      const response = await app.postWebhook(body);
      const text = await response.text();
      if (response.status !== 200) refused.push(`event ${i}: ${response.status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return refused;
}

function failure(s: Scenario, run: Run, posted: number, o: PlayOptions, diffs: string[]): string {
  const when = posted === s.order.length ? 'after every delivery' : `after ${posted} of ${s.order.length} deliveries`;
  return [
    `the service disagrees with the model ${when} (room ${run.roomId}, ${o.concurrency} in flight):`,
    ...diffs.slice(0, 25).map((d) => `  ${d}`),
    ...(diffs.length > 25 ? [`  ... and ${diffs.length - 25} more`] : []),
    describeScenario(s, posted),
  ].join('\n');
}
