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

/**
 * An empty id or room id names nothing: said so, rather than read as "no filter" (every row) or
 * answered with an empty list the caller cannot tell from "none". Returns the value otherwise.
 */
export function notEmpty<T extends string | null | undefined>(name: string, value: T): T {
  if (value === '') throw new GraphQLError(`${name} must not be empty`, { extensions: { code: 'BAD_USER_INPUT' } });
  return value;
}
