import { GraphQLError } from 'graphql';
import type { GraphQLContext } from './context.ts';

export function requireAdmin(ctx: GraphQLContext): void {
  if (!ctx.viewer.isAdmin) {
    throw new GraphQLError('This operation needs the admin token: send Authorization: Bearer <ADMIN_API_TOKEN>', {
      extensions: { code: 'FORBIDDEN' },
    });
  }
}
