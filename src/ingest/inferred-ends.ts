// A run whose room_finished never comes (PlugNMeet's notifier gives up after three tries) must not
// stay live forever: once nobody is online and no event of it came for a while, its end is inferred
// (the rule is the routine rollcall_infer_ends, in attendance/sessions.sql.ts) and delivered.
import type { Logger } from 'pino';
import type { Change } from '../attendance/events.ts';
import { Prisma } from '../db/generated/prisma/client.ts';
import { withRetry } from '../db/retry.ts';
import type { PrismaClient } from '../db/types.ts';
import { periodic, type PeriodicTask } from '../jobs/periodic.ts';
import { ROUTINES_VERSION } from './routines.ts';

const INFER = Prisma.raw(`SELECT rollcall_infer_ends_${ROUTINES_VERSION}($1::interval) AS changes`);

/** Ends the quiet runs now (their changes go to the change log with them); returns the changes. */
export async function inferEnds(prisma: PrismaClient, quietMs: number): Promise<Change[]> {
  const [{ changes }] = await withRetry(() =>
    prisma.$queryRawUnsafe<[{ changes: Change[] }]>(INFER.sql, `${quietMs} milliseconds`),
  );
  return changes;
}

/**
 * Looks every quarter of `quietMs` (at most every minute), so an end is inferred at most a little
 * after the run has been quiet that long.
 */
export function inferredEnds(deps: {
  prisma: PrismaClient;
  changesCommitted: () => void;
  logger: Logger;
  quietMs: number;
}): PeriodicTask {
  const intervalMs = Math.max(250, Math.min(60_000, deps.quietMs / 4));
  return periodic(
    async () => {
      const changes = await inferEnds(deps.prisma, deps.quietMs);
      if (changes.length) deps.changesCommitted();
      for (const c of changes)
        deps.logger.info(
          { sessionId: 'sessionId' in c ? c.sessionId : undefined },
          'ended a quiet run whose room_finished never came (inferred end)',
        );
    },
    { name: 'inferring the end of quiet runs', intervalMs, logger: deps.logger },
  );
}
