// From the raw body to a typed event. The body is protojson of plugnmeet.CommonNotifyEvent:
// snake_case keys, int64 as decimal strings, unset fields omitted; older payloads use
// `room.identity` and a numeric `joinedAt`.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MediaSource, PlugNMeetEvent } from './events.ts';
import { isAdminFromMetadata } from './metadata.ts';
import { isStorableId, isStorableText, MAX_ID_LENGTH, UNSTORABLE_TEXT } from '../lib/storable-text.ts';

export type ParsedBody =
  | { ok: true; name: string; id: string; json: Record<string, unknown>; text: string }
  | { ok: false; message: 'Invalid JSON payload' | 'Missing event field' | typeof UNSTORABLE_EVENT };

const UNSTORABLE_EVENT = `Invalid event field: ${UNSTORABLE_TEXT}` as const;

// JSON is UTF-8 (RFC 8259): bytes that are not would be stored altered (as U+FFFD), not as sent.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * JSON object with an `event` name, and its text (what is stored). An event without a usable `id`
 * (none, empty, or not storable) gets one derived from the body's hash, so that a redelivery of the
 * same body is still a duplicate.
 */
export function parseBody(raw: Uint8Array): ParsedBody {
  let text: string;
  let json: unknown;
  try {
    text = UTF8.decode(raw);
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'Invalid JSON payload' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, message: 'Invalid JSON payload' };
  const record = json as Record<string, unknown>;
  if (typeof record.event !== 'string' || record.event.trim() === '')
    return { ok: false, message: 'Missing event field' };
  if (!isStorableText(record.event)) return { ok: false, message: UNSTORABLE_EVENT };
  const id =
    typeof record.id === 'string' && record.id.trim() !== '' && isStorableId(record.id)
      ? record.id
      : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  return { ok: true, name: record.event, id, json: record, text };
}

/** The last second Rollcall accepts as an event time: the end of year 9999 (JavaScript and PostgreSQL hold it). */
const MAX_UNIX_SECONDS = 253_402_300_799;
const inRange = (seconds: number) => seconds >= 0 && seconds <= MAX_UNIX_SECONDS;

/**
 * What is stored with any verified event, read leniently (the body may be one Rollcall ignores or
 * rejects): its room and time where they are present and storable, else nothing.
 */
export function storedFields(json: Record<string, unknown>): { roomId?: string; roomSid?: string; occurredAt?: Date } {
  const room = (typeof json.room === 'object' && json.room) as Record<string, unknown> | false;
  const str = (v: unknown) => (typeof v === 'string' && v && isStorableId(v) ? v : undefined);
  const createdAt = Number(json.created_at ?? json.createdAt);
  return {
    roomId: room ? (str(room.room_id) ?? str(room.identity)) : undefined,
    roomSid: room ? str(room.sid) : undefined,
    occurredAt: createdAt > 0 && inRange(createdAt) ? new Date(createdAt * 1000) : undefined, // false for NaN
  };
}

/** int64 as a decimal string (protojson) or a number (older payloads). */
const int64 = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(Number);
const unixSeconds = int64.refine(inRange, 'must be a Unix time in seconds, from 1970 to 9999');
const unixMillis = int64.refine(
  (ms) => inRange(Math.floor(ms / 1000)),
  'must be a Unix time in milliseconds, from 1970 to 9999',
);
const text = z.string().refine(isStorableText, UNSTORABLE_TEXT);
/** An id: kept as sent, and short enough for a unique index. */
const nonEmpty = z
  .string()
  .trim()
  .min(1)
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .refine(isStorableText, UNSTORABLE_TEXT);

const room = z.object({ sid: nonEmpty.optional(), room_id: nonEmpty.optional(), identity: nonEmpty.optional() });
const participant = z.object({
  identity: nonEmpty,
  name: text.optional(),
  sid: nonEmpty.optional(),
  metadata: text.optional(),
  joined_at: unixSeconds.optional(),
  joined_at_ms: unixMillis.optional(),
  joinedAt: unixSeconds.optional(),
});
const recordingInfo = z.object({
  record_id: nonEmpty,
  file_path: text.optional(),
  file_size: z.number().optional(),
});
const envelope = z.object({ created_at: unixSeconds.optional(), createdAt: unixSeconds.optional(), room });

const seconds = (s: number) => new Date(s * 1000);

export const ACTED_ON = new Set([
  'room_created',
  'room_started',
  'room_finished',
  'session_ended',
  'participant_joined',
  'participant_left',
  'end_recording',
  'recording_proceeded',
  'track_published',
  'track_unpublished',
  'analytics_proceeded',
  'artifact_created',
]);

/** `ignored`: a usable event Rollcall does not act on after all (an artifact other than analytics). */
export type Interpreted = { ok: true; event: PlugNMeetEvent } | { ok: false; message: string; ignored?: true };

// LiveKit's TrackSource, by name (protojson) or number; UNKNOWN (0, omitted) and others are not measured
const MEDIA_SOURCES: Record<string, MediaSource> = {
  CAMERA: 'CAMERA',
  MICROPHONE: 'MICROPHONE',
  SCREEN_SHARE: 'SCREEN_SHARE',
  SCREEN_SHARE_AUDIO: 'SCREEN_SHARE_AUDIO',
  1: 'CAMERA',
  2: 'MICROPHONE',
  3: 'SCREEN_SHARE',
  4: 'SCREEN_SHARE_AUDIO',
};
const track = z.object({ sid: nonEmpty, source: z.union([z.string(), z.number()]).optional() });
const trackParticipant = z.object({ identity: nonEmpty, sid: nonEmpty.optional() });
const analytics = z.object({ file_id: nonEmpty.optional() }).optional();
const artifact = z.object({ type: z.union([z.string(), z.number()]).optional(), artifact_id: nonEmpty.optional() });

/** Maps a body whose event Rollcall acts on to a domain event, or says precisely what is missing. */
export function interpret(name: string, json: Record<string, unknown>, receivedAt: Date): Interpreted {
  const fail = (issues: z.core.$ZodIssue[]) => ({
    ok: false as const,
    message: `Invalid ${name} event: ${issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`,
  });
  const base = envelope.safeParse(json);
  if (!base.success) return fail(base.error.issues);
  const roomId = base.data.room.room_id ?? base.data.room.identity;
  if (!roomId) return { ok: false, message: `Invalid ${name} event: room.room_id is required` };
  const createdAt = base.data.created_at ?? base.data.createdAt;
  const at = createdAt ? seconds(createdAt) : receivedAt; // 0 is protojson's unset, as absent
  const roomRef = { roomId, roomSid: base.data.room.sid };

  switch (name) {
    case 'participant_joined':
    case 'participant_left': {
      const parsed = participant.safeParse(json.participant);
      if (!parsed.success) return fail(parsed.error.issues.map((i) => ({ ...i, path: ['participant', ...i.path] })));
      const p = parsed.data;
      const joinedAtSeconds = p.joined_at ?? p.joinedAt;
      const joinedAt =
        p.joined_at_ms !== undefined && p.joined_at_ms > 0
          ? new Date(p.joined_at_ms)
          : joinedAtSeconds !== undefined && joinedAtSeconds > 0
            ? seconds(joinedAtSeconds)
            : undefined;
      return {
        ok: true,
        event: {
          name,
          room: roomRef,
          at,
          participant: {
            identity: p.identity,
            name: p.name || undefined,
            sid: p.sid,
            joinedAt,
            isAdmin: isAdminFromMetadata(p.metadata),
          },
        },
      };
    }
    case 'end_recording':
    case 'recording_proceeded': {
      const parsed = recordingInfo.safeParse(json.recording_info);
      if (!parsed.success) return fail(parsed.error.issues.map((i) => ({ ...i, path: ['recording_info', ...i.path] })));
      const r = parsed.data;
      return {
        ok: true,
        event: {
          name,
          room: roomRef,
          at,
          recording: { recordId: r.record_id, filePath: r.file_path, fileSizeMb: r.file_size },
        },
      };
    }
    case 'track_published':
    case 'track_unpublished': {
      const who = trackParticipant.safeParse(json.participant);
      if (!who.success) return fail(who.error.issues.map((i) => ({ ...i, path: ['participant', ...i.path] })));
      const t = track.safeParse(json.track);
      if (!t.success) return fail(t.error.issues.map((i) => ({ ...i, path: ['track', ...i.path] })));
      const source = t.data.source === undefined ? null : (MEDIA_SOURCES[String(t.data.source)] ?? null);
      return {
        ok: true,
        event: {
          name,
          room: roomRef,
          at,
          participant: { identity: who.data.identity, sid: who.data.sid, isAdmin: false },
          track: { sid: t.data.sid, source },
        },
      };
    }
    case 'analytics_proceeded':
    case 'artifact_created': {
      const roomSid = roomRef.roomSid;
      if (!roomSid)
        return {
          ok: false,
          message: `Invalid ${name} event: room.sid is required (the run whose analytics these are)`,
        };
      let fileId: string | null;
      if (name === 'artifact_created') {
        const a = artifact.safeParse(json.room_artifact);
        if (!a.success) return fail(a.error.issues.map((i) => ({ ...i, path: ['room_artifact', ...i.path] })));
        // protojson sends enums by name; the number of MEETING_ANALYTICS differs between versions
        if (a.data.type !== 'MEETING_ANALYTICS') {
          return {
            ok: false,
            ignored: true,
            message: `Event artifact_created ignored: an artifact of type ${a.data.type ?? 'none'}, not meeting analytics`,
          };
        }
        fileId = a.data.artifact_id ?? null;
      } else {
        const a = analytics.safeParse(json.analytics);
        if (!a.success) return fail(a.error.issues.map((i) => ({ ...i, path: ['analytics', ...i.path] })));
        fileId = a.data?.file_id ?? null;
      }
      return { ok: true, event: { name, room: { roomId, roomSid }, at, analytics: { fileId } } };
    }
    case 'room_created':
    case 'room_started':
    case 'room_finished':
    case 'session_ended':
      return { ok: true, event: { name, room: roomRef, at } };
    default:
      return { ok: false, message: `Event ${name} ignored` };
  }
}
