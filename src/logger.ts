import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'rollcall' },
    // Secrets never reach the log: headers are not logged, and these paths are masked if they ever are.
    redact: ['req.headers.authorization', 'req.headers["hash-token"]', 'authorization', 'token'],
  });
}
