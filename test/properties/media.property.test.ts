// Camera, microphone and screen time of generated classes, delivered shuffled, twice in part and
// several at once, must be the model's: per source, the union of each track's span from its
// track_published to its track_unpublished (else the connection's leave, else the session's end),
// within the session. The final state only: it must not depend on the order of delivery.
//   PROPERTY_RUNS=100 npx vitest run test/properties/media.property.test.ts
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaQuery } from '../support/documents.ts';
import { fixtureWith, participantEventBody, roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const RUNS = Number(process.env.PROPERTY_RUNS || 15);
const SEED = Number(process.env.PROPERTY_SEED || Date.now() % 0x7fffffff);
type Source = 'CAMERA' | 'MICROPHONE' | 'SCREEN_SHARE';
const FIELD = { CAMERA: 'cameraSeconds', MICROPHONE: 'microphoneSeconds', SCREEN_SHARE: 'screenShareSeconds' } as const;

/** Seconds after room_started; the class lasts `length`. */
const track = fc.record({
  source: fc.constantFrom<Source>('CAMERA', 'CAMERA', 'MICROPHONE', 'SCREEN_SHARE'),
  from: fc.nat({ max: 9_999 }),
  /** share of what is left of the connection; null: never unpublished */
  until: fc.option(fc.integer({ min: 1, max: 10_000 }), { freq: 4 }),
});
const student = fc.record({
  join: fc.nat({ max: 9_999 }),
  /** share of what is left of the class; null: still there at the end */
  leave: fc.option(fc.integer({ min: 1, max: 10_000 }), { freq: 3 }),
  tracks: fc.array(track, { maxLength: 4 }),
});
const klass = fc.record({
  length: fc.integer({ min: 600, max: 3_600 }),
  students: fc.array(student, { minLength: 1, maxLength: 8 }),
  order: fc.array(fc.nat({ max: 9_999 }), { minLength: 200, maxLength: 200 }),
  twice: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
});
type Klass = typeof klass extends fc.Arbitrary<infer T> ? T : never;
const part = (share: number, from: number, to: number) => Math.round(from + ((to - from) * share) / 10_000);

interface Plan {
  bodies: string[];
  expected: Record<string, Record<Source, number>>;
}

function plan(c: Klass, run: { roomId: string; roomSid: string }, start: number): Plan {
  const end = start + c.length;
  const bodies = [
    roomEventBody('02-room_started', run, start, `${run.roomId}-start`),
    roomEventBody('09-room_finished', run, end, `${run.roomId}-end`),
  ];
  const expected: Plan['expected'] = {};
  c.students.forEach((s, i) => {
    const identity = `m${i}`;
    const who = {
      identity,
      sid: `PA_${run.roomId}_${i}`,
      name: `Student ${i}`,
      joinedAt: part(s.join, start, end - 60),
    };
    const leftAt = s.leave === null ? null : part(s.leave, who.joinedAt + 1, end);
    bodies.push(participantEventBody('04-participant_joined-student', run, who, who.joinedAt, `${run.roomId}-j${i}`));
    if (leftAt !== null)
      bodies.push(participantEventBody('07-participant_left-student', run, who, leftAt, `${run.roomId}-l${i}`));
    const gone = leftAt ?? end;
    const spans: Record<Source, Array<[number, number]>> = { CAMERA: [], MICROPHONE: [], SCREEN_SHARE: [] };
    s.tracks.forEach((t, k) => {
      const from = part(t.from, who.joinedAt, gone - 1);
      const to = t.until === null ? null : part(t.until, from, gone);
      const body = (kind: 'published' | 'unpublished', at: number) =>
        fixtureWith('12-track_published-camera', (e) => {
          e.event = `track_${kind}`;
          e.id = `${run.roomId}-t${i}-${k}-${kind}`;
          e.room.sid = run.roomSid;
          e.room.room_id = run.roomId;
          e.participant = { sid: who.sid, identity };
          e.track.sid = `TR_${run.roomId}_${i}_${k}`;
          e.track.source = t.source;
          e.created_at = String(at);
        });
      bodies.push(body('published', from));
      if (to !== null) bodies.push(body('unpublished', to));
      spans[t.source].push([from, to ?? gone]);
    });
    expected[identity] = Object.fromEntries(
      (Object.keys(spans) as Source[]).map((source) => [source, union(spans[source])]),
    ) as Record<Source, number>;
  });
  return { bodies, expected };
}

function union(spans: Array<[number, number]>): number {
  let total = 0;
  let reach = -Infinity;
  for (const [from, to] of [...spans].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(from, reach);
    if (to > start) total += to - start;
    reach = Math.max(reach, to);
  }
  return total;
}

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

describe('media time of generated classes against the model', () => {
  it('is the union per source within the session, whatever the order, the duplicates and the concurrency', async () => {
    let n = 0;
    const property = fc.asyncProperty(klass, async (c) => {
      const run = { roomId: `media-prop-${Date.now()}-${n}`, roomSid: `RM_media_${n++}` };
      const { bodies, expected } = plan(c, run, Math.floor(Date.now() / 1000) - 4 * 3_600);
      const deliveries = bodies.flatMap((b, i) => (c.twice[i % 200] ? [b, b] : [b]));
      const order = deliveries.map((b, i) => ({ b, key: c.order[i % 200] * 1_000 + i })).sort((x, y) => x.key - y.key);
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          while (next < order.length) {
            const response = await app.postWebhook(order[next++].b);
            expect(response.status).toBe(200);
          }
        }),
      );
      const { data, errors } = await app.graphql(MediaQuery, { roomId: run.roomId });
      expect(errors).toBeUndefined();
      const shown = Object.fromEntries(
        data!.liveSession!.attendances.map((a) => [
          a.user.id,
          Object.fromEntries((Object.keys(FIELD) as Source[]).map((s) => [s, a.media[FIELD[s]]])),
        ]),
      );
      expect(shown).toEqual(expected);
    });
    await fc.assert(property, { numRuns: RUNS, seed: SEED });
  }, 300_000);
});
