// Which subscribers may share one execution (a cohort, see cohorts.ts): the same operation, the same
// variables, and a viewer who may read the same things.
import {
  getOperationAST,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql';
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
        if (
          (parent === 'User' && node.name.value === 'attendances') ||
          (parent === 'Query' && node.name.value === 'me')
        )
          found = true;
      },
    }),
  );
  return found;
}

/** A subscription split into its resume cursor and the operation a cohort runs live. */
export interface ResumableOperation {
  /** The `after` argument of the subscription's field (null when absent or null). */
  cursor: string | null;
  /** The document without a literal cursor (the cohort's key and live execution). */
  document: DocumentNode;
  /** The variables with a cursor variable set to null. */
  variables: Record<string, unknown> | undefined;
}

/**
 * Separates the `after` cursor from a subscription, so that subscribers resuming from different
 * places still share one live execution.
 */
export function splitResumeCursor(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): ResumableOperation {
  const operation = getOperationAST(document, operationName);
  const field = operation?.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  const after = field?.arguments?.find((a) => a.name.value === 'after');
  if (!after) return { cursor: null, document, variables };
  if (after.value.kind === Kind.VARIABLE) {
    const name = after.value.name.value;
    const cursor = variables?.[name];
    return { cursor: typeof cursor === 'string' ? cursor : null, document, variables: { ...variables, [name]: null } };
  }
  const cursor = after.value.kind === Kind.STRING ? after.value.value : null;
  const stripped = visit(document, { Argument: (node) => (node === after ? null : undefined) });
  return { cursor, document: stripped, variables };
}
