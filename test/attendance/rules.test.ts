// The attendance rules that need no database (SPEC section 4): who is a bot, who moderates, which
// course a room belongs to, and how long someone attended.
import { describe, expect, it } from 'vitest';
import {
  attendedSeconds,
  courseSlugFromRoomId,
  isAdminFromMetadata,
  isBot,
  roleFor,
  type Span,
} from '../../src/attendance/rules.ts';

describe('isBot', () => {
  it.each(['RECORDER_BOT', 'RTMP_BOT'])('%s is PlugNMeet itself, not attendance', (identity) => {
    expect(isBot(identity)).toBe(true);
  });

  it.each([
    'ingres_', // the prefix alone
    'ingres_rtmp_01',
    'pnm_agent-',
    'pnm_agent-transcriber',
    'pnm_tts_agent-',
    'pnm_tts_agent-de-DE',
    'sip_',
    'sip_+4930123456',
  ])('%s starts with a bot prefix', (identity) => {
    expect(isBot(identity)).toBe(true);
  });

  it.each([
    '27',
    '1001',
    'alice@example.org',
    'Student 1',
    // look like bots but are not: a prefix must start the identity, whole names must match whole
    'RECORDER',
    'RECORDER_BOT_FAN',
    'my_RECORDER_BOT',
    'RTMP',
    'xRTMP_BOT',
    'ingres',
    'ingress-user',
    'student_ingres_1',
    'pnm_agent',
    'pnm_agent_1',
    'pnm_tts_agent',
    'pnm_tts_agent_1',
    'sip',
    'sipping',
    'user_sip_1',
  ])('%s is a real user', (identity) => {
    expect(isBot(identity)).toBe(false);
  });
});

describe('isAdminFromMetadata', () => {
  it('is true when the metadata says is_admin: true', () => {
    expect(isAdminFromMetadata('{"is_admin":true}')).toBe(true);
    expect(isAdminFromMetadata('{"is_admin":true,"is_presenter":true,"lock_settings":{"lock_mic":false}}')).toBe(true);
    expect(isAdminFromMetadata('{ "is_admin": true }')).toBe(true);
  });

  it('is false when the metadata says is_admin: false or does not say', () => {
    expect(isAdminFromMetadata('{"is_admin":false}')).toBe(false);
    expect(isAdminFromMetadata('{"is_admin":false,"is_hidden":false}')).toBe(false);
    expect(isAdminFromMetadata('{}')).toBe(false);
    expect(isAdminFromMetadata('{"is_presenter":true,"is_hidden":true}')).toBe(false);
    expect(isAdminFromMetadata('{"lock_settings":{"is_admin":true}}')).toBe(false);
  });

  it('is false when there is no metadata', () => {
    expect(isAdminFromMetadata(undefined)).toBe(false);
    expect(isAdminFromMetadata('')).toBe(false);
  });

  it.each(['not json', '{', '{"is_admin":true', "{'is_admin':true}", 'is_admin', 'true', 'null', '[]', '[true]', '"{\\"is_admin\\":true}"', '42'])(
    'is false, without throwing, for metadata that is not a JSON object: %s',
    (metadata) => {
      expect(isAdminFromMetadata(metadata)).toBe(false);
    },
  );
});

describe('roleFor', () => {
  it('makes course managers and admins moderators, everyone else a participant', () => {
    expect(roleFor({ managesCourse: false, isAdmin: false })).toBe('PARTICIPANT');
    expect(roleFor({ managesCourse: true, isAdmin: false })).toBe('MODERATOR');
    expect(roleFor({ managesCourse: false, isAdmin: true })).toBe('MODERATOR');
    expect(roleFor({ managesCourse: true, isAdmin: true })).toBe('MODERATOR');
  });
});

describe('courseSlugFromRoomId', () => {
  it('takes the slug from <course-slug>-<14 digits>', () => {
    expect(courseSlugFromRoomId('algebra-101-20261124090000')).toBe('algebra-101');
    expect(courseSlugFromRoomId('physics-20270101000000')).toBe('physics');
    expect(courseSlugFromRoomId('a-b-c-00000000000000')).toBe('a-b-c');
    expect(courseSlugFromRoomId('x-99999999999999')).toBe('x');
  });

  it.each([
    'algebra-101', // no timestamp
    'algebra-101-2026112409000', // 13 digits
    'algebra-101-202611240900000', // 15 digits
    'algebra-101-2026112409000a',
    'algebra-101_20261124090000', // not separated by a hyphen
    'algebra-101-20261124090000-extra',
    '-20261124090000', // no slug
    '20261124090000',
    '',
  ])('maps %j to no course', (roomId) => {
    expect(courseSlugFromRoomId(roomId)).toBeUndefined();
  });
});

describe('attendedSeconds', () => {
  const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
  const t = (seconds: number) => new Date(T0 + seconds * 1000);
  const span = (from: number, to: number | null): Span => ({ joinedAt: t(from), leftAt: to === null ? null : t(to) });
  const END = t(3600);

  it('is zero without spans', () => {
    expect(attendedSeconds([], END)).toBe(0);
  });

  it('is the length of a single closed span, whatever the end given', () => {
    expect(attendedSeconds([span(60, 660)], END)).toBe(600);
    expect(attendedSeconds([span(60, 660)], t(100_000))).toBe(600);
  });

  it('counts overlapping spans once (two tabs, a reconnect that beat the old leave)', () => {
    expect(attendedSeconds([span(0, 600), span(300, 900)], END)).toBe(900);
    expect(attendedSeconds([span(300, 900), span(0, 600)], END)).toBe(900);
    expect(attendedSeconds([span(0, 600), span(0, 600)], END)).toBe(600);
    // a chain in which each span overlaps the next
    expect(attendedSeconds([span(0, 100), span(50, 200), span(150, 300), span(250, 400)], END)).toBe(400);
  });

  it('counts a span nested in another once', () => {
    expect(attendedSeconds([span(0, 1000), span(100, 200)], END)).toBe(1000);
    expect(attendedSeconds([span(100, 200), span(0, 1000)], END)).toBe(1000);
    // nested after an earlier overlap has extended the union
    expect(attendedSeconds([span(0, 500), span(400, 1000), span(600, 700)], END)).toBe(1000);
  });

  it('adds disjoint spans and not the gaps between them', () => {
    expect(attendedSeconds([span(0, 100), span(200, 300)], END)).toBe(200);
    expect(attendedSeconds([span(2000, 2600), span(0, 100), span(1000, 1300)], END)).toBe(1000);
  });

  it('adds spans that touch end to start without a gap', () => {
    expect(attendedSeconds([span(0, 100), span(100, 250)], END)).toBe(250);
  });

  it('mixes overlapping and disjoint spans', () => {
    // [0,300] ∪ [200,400] = 400 s; [1000,1100] ⊂ [900,1500] = 600 s
    expect(attendedSeconds([span(900, 1500), span(0, 300), span(1000, 1100), span(200, 400)], END)).toBe(1000);
  });

  it('counts an open span up to the given end', () => {
    expect(attendedSeconds([span(600, null)], END)).toBe(3000);
    expect(attendedSeconds([span(600, null)], t(700))).toBe(100);
  });

  it('counts an open span together with closed ones as a union', () => {
    // closed [0,600], open from 300 to the end at 3600: [0,3600]
    expect(attendedSeconds([span(0, 600), span(300, null)], END)).toBe(3600);
    // closed [0,600], open from 1200: 600 + 2400
    expect(attendedSeconds([span(0, 600), span(1200, null)], END)).toBe(3000);
    // two open connections count once
    expect(attendedSeconds([span(0, null), span(100, null)], END)).toBe(3600);
  });

  it('counts nothing for an open span that begins at or after the given end', () => {
    expect(attendedSeconds([span(3600, null)], END)).toBe(0);
    expect(attendedSeconds([span(4000, null)], END)).toBe(0);
    expect(attendedSeconds([span(0, 100), span(4000, null)], END)).toBe(100);
  });

  it('counts nothing for zero-length spans', () => {
    expect(attendedSeconds([span(100, 100)], END)).toBe(0);
    expect(attendedSeconds([span(100, 100), span(0, 50)], END)).toBe(50);
  });

  it('counts nothing for negative-length spans, and they do not take time from others', () => {
    expect(attendedSeconds([span(200, 100)], END)).toBe(0);
    expect(attendedSeconds([span(0, 100), span(500, 400)], END)).toBe(100);
    // a backwards span whose ends straddle a real one neither adds nor removes anything
    expect(attendedSeconds([span(1000, 0), span(100, 200)], END)).toBe(100);
    expect(attendedSeconds([span(100, 200), span(150, 120), span(180, 300)], END)).toBe(200);
  });

  it('counts whole seconds, rounding partial seconds down', () => {
    const ms = (from: number, to: number): Span => ({ joinedAt: new Date(T0 + from), leftAt: new Date(T0 + to) });
    expect(attendedSeconds([ms(0, 1999)], END)).toBe(1);
    expect(attendedSeconds([ms(0, 999)], END)).toBe(0);
    // the union is rounded, not each span: 0.6 s + 0.6 s disjoint = 1.2 s
    expect(attendedSeconds([ms(0, 600), ms(1000, 1600)], END)).toBe(1);
  });

  it('leaves the spans it is given as they were', () => {
    const spans = [span(300, 900), span(0, 600), span(100, null)];
    const copy = spans.map((s) => ({ ...s }));
    attendedSeconds(spans, END);
    expect(spans).toEqual(copy);
  });
});
