// The attendance rules that need no database: who is a bot, which course a room belongs to.
import { describe, expect, it } from 'vitest';
import { courseSlugFromRoomId, isBot } from '../../src/attendance/rules.ts';

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
