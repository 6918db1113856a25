// Where recordings live: DATA_DIR/recordings/<recording id>.<ext>, thumbnails beside them.
import path from 'node:path';

export function recordingsDir(dataDir: string): string {
  return path.join(dataDir, 'recordings');
}

const MIME_BY_EXTENSION: Record<string, { video: string; audio: string }> = {
  '.mp4': { video: 'video/mp4', audio: 'audio/mp4' },
  '.m4a': { video: 'audio/mp4', audio: 'audio/mp4' },
  '.webm': { video: 'video/webm', audio: 'audio/webm' },
  '.mkv': { video: 'video/x-matroska', audio: 'audio/x-matroska' },
  '.ogg': { video: 'video/ogg', audio: 'audio/ogg' },
  '.oga': { video: 'audio/ogg', audio: 'audio/ogg' },
  '.opus': { video: 'audio/ogg', audio: 'audio/ogg' },
  '.mp3': { video: 'audio/mpeg', audio: 'audio/mpeg' },
  '.wav': { video: 'audio/wav', audio: 'audio/wav' },
};

/** The stored file's extension: PlugNMeet's file name's, else mp4 (what its recorder writes). */
export function extensionFor(sourcePath: string | null | undefined): string {
  const ext = sourcePath ? path.extname(sourcePath).toLowerCase() : '';
  return ext in MIME_BY_EXTENSION ? ext : '.mp4';
}

/** The Content-Type to serve: the container from the extension, video/audio from the streams. */
export function mimeTypeFor(fileName: string, hasVideo: boolean | null): string {
  const entry = MIME_BY_EXTENSION[path.extname(fileName).toLowerCase()];
  if (!entry) return 'application/octet-stream';
  return hasVideo === false ? entry.audio : entry.video;
}
