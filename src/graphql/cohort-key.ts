// Which subscribers may share one execution (a cohort, see cohorts.ts): the same operation, the same
// variables, and a viewer who may read the same things.
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Viewer } from '../auth/viewer.ts';

/**
 * Subscribers see the same results when they run the same operation with the same variables and
 * may read the same courses. Only a selection of User.attendances (each user's own) depends on
 * who the user is; such operations are shared per user instead.
 */
export function cohortKey(
  viewer: Viewer | undefined,
  params: { query: string; operationName?: string | null; variables?: unknown },
  readsOwnData: boolean,
) {
  const who = !viewer
    ? 'none'
    : viewer.kind === 'admin'
      ? 'admin'
      : readsOwnData
        ? `user:${viewer.userId}`
        : `courses:${[...viewer.managedCourseIds].sort().join(',')}`;
  return JSON.stringify([who, params.operationName ?? null, params.variables ?? null, params.query]);
}

/** Whether the operation selects data that depends on the viewer's identity, not only their courses. */
export function selectsOwnData(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType()?.name;
        if ((parent === 'User' && node.name.value === 'attendances') || (parent === 'Query' && node.name.value === 'me')) found = true;
      },
    }),
  );
  return found;
}
