// Attendance rules that need no database: who counts, and which course a room belongs to.

const BOT_IDENTITIES = new Set(['RECORDER_BOT', 'RTMP_BOT']);
const BOT_PREFIXES = ['ingres_', 'pnm_agent-', 'pnm_tts_agent-', 'sip_'];

/** PlugNMeet's own participants (recorder, RTMP, ingress, agents, SIP) are not attendance. */
export function isBot(identity: string): boolean {
  return BOT_IDENTITIES.has(identity) || BOT_PREFIXES.some((prefix) => identity.startsWith(prefix));
}

/** Room ids of the form `<course-slug>-<14 digits>` (a timestamp) belong to that course. */
export function courseSlugFromRoomId(roomId: string): string | undefined {
  return /^(.+)-\d{14}$/.exec(roomId)?.[1];
}
