import { GraphQLError } from 'graphql';
import { DomainError } from '../attendance/courses.ts';

/** Runs a domain operation, turning its DomainErrors into GraphQL errors with their code. */
export async function asGraphQLErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
    throw error;
  }
}

export const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
