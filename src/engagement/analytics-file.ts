// PlugNMeet's analytics file (AnalyticsResult of plugnmeet_analytics.proto, written by protojson):
// `room` and `users[]`, each event `{name, total, values[{time (unix ms, string), value}]}`. Counters
// (talked_duration in ms, public_chat, reaction, ...) keep their sum in `total`; status events keep
// one value per change. Users, events and values come in any order (Go maps, Redis SCAN), and an
// event that never happened is absent. The whole file is checked before anything is used: one bad
// part makes the file malformed, so an import is never partial.
import { z } from 'zod';
import type { MediaSource } from '../db/generated/prisma/enums.ts';

export interface AnalyticsMediaSpan {
  source: MediaSource;
  from: Date;
  to: Date | null;
}

export interface UserEngagement {
  userId: string;
  talkSeconds: number;
  chatMessages: number;
  raisedHands: number;
  pollVotes: number;
  reactions: number;
  /** Camera, microphone (unmuted) and screen share, from webcam_status, mic_status and screen_share_status. */
  media: AnalyticsMediaSpan[];
}

export type ParsedAnalyticsFile =
  | { ok: true; roomId: string | null; users: UserEngagement[] }
  | { ok: false; error: string };

const msTime = z
  .union([z.string().regex(/^\d{1,16}$/, 'a time in unix milliseconds'), z.number().int().nonnegative()])
  .transform(Number);
// uint32 in protojson is a number; accept a numeric string too (a server writing int64 there)
const count = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number),
]);
const event = z.object({
  name: z.string(),
  total: count.optional().default(0),
  values: z.array(z.object({ time: msTime, value: z.string() })).nullish(),
});
const user = z.object({ user_id: z.string().min(1, 'user_id is empty'), events: z.array(event).nullish() });
const fileSchema = z.object({
  room: z.object({ room_id: z.string().optional() }).nullish(),
  users: z.array(user),
});

/** Status events and what turns the media on or off (a muted microphone is not talking time). */
const MEDIA_EVENTS: Record<string, { source: MediaSource; on: string[]; off: string[] }> = {
  webcam_status: { source: 'CAMERA', on: ['ANALYTICS_STATUS_STARTED'], off: ['ANALYTICS_STATUS_ENDED'] },
  mic_status: {
    source: 'MICROPHONE',
    on: ['ANALYTICS_STATUS_STARTED', 'ANALYTICS_STATUS_UNMUTED'],
    off: ['ANALYTICS_STATUS_ENDED', 'ANALYTICS_STATUS_MUTED'],
  },
  screen_share_status: { source: 'SCREEN_SHARE', on: ['ANALYTICS_STATUS_STARTED'], off: ['ANALYTICS_STATUS_ENDED'] },
};

export function parseAnalyticsFile(json: unknown): ParsedAnalyticsFile {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'the file';
    return {
      ok: false,
      error: `malformed analytics file: ${where}: ${issue.message}${parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : ''}`,
    };
  }
  const seen = new Set<string>();
  const users: UserEngagement[] = [];
  for (const u of parsed.data.users) {
    if (seen.has(u.user_id)) return { ok: false, error: `malformed analytics file: user ${u.user_id} appears twice` };
    seen.add(u.user_id);
    const events = new Map<string, z.infer<typeof event>>();
    for (const e of u.events ?? []) {
      if (events.has(e.name))
        return { ok: false, error: `malformed analytics file: event ${e.name} of user ${u.user_id} appears twice` };
      events.set(e.name, e);
    }
    const total = (name: string) => events.get(name)?.total ?? 0;
    const lastLeft = Math.max(0, ...(events.get('left')?.values ?? []).map((v) => v.time));
    users.push({
      userId: u.user_id,
      talkSeconds: Math.round(total('talked_duration') / 1000),
      chatMessages: total('public_chat') + total('private_chat'),
      raisedHands: total('raise_hand'),
      pollVotes: total('voted_poll'),
      reactions: total('reaction'),
      media: Object.entries(MEDIA_EVENTS).flatMap(([name, rule]) =>
        spansOf(events.get(name)?.values ?? [], rule, lastLeft),
      ),
    });
  }
  return { ok: true, roomId: parsed.data.room?.room_id ?? null, users };
}

/** On/off changes sorted by time into spans; one still on is closed by the user's last leave after it, else left open. */
function spansOf(
  values: readonly { time: number; value: string }[],
  rule: (typeof MEDIA_EVENTS)[string],
  lastLeft: number,
): AnalyticsMediaSpan[] {
  const spans: AnalyticsMediaSpan[] = [];
  let openedAt: number | null = null;
  for (const v of [...values].sort((a, b) => a.time - b.time)) {
    if (rule.on.includes(v.value) && openedAt === null) openedAt = v.time;
    else if (rule.off.includes(v.value) && openedAt !== null) {
      spans.push({ source: rule.source, from: new Date(openedAt), to: new Date(v.time) });
      openedAt = null;
    }
  }
  if (openedAt !== null)
    spans.push({ source: rule.source, from: new Date(openedAt), to: lastLeft > openedAt ? new Date(lastLeft) : null });
  return spans;
}
