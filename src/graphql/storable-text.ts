// PostgreSQL's text cannot hold U+0000: an argument with it would fail in the database, as an
// internal error. It is refused before execution instead, as the bad input it is.
import { GraphQLError, visit, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const hasNul = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.includes('\u0000')
    : Array.isArray(value)
      ? value.some(hasNul)
      : typeof value === 'object' && value !== null && Object.values(value).some(hasNul);

/** Per parsed document (Yoga caches them, so each is visited once). */
const literalsWithNul = new WeakMap<DocumentNode, boolean>();

function documentHasNul(document: DocumentNode): boolean {
  let found = literalsWithNul.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      StringValue(node) {
        if (node.value.includes('\u0000')) found = true;
      },
    });
    literalsWithNul.set(document, found);
  }
  return found;
}

function refusal(args: ExecutionArgs) {
  if (!hasNul(args.variableValues) && !documentHasNul(args.document)) return undefined;
  return {
    errors: [new GraphQLError('Text arguments must not contain the NUL character (\\u0000)', { extensions: { code: 'BAD_USER_INPUT' } })],
  };
}

export function useNoNulCharacters(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
