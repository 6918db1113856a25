import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/user.ts';
import './types/attendance.ts';
import './types/course.ts';
import './types/live-session.ts';
import './types/queries.ts';
import './types/mutations.ts';
import './types/subscriptions.ts';
import './types/recording.ts';

export const schema = builder.toSchema();
/** What schema.graphql holds. */
export const printableSchema = () => lexicographicSortSchema(schema);
