// A scenario, compactly, for failure messages: one line per event, then the posting order; and the
// same scenario as a literal to paste into regressions.ts.
import type { ClassEvent } from './model.ts';
import type { Scenario } from './deliver.ts';

const SHORT: Record<ClassEvent['kind'], string> = {
  room_created: 'room_created',
  room_started: 'room_started',
  room_finished: 'room_finished',
  participant_joined: 'joined',
  participant_left: 'left',
};

/** e.g. `joined 1003 PA_1003_2 @125 joined_at=123 admin` (times: seconds after room_started). */
export function describeEvent(e: ClassEvent): string {
  const parts = [SHORT[e.kind]];
  if ('who' in e) {
    parts.push(e.who.identity, e.who.sid);
  }
  parts.push(`@${e.at}`);
  if ('who' in e) {
    parts.push(e.who.joinedAt === null ? 'no joined_at' : `joined_at=${e.who.joinedAt}`);
    if (e.who.isAdmin) parts.push('admin');
  }
  return parts.join(' ');
}

/** The class (events by index) and the posting order: `5*` is a second delivery, `|` a comparison. */
export function describeScenario(s: Scenario, upTo = s.order.length): string {
  const seen = new Set<number>();
  const order = s.order.map((i, k) => {
    const mark = seen.has(i) ? `${i}*` : `${i}`;
    seen.add(i);
    return (s.checkpoints.includes(k) ? '| ' : '') + mark;
  });
  return [
    `class (${s.events.length} events; seconds after room_started, which is ${s.agoSeconds} s before now):`,
    ...s.events.map((e, i) => `  ${i}: ${describeEvent(e)}`),
    `posted in this order (* = duplicate, | = compared; compared last after ${upTo}):`,
    `  ${order.join(' ')}`,
    'as a regression case:',
    scenarioLiteral(s),
  ].join('\n');
}

/** The scenario as a TypeScript literal for regressions.ts. */
export function scenarioLiteral(s: Scenario): string {
  const event = (e: ClassEvent) => {
    if (!('who' in e)) return `room('${e.kind}', ${e.at})`;
    const w = e.who;
    const fn = e.kind === 'participant_joined' ? 'joined' : 'left';
    return `${fn}(${e.at}, { identity: '${w.identity}', sid: '${w.sid}', joinedAt: ${w.joinedAt}${w.isAdmin ? ', isAdmin: true' : ''} })`;
  };
  return [
    '{',
    `  agoSeconds: ${s.agoSeconds},`,
    '  events: [',
    ...s.events.map((e, i) => `    /* ${i} */ ${event(e)},`),
    '  ],',
    `  order: [${s.order.join(', ')}],`,
    `  checkpoints: [${s.checkpoints.join(', ')}],`,
    '}',
  ].join('\n');
}
