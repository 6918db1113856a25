// Every figure of liveSession against the model, as readable differences. Times are shown in
// seconds after the class's room_started, as the scenario prints them.
import type { TestServer } from '../support/server.ts';
import { compareSpans, type ModelAttendance, type ModelSession, type ModelSpan } from './model.ts';

export type ActualSession = Awaited<ReturnType<TestServer['liveSession']>>;
type ActualAttendance = NonNullable<ActualSession>['attendances'][number];

/** An ISO time as seconds after `base`; null stays null. */
const offset = (iso: string | null | undefined, base: number) => (iso == null ? null : Date.parse(iso) / 1000 - base);

const show = (v: unknown) => JSON.stringify(v);
const showSpans = (spans: readonly ModelSpan[]) =>
  spans.map((s) => `[${s.joinedAt}, ${s.leftAt ?? 'open'}]`).join(' ') || '(none)';

/**
 * The differences between the service's session and the model's. `early` and `late` are the model
 * read at the instants before and after the query: they differ only in attendedSeconds of open
 * spans, which must lie between the two.
 */
export function compareWithModel(
  early: ModelSession | null,
  late: ModelSession | null,
  actual: ActualSession,
  base: number,
): string[] {
  if (early === null || late === null || actual === null) {
    return early === null && actual === null
      ? []
      : [`session: expected ${early ? 'one' : 'none'}, got ${actual ? show(actual.id) : 'none'}`];
  }
  const diffs: string[] = [];
  const field = (name: string, expected: unknown, got: unknown) => {
    if (show(expected) !== show(got)) diffs.push(`${name}: expected ${show(expected)}, got ${show(got)}`);
  };
  field('startedAt', early.startedAt, offset(actual.startedAt, base));
  field('endedAt', early.endedAt, offset(actual.endedAt, base));
  field('isLive', early.isLive, actual.isLive);
  field('onlineCount', early.onlineCount, actual.onlineCount);

  const got = new Map<string, ActualAttendance[]>();
  for (const a of actual.attendances) got.set(a.user.id, [...(got.get(a.user.id) ?? []), a]);
  const expectedIds = early.attendances.map((a) => a.userId);
  const unexpected = [...got.keys()].filter((id) => !expectedIds.includes(id)).sort();
  if (unexpected.length) diffs.push(`attendances nobody should have: ${unexpected.join(', ')}`);

  early.attendances.forEach((e, k) => {
    const mine = got.get(e.userId) ?? [];
    if (mine.length !== 1) {
      diffs.push(`user ${e.userId}: expected one attendance, got ${mine.length}`);
      return;
    }
    diffs.push(...compareAttendance(e, late.attendances[k], mine[0], base));
  });
  return diffs;
}

function compareAttendance(e: ModelAttendance, l: ModelAttendance, a: ActualAttendance, base: number): string[] {
  const diffs: string[] = [];
  const field = (name: string, expected: unknown, got: unknown) => {
    if (show(expected) !== show(got))
      diffs.push(`user ${e.userId} ${name}: expected ${show(expected)}, got ${show(got)}`);
  };
  field('role', e.role, a.role);
  field('isOnline', e.isOnline, a.isOnline);
  field('firstJoinedAt', e.firstJoinedAt, offset(a.firstJoinedAt, base));
  field('lastLeftAt', e.lastLeftAt, offset(a.lastLeftAt, base));
  const spans = a.spans
    .map((s) => ({ joinedAt: offset(s.joinedAt, base)!, leftAt: offset(s.leftAt, base) }))
    .sort(compareSpans);
  if (showSpans(spans) !== showSpans(e.spans))
    diffs.push(`user ${e.userId} spans: expected ${showSpans(e.spans)}, got ${showSpans(spans)}`);
  if (a.attendedSeconds < e.attendedSeconds || a.attendedSeconds > l.attendedSeconds) {
    const range =
      e.attendedSeconds === l.attendedSeconds ? `${e.attendedSeconds}` : `${e.attendedSeconds}..${l.attendedSeconds}`;
    diffs.push(`user ${e.userId} attendedSeconds: expected ${range}, got ${a.attendedSeconds}`);
  }
  return diffs;
}
