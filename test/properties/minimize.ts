// Cuts a failing scenario down to the events and deliveries the failure needs (delta debugging).
// fast-check's own shrinking works on the generator's shapes and replays a whole class per step,
// which is slow against a real server; here any subset of events is itself a valid class (the model
// takes any set), so removing events directly finds the few that matter in a few dozen replays.
import type { TestServer } from '../support/server.ts';
import { playScenario, type Scenario } from './deliver.ts';
import { describeScenario } from './format.ts';

/** The scenario without the events `drop` (their every delivery), indices and checkpoints renumbered. */
export function withoutEvents(s: Scenario, drop: ReadonlySet<number>): Scenario {
  const renumber = new Map<number, number>();
  s.events.forEach((_, i) => drop.has(i) || renumber.set(i, renumber.size));
  return withoutPosts(
    { ...s, events: s.events.filter((_, i) => !drop.has(i)) },
    s.order.map((i) => renumber.get(i) ?? -1),
  );
}

/** `order` with -1 for the posts to leave out; checkpoints keep counting the posts that remain. */
function withoutPosts(s: Scenario, order: number[]): Scenario {
  const keptBefore = (k: number) => order.slice(0, k).filter((i) => i >= 0).length;
  const kept = order.filter((i) => i >= 0);
  const checkpoints = [...new Set(s.checkpoints.map(keptBefore))].filter((k) => k > 0 && k < kept.length);
  return { ...s, order: kept, checkpoints };
}

export interface MinimizeOptions {
  /** true when the scenario still fails */
  fails: (s: Scenario) => Promise<boolean>;
  /** stop trying after this (the smallest failing scenario so far is returned) */
  deadline: number;
}

/** The smallest failing scenario found from `s`, which must fail. */
export async function minimize(s: Scenario, o: MinimizeOptions): Promise<Scenario> {
  let current = s;
  const attempt = async (candidate: Scenario) => {
    if (Date.now() > o.deadline || !(await o.fails(candidate))) return false;
    current = candidate;
    return true;
  };

  // 1. events: remove chunks of them, halving the chunk size when no chunk can go
  let chunks = 2;
  while (current.events.length >= 2 && Date.now() <= o.deadline) {
    const n = current.events.length;
    const size = Math.ceil(n / chunks);
    let removed = false;
    for (let from = 0; from < n && !removed; from += size) {
      const drop = new Set(Array.from({ length: Math.min(size, n - from) }, (_, k) => from + k));
      removed = await attempt(withoutEvents(current, drop));
    }
    if (removed) chunks = Math.max(chunks - 1, 2);
    else if (size === 1) break;
    else chunks = Math.min(chunks * 2, n);
  }
  if (current.events.length === 1) await attempt(withoutEvents(current, new Set([0]))); // nothing at all?

  // 2. second deliveries (duplicates), one at a time
  for (let k = current.order.length - 1; k >= 0; k--) {
    if (current.order.indexOf(current.order[k]) === k) continue;
    await attempt(
      withoutPosts(
        current,
        current.order.map((i, j) => (j === k ? -1 : i)),
      ),
    );
  }
  // 3. comparisons along the way: the end alone, or fewer of them
  for (const checkpoint of [...current.checkpoints]) {
    await attempt({ ...current, checkpoints: current.checkpoints.filter((k) => k !== checkpoint) });
  }
  // 4. the order: chronological, if that still fails (then the order does not matter)
  const chronological = [...current.order].sort((a, b) => a - b);
  if (chronological.join() !== current.order.join()) await attempt({ ...current, order: chronological });
  return current;
}

/**
 * What to report for a failing scenario: the failure of its smallest version, replayed one post at
 * a time when it fails that way (then it is about order, and replays deterministically). A failure
 * that needs posts in flight together is minimized with them in flight (three tries a candidate),
 * then its few remaining posts are tried one at a time in every order: a race between two posts is
 * usually one of their orders, which a regression case can then replay exactly.
 */
export async function minimalFailure(
  app: TestServer,
  s: Scenario,
  o: { concurrency: number; seconds: number },
): Promise<string> {
  const deadline = Date.now() + o.seconds * 1000;
  const failsWith = (concurrency: number, tries: number) => async (candidate: Scenario) => {
    for (let k = 0; k < tries; k++) if ((await playScenario(app, candidate, { concurrency })) !== null) return true;
    return false;
  };
  let smallest = s;
  let sequential = await failsWith(1, 1)(s);
  const race = !sequential;
  if (race) {
    smallest = await minimize(s, { fails: failsWith(o.concurrency, 3), deadline });
    for (const order of smallest.order.length <= 6 ? permutations(smallest.order, 720) : []) {
      const candidate = { ...smallest, order };
      if (await failsWith(1, 1)(candidate)) {
        smallest = candidate;
        sequential = true;
        break;
      }
    }
  }
  if (sequential) smallest = await minimize(smallest, { fails: failsWith(1, 1), deadline });
  const play = { concurrency: sequential ? 1 : o.concurrency };
  let failure: string | null = null;
  for (let k = 0; k < 3 && failure === null; k++) failure = await playScenario(app, smallest, play);
  const how = sequential
    ? 'posted one at a time in this order'
    : `only with ${o.concurrency} posts in flight (a race no order of them shows)`;
  const drift = race && sequential ? ' (found as a race of posts in flight)' : '';
  return `smallest failing class found, ${how}${drift}:\n${failure ?? `(it did not fail again: flaky)\n${describeScenario(smallest)}`}`;
}

/** Up to `limit` orderings of `items` (all of them for a handful). */
function* permutations(items: number[], limit: number): Generator<number[]> {
  let produced = 0;
  function* from(rest: number[], prefix: number[]): Generator<number[]> {
    if (rest.length === 0) {
      produced++;
      yield prefix;
      return;
    }
    for (let k = 0; k < rest.length && produced < limit; k++)
      yield* from([...rest.slice(0, k), ...rest.slice(k + 1)], [...prefix, rest[k]]);
  }
  yield* from(items, []);
}
