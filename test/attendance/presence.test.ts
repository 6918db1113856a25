// Presence as read: spans clipped to their session, online, first join, last leave, and the union
// of the spans that makes attended time. Pure functions, no database.
import { describe, expect, it } from 'vitest';
import {
  attendedSeconds,
  clipSpan,
  firstJoinedAt,
  isOnline,
  lastLeftAt,
  sessionEnd,
  type Span,
} from '../../src/attendance/presence.ts';

const LIVE = { startedAt: null, endedAt: null };

describe('attendedSeconds of a live session (open spans up to now)', () => {
  const seconds = (spans: Span[], now: Date) => attendedSeconds(spans, LIVE, now);
  const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
  const t = (seconds: number) => new Date(T0 + seconds * 1000);
  const span = (from: number, to: number | null): Span => ({ joinedAt: t(from), leftAt: to === null ? null : t(to) });
  const END = t(3600);

  it('is zero without spans', () => {
    expect(seconds([], END)).toBe(0);
  });

  it('is the length of a single closed span, whatever the end given', () => {
    expect(seconds([span(60, 660)], END)).toBe(600);
    expect(seconds([span(60, 660)], t(100_000))).toBe(600);
  });

  it('counts overlapping spans once (two tabs, a reconnect that beat the old leave)', () => {
    expect(seconds([span(0, 600), span(300, 900)], END)).toBe(900);
    expect(seconds([span(300, 900), span(0, 600)], END)).toBe(900);
    expect(seconds([span(0, 600), span(0, 600)], END)).toBe(600);
    // a chain in which each span overlaps the next
    expect(seconds([span(0, 100), span(50, 200), span(150, 300), span(250, 400)], END)).toBe(400);
  });

  it('counts a span nested in another once', () => {
    expect(seconds([span(0, 1000), span(100, 200)], END)).toBe(1000);
    expect(seconds([span(100, 200), span(0, 1000)], END)).toBe(1000);
    // nested after an earlier overlap has extended the union
    expect(seconds([span(0, 500), span(400, 1000), span(600, 700)], END)).toBe(1000);
  });

  it('adds disjoint spans and not the gaps between them', () => {
    expect(seconds([span(0, 100), span(200, 300)], END)).toBe(200);
    expect(seconds([span(2000, 2600), span(0, 100), span(1000, 1300)], END)).toBe(1000);
  });

  it('adds spans that touch end to start without a gap', () => {
    expect(seconds([span(0, 100), span(100, 250)], END)).toBe(250);
  });

  it('mixes overlapping and disjoint spans', () => {
    // [0,300] ∪ [200,400] = 400 s; [1000,1100] ⊂ [900,1500] = 600 s
    expect(seconds([span(900, 1500), span(0, 300), span(1000, 1100), span(200, 400)], END)).toBe(1000);
  });

  it('counts an open span up to now', () => {
    expect(seconds([span(600, null)], END)).toBe(3000);
    expect(seconds([span(600, null)], t(700))).toBe(100);
  });

  it('counts an open span together with closed ones as a union', () => {
    // closed [0,600], open from 300 to the end at 3600: [0,3600]
    expect(seconds([span(0, 600), span(300, null)], END)).toBe(3600);
    // closed [0,600], open from 1200: 600 + 2400
    expect(seconds([span(0, 600), span(1200, null)], END)).toBe(3000);
    // two open connections count once
    expect(seconds([span(0, null), span(100, null)], END)).toBe(3600);
  });

  it('counts nothing for an open span that begins at or after the time given as now', () => {
    expect(seconds([span(3600, null)], END)).toBe(0);
    expect(seconds([span(4000, null)], END)).toBe(0);
    expect(seconds([span(0, 100), span(4000, null)], END)).toBe(100);
  });

  it('counts nothing for zero-length spans', () => {
    expect(seconds([span(100, 100)], END)).toBe(0);
    expect(seconds([span(100, 100), span(0, 50)], END)).toBe(50);
  });

  it('counts nothing for negative-length spans, and they do not take time from others', () => {
    expect(seconds([span(200, 100)], END)).toBe(0);
    expect(seconds([span(0, 100), span(500, 400)], END)).toBe(100);
    // a backwards span whose ends straddle a real one neither adds nor removes anything
    expect(seconds([span(1000, 0), span(100, 200)], END)).toBe(100);
    expect(seconds([span(100, 200), span(150, 120), span(180, 300)], END)).toBe(200);
  });

  it('counts whole seconds, rounding partial seconds down', () => {
    const ms = (from: number, to: number): Span => ({ joinedAt: new Date(T0 + from), leftAt: new Date(T0 + to) });
    expect(seconds([ms(0, 1999)], END)).toBe(1);
    expect(seconds([ms(0, 999)], END)).toBe(0);
    // the union is rounded, not each span: 0.6 s + 0.6 s disjoint = 1.2 s
    expect(seconds([ms(0, 600), ms(1000, 1600)], END)).toBe(1);
  });

  it('leaves the spans it is given as they were', () => {
    const spans = [span(300, 900), span(0, 600), span(100, null)];
    const copy = spans.map((s) => ({ ...s }));
    seconds(spans, END);
    expect(spans).toEqual(copy);
  });
});

describe('spans clipped to their session', () => {
  const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
  const t = (seconds: number) => new Date(T0 + seconds * 1000);
  const span = (from: number, to: number | null): Span => ({ joinedAt: t(from), leftAt: to === null ? null : t(to) });
  const ended = { startedAt: t(0), endedAt: t(3600) };
  const live = { startedAt: t(0), endedAt: null };

  it('start no earlier than the session and end no later', () => {
    expect(clipSpan(span(-60, 600), ended)).toEqual(span(0, 600));
    expect(clipSpan(span(3000, 4000), ended)).toEqual(span(3000, 3600));
    expect(clipSpan(span(-60, 4000), ended)).toEqual(span(0, 3600));
  });

  it('close at the end when still open, and stay open while the session is live', () => {
    expect(clipSpan(span(600, null), ended)).toEqual(span(600, 3600));
    expect(clipSpan(span(600, null), live)).toEqual(span(600, null));
  });

  it('that lie wholly outside the session are empty, at its edge', () => {
    expect(clipSpan(span(4000, 4100), ended)).toEqual(span(3600, 3600));
    expect(clipSpan(span(4000, null), ended)).toEqual(span(3600, 3600));
    expect(clipSpan(span(-600, -60), ended)).toEqual(span(0, 0));
  });

  it('give the same attended time whichever of a late leave and the end was reported first', () => {
    // a leave dated after the end counts up to the end only
    expect(attendedSeconds([span(600, 4000)], ended, t(99_999))).toBe(3000);
    expect(attendedSeconds([span(600, null)], ended, t(99_999))).toBe(3000);
  });

  it('an end reported before the start reads as the start', () => {
    expect(sessionEnd({ startedAt: t(100), endedAt: t(50) })).toEqual(t(100));
    expect(sessionEnd(live)).toBeNull();
  });
});

describe('an attendance summary read within its session', () => {
  const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
  const t = (seconds: number) => new Date(T0 + seconds * 1000);
  const ended = { startedAt: t(0), endedAt: t(3600) };
  const live = { startedAt: t(0), endedAt: null };

  it('is online only while connected and the session has not ended', () => {
    expect(isOnline(true, live)).toBe(true);
    expect(isOnline(true, ended)).toBe(false);
    expect(isOnline(false, live)).toBe(false);
  });

  it('first joined no earlier than the start, and no later than the end', () => {
    expect(firstJoinedAt({ connected: true, firstJoinedAt: t(-30), lastLeftAt: null }, live)).toEqual(t(0));
    expect(firstJoinedAt({ connected: true, firstJoinedAt: t(5000), lastLeftAt: null }, ended)).toEqual(t(3600));
  });

  it('last left: the latest closed span; at the end when a span was still open', () => {
    expect(lastLeftAt({ connected: true, firstJoinedAt: t(10), lastLeftAt: null }, live)).toBeNull();
    expect(lastLeftAt({ connected: true, firstJoinedAt: t(10), lastLeftAt: t(100) }, live)).toEqual(t(100));
    expect(lastLeftAt({ connected: true, firstJoinedAt: t(10), lastLeftAt: t(100) }, ended)).toEqual(t(3600));
    expect(lastLeftAt({ connected: false, firstJoinedAt: t(10), lastLeftAt: t(5000) }, ended)).toEqual(t(3600));
    expect(lastLeftAt({ connected: false, firstJoinedAt: t(-100), lastLeftAt: t(-50) }, ended)).toEqual(t(0));
  });
});
