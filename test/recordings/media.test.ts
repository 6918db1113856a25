// probeMedia / makeThumbnail / mediaToolsAvailable on real files made by ffmpeg in the test setup.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeThumbnail, probeMedia, recordingTypeFromStreams, type FfprobeStream } from '../../src/recordings/media.ts';
import { MediaToolError, mediaToolsAvailable, resetMediaToolsCache } from '../../src/recordings/media-tools.ts';
import {
  createMediaFixtures,
  FIXTURE_DURATION_SECONDS,
  runMediaTests,
  type MediaFixtures,
} from '../support/media-fixtures.ts';

const run = promisify(execFile);

let dir: string;
let media: MediaFixtures;

beforeAll(async () => {
  if (!runMediaTests) return;
  dir = await mkdtemp(path.join(tmpdir(), 'rollcall-media-'));
  media = await createMediaFixtures(dir);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function imageSize(file: string): Promise<{ width: number; height: number; codec: string }> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,codec_name',
    '-of',
    'json',
    file,
  ]);
  const [stream] = JSON.parse(stdout).streams;
  return { width: stream.width, height: stream.height, codec: stream.codec_name };
}

describe('recordingTypeFromStreams', () => {
  const s = (index: number, codec_type: string, attached_pic = 0): FfprobeStream => ({
    index,
    codec_type,
    disposition: { attached_pic },
  });

  it('is VIDEO with a real video stream, VOICE otherwise, cover art ignored', () => {
    expect(recordingTypeFromStreams([s(0, 'video'), s(1, 'audio')])).toBe('VIDEO');
    expect(recordingTypeFromStreams([s(0, 'video')])).toBe('VIDEO');
    expect(recordingTypeFromStreams([s(0, 'audio')])).toBe('VOICE');
    expect(recordingTypeFromStreams([s(0, 'audio'), s(1, 'video', 1)])).toBe('VOICE');
    expect(recordingTypeFromStreams([s(0, 'audio'), s(1, 'data')])).toBe('VOICE');
    expect(recordingTypeFromStreams([{ index: 0, codec_type: 'video' }])).toBe('VIDEO');
  });
});

describe.runIf(runMediaTests)('probeMedia', () => {
  it('reads a video with audio: duration, VIDEO', async () => {
    const probe = await probeMedia(media.video);
    expect(probe.durationSeconds).not.toBeNull();
    expect(Math.abs(probe.durationSeconds! - FIXTURE_DURATION_SECONDS)).toBeLessThanOrEqual(0.2);
    expect(probe).toMatchObject({
      hasVideo: true,
      hasAudio: true,
      type: 'VIDEO',
      videoStreamIndex: expect.any(Number),
    });
  });

  it('reads an audio-only .m4a as VOICE', async () => {
    const probe = await probeMedia(media.audio);
    expect(Math.abs(probe.durationSeconds! - FIXTURE_DURATION_SECONDS)).toBeLessThanOrEqual(0.2);
    expect(probe).toMatchObject({ hasVideo: false, hasAudio: true, type: 'VOICE', videoStreamIndex: null });
  });

  it('takes the type from the streams, not the name: audio-only named .mp4 is VOICE', async () => {
    expect(path.extname(media.audioNamedMp4)).toBe('.mp4');
    const probe = await probeMedia(media.audioNamedMp4);
    expect(Math.abs(probe.durationSeconds! - FIXTURE_DURATION_SECONDS)).toBeLessThanOrEqual(0.2);
    expect(probe).toMatchObject({ hasVideo: false, hasAudio: true, type: 'VOICE' });
  });

  it('ignores cover art (an attached picture is a video stream, but not a video)', async () => {
    const probe = await probeMedia(media.audioWithCover);
    expect(probe.streams.some((s) => s.codec_type === 'video' && s.disposition?.attached_pic === 1)).toBe(true);
    expect(probe).toMatchObject({ hasVideo: false, hasAudio: true, type: 'VOICE', videoStreamIndex: null });
    expect(Math.abs(probe.durationSeconds! - FIXTURE_DURATION_SECONDS)).toBeLessThanOrEqual(0.2);
  });

  it('a video named .m4a is still VIDEO', async () => {
    const renamed = path.join(dir, 'really-a-video.m4a');
    await copyFile(media.video, renamed);
    expect((await probeMedia(renamed)).type).toBe('VIDEO');
  });

  it('passes odd file names as files, never as options or protocols', async () => {
    const odd = path.join(dir, '-i concat:odd name.mp4');
    await copyFile(media.video, odd);
    expect((await probeMedia(odd)).type).toBe('VIDEO');
    const relative = path.relative(process.cwd(), odd);
    expect((await probeMedia(relative)).type).toBe('VIDEO');
  });

  it('throws MediaToolError for a file that is not media, and for a missing file', async () => {
    const junk = path.join(dir, 'junk.mp4');
    await writeFile(junk, 'this is not a video');
    const error = await probeMedia(junk).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaToolError);
    expect(error).toMatchObject({ tool: 'ffprobe', missing: false, timedOut: false });
    expect((error as MediaToolError).exitCode).not.toBe(0);
    await expect(probeMedia(path.join(dir, 'nope.mp4'))).rejects.toBeInstanceOf(MediaToolError);
  });

  it('reports a missing ffprobe as missing, with the install hint', async () => {
    const error = await probeMedia(media.video, { ffprobePath: '/nonexistent/ffprobe' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaToolError);
    expect(error).toMatchObject({ missing: true });
    expect((error as Error).message).toMatch(/install ffmpeg/);
  });
});

describe.runIf(runMediaTests)('makeThumbnail', () => {
  it('writes a JPEG exactly 640 px wide, even height, from near 1 s, with no temp file left', async () => {
    const out = path.join(dir, 'thumbs', 'video.jpg');
    await rm(path.dirname(out), { recursive: true, force: true });
    await mkdir(path.dirname(out));

    const result = await makeThumbnail(media.video, out);
    expect(result.atSeconds).toBe(1);
    const bytes = await readFile(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const size = await imageSize(out);
    expect(size.codec).toBe('mjpeg');
    expect(size.width).toBe(640);
    expect(size.height).toBe(360);
    expect(size.height % 2).toBe(0);
    expect(await readdir(path.dirname(out))).toEqual(['video.jpg']);
  });

  it('reuses a given probe, and replaces an existing thumbnail atomically', async () => {
    const out = path.join(dir, 'again.jpg');
    await writeFile(out, 'old');
    const probe = await probeMedia(media.video);
    await makeThumbnail(media.video, out, { probe });
    expect([...(await readFile(out)).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });

  it('takes the first frame of a clip shorter than 1.5 s, keeping the aspect ratio (height even)', async () => {
    const short = path.join(dir, 'short.mp4');
    await run('ffmpeg', [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=322x242:rate=25',
      '-t',
      '0.4',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      short,
    ]);
    const out = path.join(dir, 'short.jpg');
    const result = await makeThumbnail(short, out);
    expect(result.atSeconds).toBe(0);
    const size = await imageSize(out);
    expect(size.width).toBe(640);
    // 242 * 640 / 322 = 480.99… → even
    expect(size.height % 2).toBe(0);
    expect(Math.abs(size.height - 481)).toBeLessThanOrEqual(1);
  });

  it('falls back to the first frame when the duration is unknown and 1 s is past the end', async () => {
    const short = path.join(dir, 'short2.mp4');
    await run('ffmpeg', [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=25',
      '-t',
      '0.4',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      short,
    ]);
    const probe = { ...(await probeMedia(short)), durationSeconds: null };
    const out = path.join(dir, 'short2.jpg');
    expect((await makeThumbnail(short, out, { probe })).atSeconds).toBe(0);
    expect((await imageSize(out)).width).toBe(640);
  });

  it('refuses audio (even with cover art) and leaves no output', async () => {
    for (const input of [media.audio, media.audioWithCover]) {
      const out = path.join(dir, `${path.basename(input)}.jpg`);
      await expect(makeThumbnail(input, out)).rejects.toBeInstanceOf(MediaToolError);
      await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('leaves no temp file when ffmpeg fails', async () => {
    const sub = path.join(dir, 'failing');
    await mkdir(sub);
    const probe = await probeMedia(media.video);
    await expect(
      makeThumbnail(media.video, path.join(sub, 't.jpg'), { probe, ffmpegPath: '/nonexistent/ffmpeg' }),
    ).rejects.toMatchObject({
      missing: true,
    });
    expect(await readdir(sub)).toEqual([]);
  });
});

describe.runIf(runMediaTests)('mediaToolsAvailable', () => {
  it('finds ffprobe and ffmpeg, once (cached)', async () => {
    resetMediaToolsCache();
    const first = mediaToolsAvailable();
    expect(mediaToolsAvailable()).toBe(first);
    const status = await first;
    expect(status).toMatchObject({ available: true, reason: null });
    expect(status.ffprobe).toMatch(/^ffprobe version/);
    expect(status.ffmpeg).toMatch(/^ffmpeg version/);
  });

  it('says why when a tool is missing, without throwing', async () => {
    const status = await mediaToolsAvailable({ ffmpegPath: '/nonexistent/ffmpeg' });
    expect(status.available).toBe(false);
    expect(status.ffprobe).toMatch(/^ffprobe version/);
    expect(status.ffmpeg).toBeNull();
    expect(status.reason).toMatch(/ffmpeg not found/);
    expect(status.reason).toMatch(/apt-get install -y ffmpeg/);
  });
});
