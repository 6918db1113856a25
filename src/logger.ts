import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LogOutput {
  /** 'pretty': readable lines (pino-pretty); 'json': one JSON object a line; unset: decided below. */
  format?: 'json' | 'pretty';
  nodeEnv?: string;
}

/**
 * JSON is what log collectors read, so it is the default; a person at a terminal in development
 * gets readable lines instead. pino-pretty is a devDependency: where it is not installed
 * (`npm ci --omit=dev`), the output stays JSON. It runs as a stream in this thread, not as a pino
 * transport (a worker thread of its own, ~10 MB).
 */
function prettyStream({ format, nodeEnv }: LogOutput): DestinationStream | undefined {
  const wanted =
    format === 'pretty' || (format === undefined && nodeEnv !== 'production' && process.stdout.isTTY === true);
  if (!wanted) return undefined;
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return pretty({
      colorize: process.stdout.isTTY === true,
      ignore: 'pid,hostname,service',
      translateTime: 'SYS:HH:MM:ss.l',
    });
  } catch {
    return undefined;
  }
}

export function createLogger(level: string, output: LogOutput = { format: 'json' }): Logger {
  const options = {
    level,
    base: { service: 'rollcall' },
    // Secrets never reach the log: headers are not logged, and these paths are masked if they ever are.
    redact: ['req.headers.authorization', 'req.headers["hash-token"]', 'authorization', 'token'],
  };
  const stream = prettyStream(output);
  return stream ? pino(options, stream) : pino(options);
}
