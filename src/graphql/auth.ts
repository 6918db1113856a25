import { GraphQLError } from 'graphql';
import { DomainError } from '../attendance/courses.ts';
import type { GraphQLContext } from './context.ts';

export function requireAdmin(ctx: GraphQLContext): void {
  if (!ctx.viewer.isAdmin) {
    throw new GraphQLError('This operation needs the admin token: send Authorization: Bearer <ADMIN_API_TOKEN>', {
      extensions: { code: 'FORBIDDEN' },
    });
  }
}

/** Runs a domain operation, turning its DomainErrors into GraphQL errors with their code. */
export async function asGraphQLErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
    throw error;
  }
}
