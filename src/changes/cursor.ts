// Cursors: where a subscriber was in its stream. Opaque to clients (base64url), they hold the change
// log's id (a cursor of another database is not a position in this one), the stream and the
// number of the last change delivered.
import type { Stream } from './log.ts';

export interface Cursor {
  logId: string;
  stream: string;
  seq: number;
}

/** A stream's name in cursors: one room's attendance, or sessions, or recordings. */
export const streamName = (stream: Stream) => (stream.topic === 'attendance' ? `room:${stream.roomId}` : stream.topic);

const VERSION = 'c1';

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([VERSION, cursor.logId, cursor.stream, cursor.seq])).toString('base64url');
}

/** The cursor, or null when the text is not one Rollcall made. */
export function decodeCursor(text: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(text)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== 4) return null;
  const [version, logId, stream, seq] = parts;
  if (version !== VERSION || typeof logId !== 'string' || typeof stream !== 'string') return null;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return null;
  return { logId, stream, seq };
}
