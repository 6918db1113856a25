// Media time as a user sees it: camera, microphone and screen share, each the union of its tracks'
// spans, clipped to the connection that published them (a leave or the session's end closes what is
// still open) and to the session. Spans from the analytics file are per user, clipped to the session.
import type { MediaSource } from '../db/generated/prisma/enums.ts';
import { clipSpan, unionSeconds, type SessionBounds, type Span } from '../attendance/presence.ts';

export interface MediaSpanRow {
  participantSid: string;
  source: MediaSource;
  publishedAt: Date;
  unpublishedAt: Date | null;
}

export interface ConnectionRow extends Span {
  participantSid: string;
}

export interface MediaTime {
  cameraSeconds: number;
  microphoneSeconds: number;
  screenShareSeconds: number;
}

const later = (a: Date, b: Date) => (a >= b ? a : b);
const earlier = (a: Date, b: Date) => (a <= b ? a : b);

/** A track's span within its connection's (clipped) presence; empty when the connection is unknown. */
export function clipMediaSpan(media: MediaSpanRow, connection: Span | undefined, session: SessionBounds): Span {
  const own = clipSpan({ joinedAt: media.publishedAt, leftAt: media.unpublishedAt }, session);
  if (!connection) return own;
  const within = clipSpan(connection, session);
  const joinedAt = later(own.joinedAt, within.joinedAt);
  const ends = [own.leftAt, within.leftAt].filter((d): d is Date => d !== null);
  const leftAt = ends.length ? ends.reduce(earlier) : null;
  return { joinedAt, leftAt: leftAt && later(leftAt, joinedAt) };
}

export function mediaTime(
  media: readonly MediaSpanRow[],
  connections: readonly ConnectionRow[],
  session: SessionBounds,
  now: Date,
): MediaTime {
  const bySid = new Map(connections.map((c) => [c.participantSid, c]));
  const spans = (sources: readonly MediaSource[]) =>
    media.filter((m) => sources.includes(m.source)).map((m) => clipMediaSpan(m, bySid.get(m.participantSid), session));
  return {
    cameraSeconds: unionSeconds(spans(['CAMERA']), now),
    microphoneSeconds: unionSeconds(spans(['MICROPHONE']), now),
    screenShareSeconds: unionSeconds(spans(['SCREEN_SHARE', 'SCREEN_SHARE_AUDIO']), now),
  };
}
