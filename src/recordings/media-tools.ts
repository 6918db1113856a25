// Running ffprobe and ffmpeg: found once per process, run with execFile (an argument list, no shell)
// and a timeout, their failures as MediaToolError (missing, timed out, or the end of stderr).
import { execFile } from 'node:child_process';

export interface MediaToolPaths {
  /** Default 'ffprobe' (found on PATH). */
  ffprobePath?: string;
  /** Default 'ffmpeg' (found on PATH). */
  ffmpegPath?: string;
}

export class MediaToolError extends Error {
  readonly tool: 'ffprobe' | 'ffmpeg';
  /** The binary was not found (ENOENT / EACCES): install ffmpeg. */
  readonly missing: boolean;
  readonly timedOut: boolean;
  readonly exitCode: number | null;
  /** The end of the tool's stderr, for the log. */
  readonly stderr: string;

  constructor(
    message: string,
    details: {
      tool: 'ffprobe' | 'ffmpeg';
      missing?: boolean;
      timedOut?: boolean;
      exitCode?: number | null;
      stderr?: string;
    },
  ) {
    super(message);
    this.name = 'MediaToolError';
    this.tool = details.tool;
    this.missing = details.missing ?? false;
    this.timedOut = details.timedOut ?? false;
    this.exitCode = details.exitCode ?? null;
    this.stderr = details.stderr ?? '';
  }
}

// ---------------------------------------------------------------------------------------------
// Are the tools there?

export interface MediaToolsStatus {
  /** Both ffprobe and ffmpeg run. */
  available: boolean;
  /** First line of `-version`, or null when the tool does not run. */
  ffprobe: string | null;
  ffmpeg: string | null;
  /** Why not, for one log line; null when available. */
  reason: string | null;
}

const toolsCache = new Map<string, Promise<MediaToolsStatus>>();

/**
 * Runs `ffprobe -version` and `ffmpeg -version` once per process (per pair of paths) and caches the
 * answer. Never throws.
 */
export function mediaToolsAvailable(paths: MediaToolPaths = {}): Promise<MediaToolsStatus> {
  const ffprobe = paths.ffprobePath ?? 'ffprobe';
  const ffmpeg = paths.ffmpegPath ?? 'ffmpeg';
  const key = JSON.stringify([ffprobe, ffmpeg]);
  let status = toolsCache.get(key);
  if (!status) {
    status = detect(ffprobe, ffmpeg);
    toolsCache.set(key, status);
  }
  return status;
}

/** Forget the cached answers (tests; or after installing ffmpeg without a restart). */
export function resetMediaToolsCache(): void {
  toolsCache.clear();
}

async function detect(ffprobe: string, ffmpeg: string): Promise<MediaToolsStatus> {
  const version = async (
    tool: 'ffprobe' | 'ffmpeg',
    bin: string,
  ): Promise<{ line: string | null; problem: string | null }> => {
    try {
      const { stdout } = await run(tool, bin, ['-version'], { timeoutMs: 10_000, what: 'checking its version' });
      return { line: stdout.split('\n')[0]?.trim() || tool, problem: null };
    } catch (error) {
      return { line: null, problem: (error as Error).message };
    }
  };
  const [probe, mpeg] = await Promise.all([version('ffprobe', ffprobe), version('ffmpeg', ffmpeg)]);
  const problems = [probe.problem, mpeg.problem].filter((p): p is string => p !== null);
  return {
    available: problems.length === 0,
    ffprobe: probe.line,
    ffmpeg: mpeg.line,
    reason:
      problems.length === 0
        ? null
        : `${problems.join('; ')}. Recordings are stored without duration or thumbnail; install ffmpeg (apt-get install -y ffmpeg) and restart.`,
  };
}

// ---------------------------------------------------------------------------------------------

export function run(
  tool: 'ffprobe' | 'ffmpeg',
  bin: string,
  args: string[],
  o: { timeoutMs: number; what: string },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { encoding: 'utf8', timeout: o.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const e = error as NodeJS.ErrnoException & {
          killed?: boolean;
          signal?: string | null;
          code?: string | number | null;
        };
        const tail = lastLines(stderr);
        if (e.code === 'ENOENT' || e.code === 'EACCES') {
          reject(
            new MediaToolError(`${tool} not found (${bin}: ${e.code}); install ffmpeg (apt-get install -y ffmpeg)`, {
              tool,
              missing: true,
            }),
          );
        } else if (e.killed && e.signal === 'SIGKILL') {
          reject(
            new MediaToolError(`${tool} timed out after ${o.timeoutMs} ms ${o.what}`, {
              tool,
              timedOut: true,
              stderr: tail,
            }),
          );
        } else {
          const exitCode = typeof e.code === 'number' ? e.code : null;
          reject(
            new MediaToolError(
              `${tool} failed ${o.what} (exit ${exitCode ?? e.signal ?? e.code ?? '?'})${tail ? `: ${tail}` : ''}`,
              {
                tool,
                exitCode,
                stderr: tail,
              },
            ),
          );
        }
      },
    );
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ').slice(-1_000);
}
