// Numbers committed changes (the routine rollcall_sequence_changes) and announces them on the bus.
// Kicked after every commit that wrote changes; runs at most once at a time per instance (a kick
// while it runs makes it run again), and every second anyway, for changes whose instance died
// between its commit and its kick.
import type { Logger } from 'pino';
import type { Bus } from '../bus.ts';
import { Prisma } from '../db/generated/prisma/client.ts';
import { withRetry } from '../db/retry.ts';
import type { PrismaClient } from '../db/types.ts';
import { stampCommitted, type SequencedChange } from './log.ts';

const BATCH = 1_000;
const SWEEP_MS = 1_000;

export interface Sequencer {
  /** Changes were committed: number them soon. */
  kick(): void;
  /** Resolves when no run is pending (tests). */
  idle(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createSequencer(deps: {
  prisma: PrismaClient;
  bus: Bus;
  logger: Logger;
  routinesVersion: string;
}): Sequencer {
  const call = Prisma.raw(`SELECT rollcall_sequence_changes_${deps.routinesVersion}($1::int) AS batch`).sql;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function run() {
    do {
      again = false;
      const [{ batch }] = await withRetry(() =>
        deps.prisma.$queryRawUnsafe<[{ batch: SequencedChange[] }]>(call, BATCH),
      );
      if (batch.length) deps.bus.announce(stampCommitted(batch));
      if (batch.length === BATCH) again = true;
    } while (again && !stopped);
  }

  function kick() {
    if (running) {
      again = true;
      return;
    }
    running = run()
      .catch((error) => deps.logger.warn({ err: error }, 'numbering changes failed; trying again'))
      .finally(() => {
        running = undefined;
        if (again && !stopped) kick();
      });
  }

  return {
    kick,
    async idle() {
      while (running) await running;
    },
    start() {
      timer = setInterval(kick, SWEEP_MS);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
