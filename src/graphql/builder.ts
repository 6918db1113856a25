import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { canManageCourse, canSeeCourse } from '../auth/viewer.ts';
import type PrismaTypes from '../db/generated/pothos-types.ts';
import { getDatamodel } from '../db/generated/pothos-types.ts';
import type { GraphQLContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  AuthScopes: {
    /** the admin token */
    admin: boolean;
    /** may read this course's sessions, attendance and recordings (admin, or one of its managers) */
    course: string | null;
    /** may change this course's settings (admin, or one of its managers) */
    manage: string | null;
    /** is this user (or admin) */
    self: string;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    SafeInt: { Input: number; Output: number };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ScopeAuthPlugin, ComplexityPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  // Counted with the arguments' real values (defaults and variables included): a page of `first`
  // items multiplies what is selected under it; other lists count 10.
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: { complexity: 10_000, depth: 12, breadth: 300 },
    complexityError: (kind, result) => {
      const limits = { complexity: result.maxComplexity, depth: result.maxDepth, breadth: result.maxBreadth };
      const key = String(kind).toLowerCase() as keyof typeof limits;
      return new GraphQLError(`Query too complex: its ${key} is ${result[key]}, the limit is ${limits[key]}`, {
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      });
    },
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    // Pothos' own reasons ("Not authorized to read fields for Mutation") say "read" of a refused
    // mutation and repeat what the first half says: only a reason of our own is kept.
    unauthorizedError: (_parent, _context, info, result) => {
      const verb = info.parentType.name === 'Mutation' ? 'run' : 'read';
      const reason = /^Not authorized to /.test(result.message) ? '' : `: ${result.message}`;
      return new GraphQLError(`Not allowed to ${verb} ${info.parentType.name}.${info.fieldName}${reason}`, {
        extensions: { code: 'FORBIDDEN' },
      });
    },
    authScopes: (ctx) => ({
      admin: ctx.viewer.kind === 'admin',
      course: (courseId) => canSeeCourse(ctx.viewer, courseId),
      manage: (courseId) => canManageCourse(ctx.viewer, courseId),
      self: (userId) => ctx.viewer.kind === 'admin' || ctx.viewer.userId === userId,
    }),
  },
  prisma: {
    // One schema serves every database: the client comes from the request's context.
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
  },
});

/**
 * A malformed date-time is the caller's mistake: BAD_USER_INPUT, in a variable as in a literal.
 * graphql-js keeps only the cause's extensions when it words a variable's error, hence the two levels.
 */
function badInput(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const cause = new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
  throw new GraphQLError(message, { originalError: cause, extensions: { code: 'BAD_USER_INPUT' } });
}

builder.addScalarType('DateTime', DateTimeResolver, {
  parseValue: (value) => {
    try {
      return DateTimeResolver.parseValue(value);
    } catch (error) {
      badInput(error);
    }
  },
  parseLiteral: (node, variables) => {
    try {
      return DateTimeResolver.parseLiteral(node, variables);
    } catch (error) {
      badInput(error);
    }
  },
});
builder.queryType({});
builder.mutationType({ authScopes: { admin: true } });
builder.subscriptionType({});
