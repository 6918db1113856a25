// Real media files made by ffmpeg for the recording tests: a short MP4 with video and audio, and
// audio-only files (one deliberately named .mp4, one MP3 with cover art) to prove the type comes
// from the streams. Where ffmpeg is missing the tests that need it are skipped with a notice, so
// `npm test` passes on a bare machine; .ci/run installs ffmpeg and sets REQUIRE_FFMPEG, so CI never skips them.
import { execFile } from 'node:child_process';
import path from 'node:path';

export const FIXTURE_DURATION_SECONDS = 3;
export const FIXTURE_VIDEO_WIDTH = 1280;
export const FIXTURE_VIDEO_HEIGHT = 720;

export interface MediaFixtures {
  /** H.264 1280x720 25 fps + AAC 440 Hz, 3 s. */
  video: string;
  /** AAC only, in .m4a. */
  audio: string;
  /** AAC only, but named .mp4. */
  audioNamedMp4: string;
  /** MP3 with an attached picture (a video stream with disposition attached_pic): still VOICE. */
  audioWithCover: string;
}

const INSTALL_HINT =
  'ffmpeg/ffprobe are required for the recording media tests: install them (Debian/Ubuntu: apt-get install -y ffmpeg; CI installs it).';

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args],
      { timeout: 120_000 },
      (error, _stdout, stderr) => {
        if (!error) resolve();
        else if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error(INSTALL_HINT));
        else reject(new Error(`ffmpeg ${args.join(' ')} failed: ${stderr || error.message}`));
      },
    );
  });
}

/** Throws with an install hint unless both ffmpeg and ffprobe run. */
export async function requireFfmpeg(): Promise<void> {
  for (const tool of ['ffmpeg', 'ffprobe']) {
    await new Promise<void>((resolve, reject) => {
      execFile(tool, ['-version'], { timeout: 10_000 }, (error) =>
        error
          ? reject(
              new Error(
                `${tool} does not run (${(error as NodeJS.ErrnoException).code ?? error.message}). ${INSTALL_HINT}`,
              ),
            )
          : resolve(),
      );
    });
  }
}

const toolsRun = await requireFfmpeg().then(
  () => true,
  () => false,
);
/** Whether the tests that need ffmpeg run here: it is installed, or REQUIRE_FFMPEG says it must be (they then fail with the install hint). */
export const runMediaTests = toolsRun || Boolean(process.env.REQUIRE_FFMPEG);
if (!runMediaTests) console.warn(`ffmpeg not found: skipping the tests that need it. ${INSTALL_HINT}`);

/** Creates the fixtures in `dir` (which must exist) and returns their paths. Takes about a second. */
export async function createMediaFixtures(dir: string): Promise<MediaFixtures> {
  await requireFfmpeg();
  const t = String(FIXTURE_DURATION_SECONDS);
  const files: MediaFixtures = {
    video: path.join(dir, 'video.mp4'),
    audio: path.join(dir, 'voice.m4a'),
    audioNamedMp4: path.join(dir, 'voice-named-as-video.mp4'),
    audioWithCover: path.join(dir, 'voice-with-cover.mp3'),
  };
  const sine = ['-f', 'lavfi', '-i', 'sine=frequency=440'];
  await Promise.all([
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=${FIXTURE_VIDEO_WIDTH}x${FIXTURE_VIDEO_HEIGHT}:rate=25`,
      ...sine,
      '-t',
      t,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      files.video,
    ]),
    ffmpeg([...sine, '-t', t, '-c:a', 'aac', files.audio]),
    ffmpeg([...sine, '-t', t, '-c:a', 'aac', '-f', 'mp4', files.audioNamedMp4]),
    ffmpeg([
      ...sine,
      '-f',
      'lavfi',
      '-i',
      'color=c=red:size=320x320',
      '-map',
      '0:a',
      '-map',
      '1:v',
      '-t',
      t,
      '-frames:v',
      '1',
      '-c:a',
      'libmp3lame',
      '-c:v',
      'mjpeg',
      '-disposition:v',
      'attached_pic',
      files.audioWithCover,
    ]),
  ]);
  return files;
}
