// Attendance rules that need no database: who counts, which role, how long someone attended.

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

export type Role = 'MODERATOR' | 'PARTICIPANT';

export function roleFor(opts: { managesCourse: boolean; isAdmin: boolean }): Role {
  return opts.managesCourse || opts.isAdmin ? 'MODERATOR' : 'PARTICIPANT';
}

/** Room ids of the form `<course-slug>-<14 digits>` (a timestamp) belong to that course. */
export function courseSlugFromRoomId(roomId: string): string | undefined {
  return /^(.+)-\d{14}$/.exec(roomId)?.[1];
}

export interface Span {
  joinedAt: Date;
  leftAt: Date | null;
}

/**
 * Seconds covered by the union of the spans: overlapping connections (two tabs, a reconnect that
 * beat the old leave) count once. An open span counts up to `openUntil` (the session's end, or now).
 */
export function attendedSeconds(spans: readonly Span[], openUntil: Date): number {
  const intervals = spans
    .map((s) => [s.joinedAt.getTime(), (s.leftAt ?? openUntil).getTime()] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [curStart, curEnd] = [Number.NaN, Number.NaN];
  for (const [start, end] of intervals) {
    if (Number.isNaN(curStart) || start > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      [curStart, curEnd] = [start, end];
    } else if (end > curEnd) {
      curEnd = end;
    }
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return Math.floor(total / 1000);
}

export const minDate = (a: Date, b: Date) => (a <= b ? a : b);
export const maxDate = (a: Date, b: Date) => (a >= b ? a : b);
