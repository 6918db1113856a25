// Whole generated classes, delivered to the running service shuffled, with duplicates and several
// at once, must show the attendance the independent model computes from the events delivered, at a
// third, at two thirds and at the end of the deliveries. SPEC sections 3 and 4.
//
// CI runs 30 classes of 12-30 students. A long night run:
//   PROPERTY_RUNS=500 PROPERTY_MAX_STUDENTS=80 npx vitest run test/properties
// Replay a failure: PROPERTY_SEED=<seed> (the failure message prints it).
// Look past a failure already known while fixing another: PROPERTY_WITHOUT=<list> leaves out of the
// classes any of early-joins, leaves-after-end, resent, no-joined-at (see ClassOptions).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testDatabaseUrl } from '../support/backends.ts';
import { classArbitrary, type ClassOptions } from './arbitraries.ts';
import { playScenario, type Scenario } from './deliver.ts';
import { minimalFailure } from './minimize.ts';

const env = (name: string, fallback: number) => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
};
const RUNS = env('PROPERTY_RUNS', 30);
const MAX_STUDENTS = env('PROPERTY_MAX_STUDENTS', 30);
const MIN_STUDENTS = Math.min(env('PROPERTY_MIN_STUDENTS', 12), MAX_STUDENTS);
const CONCURRENCY = env('PROPERTY_CONCURRENCY', 8);
const SEED = env('PROPERTY_SEED', Date.now() % 0x7fffffff);
const WITHOUT = new Set(
  (process.env.PROPERTY_WITHOUT ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean),
);
const KNOWN = ['early-joins', 'leaves-after-end', 'resent', 'no-joined-at'];
const unknown = [...WITHOUT].filter((w) => !KNOWN.includes(w));
if (unknown.length) throw new Error(`PROPERTY_WITHOUT: unknown ${unknown.join(', ')} (known: ${KNOWN.join(', ')})`);
const CLASSES: ClassOptions = {
  minStudents: MIN_STUDENTS,
  maxStudents: MAX_STUDENTS,
  ...(WITHOUT.has('early-joins') && { earlyJoins: false }),
  ...(WITHOUT.has('leaves-after-end') && { leavesAfterEnd: false }),
  ...(WITHOUT.has('resent') && { resentPercent: { rooms: 0, leaves: 0 } }),
  ...(WITHOUT.has('no-joined-at') && { withoutJoinedAtPercent: { joins: 0, leaves: 0 } }),
};
/** fast-check's shrinking replays whole classes: it gets this long, then minimize.ts takes over */
const SHRINK_SECONDS = env('PROPERTY_SHRINK_SECONDS', 60);
const MINIMIZE_SECONDS = env('PROPERTY_MINIMIZE_SECONDS', 180);
// a class of 30 students takes one to two seconds; a failure adds the two budgets above
const TIMEOUT_MS = (RUNS * 15 + SHRINK_SECONDS + MINIMIZE_SECONDS + 120) * 1000;

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

describe(`attendance of generated classes against the model (${testDatabaseUrl ? 'PostgreSQL and Redis' : 'PGlite'})`, () => {
  it(
    'is the model of the events delivered so far, whatever the order, the duplicates and the concurrency',
    async () => {
      const started = Date.now();
      let firstFailureAt: number | null = null;
      const property = fc.asyncProperty(classArbitrary(CLASSES), async (scenario) => {
        // Once shrinking has had its time, every further candidate "passes" untried: fast-check
        // then settles on the smallest failing class it has.
        if (firstFailureAt !== null && Date.now() - firstFailureAt > SHRINK_SECONDS * 1000) return;
        const failure = await playScenario(app, scenario, { concurrency: CONCURRENCY });
        if (failure !== null) {
          firstFailureAt ??= Date.now();
          throw new Error(failure);
        }
      });
      const result = await fc.check(property, { numRuns: RUNS, seed: SEED });
      if (result.failed) {
        const [counterexample] = result.counterexample as [Scenario];
        const report = await minimalFailure(app, counterexample, {
          concurrency: CONCURRENCY,
          seconds: MINIMIZE_SECONDS,
        });
        throw new Error(
          [
            `failed at class ${result.numRuns} of ${RUNS} (seed ${result.seed}; ${result.numShrinks} shrinks; ${((Date.now() - started) / 1000).toFixed(0)} s).`,
            `Replay: PROPERTY_SEED=${result.seed} PROPERTY_RUNS=${RUNS} PROPERTY_MAX_STUDENTS=${MAX_STUDENTS} PROPERTY_MIN_STUDENTS=${MIN_STUDENTS}` +
              `${WITHOUT.size ? ` PROPERTY_WITHOUT=${[...WITHOUT].join(',')}` : ''} npx vitest run test/properties/attendance.property.test.ts`,
            report,
            'Keep it: add the case to test/properties/regressions.ts.',
          ].join('\n'),
        );
      }
      expect(result.numRuns).toBe(RUNS);
      const without = WITHOUT.size ? ` without ${[...WITHOUT].join(', ')}` : '';
      console.info(
        `attendance property: ${RUNS} classes${without}, seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    },
    TIMEOUT_MS,
  );
});
