// Attendance rules that need no database: who counts, which role, which course a room belongs to.

const BOT_IDENTITIES = new Set(['RECORDER_BOT', 'RTMP_BOT']);
const BOT_PREFIXES = ['ingres_', 'pnm_agent-', 'pnm_tts_agent-', 'sip_'];

/** PlugNMeet's own participants (recorder, RTMP, ingress, agents, SIP) are not attendance. */
export function isBot(identity: string): boolean {
  return BOT_IDENTITIES.has(identity) || BOT_PREFIXES.some((prefix) => identity.startsWith(prefix));
}

/** `is_admin` in the participant's metadata (a JSON string) marks a moderator. */
export function isAdminFromMetadata(metadata: string | undefined): boolean {
  if (!metadata) return false;
  try {
    const parsed: unknown = JSON.parse(metadata);
    return typeof parsed === 'object' && parsed !== null && (parsed as { is_admin?: unknown }).is_admin === true;
  } catch {
    return false;
  }
}

/** Room ids of the form `<course-slug>-<14 digits>` (a timestamp) belong to that course. */
export function courseSlugFromRoomId(roomId: string): string | undefined {
  return /^(.+)-\d{14}$/.exec(roomId)?.[1];
}
