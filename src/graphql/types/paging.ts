import { GraphQLError } from 'graphql';
import { notEmpty } from '../errors.ts';

export const MAX_PAGE = 200;

/** Newest first, with the id as tie-breaker so pages are stable. */
export const LIVE_SESSION_ORDER = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** Sessions not ended: the most recently started first, then the scheduled ones (not started), newest first. */
export const CURRENT_SESSION_ORDER = [
  { startedAt: { sort: 'desc' as const, nulls: 'last' as const } },
  { createdAt: 'desc' as const },
  { id: 'desc' as const },
];

export const ATTENDANCE_HISTORY_ORDER = [{ firstJoinedAt: 'desc' as const }, { id: 'desc' as const }];

export const RECORDING_ORDER = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** `first`/`after` (an id cursor) as Prisma's take/cursor/skip. */
export function pageArgs(args: { first?: number | null; after?: string | null }): { take: number; skip?: number; cursor?: { id: string } } {
  const first = args.first ?? 50;
  if (first < 0 || first > MAX_PAGE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const after = notEmpty('after', args.after);
  return after ? { take: first, skip: 1, cursor: { id: after } } : { take: first };
}

/** A page costs what it selects, times the page size (its default when not given). */
export const pageComplexity = (args: { first?: number | null }) => ({ field: 1, multiplier: args.first ?? 50 });
