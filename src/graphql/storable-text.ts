// Text arguments the database would not keep as sent (db/text.ts) would fail there as internal
// errors, or merge two ids into one: they are refused before execution, as the bad input they are.
import { GraphQLError, visit, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isStorableText, UNSTORABLE_TEXT } from '../lib/storable-text.ts';

const hasUnstorableText = (value: unknown): boolean =>
  typeof value === 'string'
    ? !isStorableText(value)
    : Array.isArray(value)
      ? value.some(hasUnstorableText)
      : typeof value === 'object' && value !== null && Object.values(value).some(hasUnstorableText);

/** Per parsed document (Yoga caches them, so each is visited once). */
const unstorableLiterals = new WeakMap<DocumentNode, boolean>();

function documentHasUnstorableText(document: DocumentNode): boolean {
  let found = unstorableLiterals.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      StringValue(node) {
        if (!isStorableText(node.value)) found = true;
      },
    });
    unstorableLiterals.set(document, found);
  }
  return found;
}

function refusal(args: ExecutionArgs) {
  if (!hasUnstorableText(args.variableValues) && !documentHasUnstorableText(args.document)) return undefined;
  return {
    errors: [new GraphQLError(`Text arguments ${UNSTORABLE_TEXT}`, { extensions: { code: 'BAD_USER_INPUT' } })],
  };
}

export function useStorableTextOnly(): Plugin {
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
