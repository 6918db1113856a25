// A task run every interval (jittered, so that instances spread out), never twice at once, stopped
// gracefully: stop() clears the timer, aborts what runs, and waits for it.
import type { Logger } from 'pino';

export interface PeriodicTask {
  start(): void;
  /** Runs the task now (tests), unless it is running; resolves when it is done. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface PeriodicOptions {
  name: string;
  intervalMs: number;
  /** ±fraction of the interval (default 0.1). */
  jitter?: number;
  logger: Logger;
}

export function periodic(task: (signal: AbortSignal) => Promise<unknown>, options: PeriodicOptions): PeriodicTask {
  const { intervalMs, logger, name } = options;
  const jitter = options.jitter ?? 0.1;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const run = () =>
    (running ??= task(abort.signal)
      .then(() => undefined)
      .catch((error) => {
        if (!abort.signal.aborted)
          logger.warn({ err: error, task: name }, `${name} failed; trying again at the next interval`);
      })
      .finally(() => {
        running = undefined;
      }));

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => void run().then(schedule), intervalMs * (1 - jitter + Math.random() * 2 * jitter));
    timer.unref();
  }

  return {
    start: schedule,
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      abort.abort(new Error(`${name} stopped`));
      await running;
    },
  };
}
