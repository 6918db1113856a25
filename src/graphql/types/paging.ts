import { GraphQLError, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../context.ts';
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
export function pageArgs(args: { first?: number | null; after?: string | null }): {
  take: number;
  skip?: number;
  cursor?: { id: string };
} {
  const first = args.first ?? 50;
  if (first < 0 || first > MAX_PAGE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const after = notEmpty('after', args.after);
  return after ? { take: first, skip: 1, cursor: { id: after } } : { take: first };
}

/** A page costs what it selects, times the page size (its default when not given). */
export const pageComplexity = (args: { first?: number | null }) => ({ field: 1, multiplier: args.first ?? 50 });

const unknownCursor = (after: string) =>
  new GraphQLError(`after: ${after} is not an item of this list`, { extensions: { code: 'BAD_USER_INPUT' } });

/** Whether `after` is an item of the list the field returns for this parent and arguments (the field's own; a count of 0 or 1). */
export type CursorCheck = (ctx: GraphQLContext, parent: { id: string }, after: string, args: any) => Promise<number>;

/**
 * An `after` that is not an item of the list is the caller's mistake: an error, not an empty page
 * that reads as the end. Checked only when a page comes back empty, so a page costs no extra query.
 * Fields are named `Type.field`.
 */
export function withCursorChecks(schema: GraphQLSchema, checks: Record<string, CursorCheck>): GraphQLSchema {
  for (const [path, check] of Object.entries(checks)) {
    const [typeName, fieldName] = path.split('.');
    const field = (schema.getType(typeName) as GraphQLObjectType | undefined)?.getFields()[fieldName];
    if (!field?.resolve) throw new Error(`withCursorChecks: no field ${path}`);
    const resolve = field.resolve;
    field.resolve = async (parent, args, ctx, info) => {
      const page = await resolve(parent, args, ctx, info);
      if (
        typeof args.after === 'string' &&
        Array.isArray(page) &&
        page.length === 0 &&
        !(await check(ctx, parent, args.after, args))
      ) {
        throw unknownCursor(args.after);
      }
      return page;
    };
  }
  return schema;
}
