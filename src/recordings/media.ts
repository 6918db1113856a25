// What a stored recording is, from its streams (ffprobe), and its thumbnail (ffmpeg). Both tools
// come from Debian's ffmpeg package and are run by media-tools.ts; without them a recording is still
// READY, only without duration and thumbnail (mediaToolsAvailable tells the caller, once). File names
// are passed as absolute `file:` URLs so a name can never read as an option or another protocol.
import { randomBytes } from 'node:crypto';
import { rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { MediaToolError, type MediaToolPaths, run } from './media-tools.ts';

export type RecordingMediaType = 'VIDEO' | 'VOICE';

// ---------------------------------------------------------------------------------------------
// ffprobe

/** The parts of `ffprobe -print_format json -show_streams` this module reads. */
export interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  disposition?: Record<string, number | undefined>;
  [field: string]: unknown;
}

export interface FfprobeFormat {
  format_name?: string;
  duration?: string;
  size?: string;
  [field: string]: unknown;
}

export interface MediaProbe {
  /** Seconds (from the container, else the longest stream); null when the file does not say. */
  durationSeconds: number | null;
  /** A real video stream (cover art does not count). */
  hasVideo: boolean;
  hasAudio: boolean;
  /** recordingTypeFromStreams(streams). */
  type: RecordingMediaType;
  /** ffprobe's index of the first real video stream, for makeThumbnail; null for audio only. */
  videoStreamIndex: number | null;
  streams: FfprobeStream[];
  format: FfprobeFormat;
}

/** A stream that shows moving pictures: video, and not an attached picture (cover art) or thumbnail track. */
export function isRealVideoStream(stream: FfprobeStream): boolean {
  return (
    stream.codec_type === 'video' &&
    stream.disposition?.attached_pic !== 1 &&
    stream.disposition?.timed_thumbnails !== 1
  );
}

/** VIDEO when a real video stream is present, else VOICE. Never looks at a file name. */
export function recordingTypeFromStreams(streams: readonly FfprobeStream[]): RecordingMediaType {
  return streams.some(isRealVideoStream) ? 'VIDEO' : 'VOICE';
}

export interface ProbeOptions extends MediaToolPaths {
  /** Default 30 s. */
  timeoutMs?: number;
}

/** Throws MediaToolError when ffprobe is missing, times out, or cannot read the file as media. */
export async function probeMedia(file: string, options: ProbeOptions = {}): Promise<MediaProbe> {
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  const input = path.resolve(file);
  const { stdout } = await run(
    'ffprobe',
    ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', `file:${input}`],
    {
      timeoutMs: options.timeoutMs ?? 30_000,
      what: `probing ${input}`,
    },
  );

  let parsed: { streams?: unknown; format?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new MediaToolError(`ffprobe printed no JSON probing ${input}`, {
      tool: 'ffprobe',
      stderr: stdout.slice(0, 500),
    });
  }
  const streams = (Array.isArray(parsed.streams) ? parsed.streams : []).filter(
    (s): s is FfprobeStream => typeof s === 'object' && s !== null && typeof (s as FfprobeStream).index === 'number',
  );
  const format: FfprobeFormat =
    typeof parsed.format === 'object' && parsed.format !== null ? (parsed.format as FfprobeFormat) : {};

  const video = streams.find(isRealVideoStream);
  const longestStream = Math.max(-1, ...streams.map((s) => seconds(s.duration) ?? -1));
  const durationSeconds = seconds(format.duration) ?? (longestStream >= 0 ? longestStream : null);

  return {
    durationSeconds,
    hasVideo: video !== undefined,
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    type: recordingTypeFromStreams(streams),
    videoStreamIndex: video?.index ?? null,
    streams,
    format,
  };
}

// ---------------------------------------------------------------------------------------------
// ffmpeg

export const THUMBNAIL_WIDTH = 640;

export interface ThumbnailOptions extends MediaToolPaths {
  /** The input's probe, if already made (saves an ffprobe run). */
  probe?: MediaProbe;
  /** Default 60 s per ffmpeg run. */
  timeoutMs?: number;
}

/**
 * Writes a JPEG 640 px wide (height from the aspect ratio, even) of the frame near 1 s, or the
 * first frame when the video is shorter than 1.5 s, to `output`: written under a temporary name in
 * the same directory, then renamed, so `output` is either absent or whole. Throws MediaToolError,
 * also for a file without a real video stream.
 */
export async function makeThumbnail(
  input: string,
  output: string,
  options: ThumbnailOptions = {},
): Promise<{ atSeconds: number }> {
  const source = path.resolve(input);
  const target = path.resolve(output);
  const probe = options.probe ?? (await probeMedia(source, options));
  if (probe.videoStreamIndex === null) {
    throw new MediaToolError(`no video stream to make a thumbnail from in ${source}`, { tool: 'ffmpeg' });
  }
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp.jpg`);

  const attempt = async (atSeconds: number) => {
    await run(
      'ffmpeg',
      ffmpeg,
      [
        '-nostdin',
        '-hide_banner',
        '-v',
        'error',
        '-y',
        // Before -i: a fast keyframe seek, then decoded up to the exact time.
        '-ss',
        String(atSeconds),
        '-i',
        `file:${source}`,
        '-map',
        `0:${probe.videoStreamIndex}`,
        '-frames:v',
        '1',
        '-vf',
        `scale=${THUMBNAIL_WIDTH}:-2`,
        '-an',
        '-sn',
        '-dn',
        '-c:v',
        'mjpeg',
        '-q:v',
        '3',
        '-f',
        'image2',
        '-update',
        '1',
        `file:${temp}`,
      ],
      { timeoutMs: options.timeoutMs ?? 60_000, what: `making a thumbnail of ${source}` },
    );
    return (await stat(temp).catch(() => null))?.size ?? 0;
  };

  const preferred = probe.durationSeconds !== null && probe.durationSeconds < 1.5 ? 0 : 1;
  try {
    let atSeconds = preferred;
    let size = await attempt(atSeconds);
    // Seeking past the last frame writes nothing: fall back to the first frame.
    if (size === 0 && atSeconds !== 0) {
      atSeconds = 0;
      size = await attempt(atSeconds);
    }
    if (size === 0)
      throw new MediaToolError(`ffmpeg wrote no frame making a thumbnail of ${source}`, { tool: 'ffmpeg' });
    await rename(temp, target);
    return { atSeconds };
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

function seconds(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}
