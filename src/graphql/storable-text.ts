// PostgreSQL's text cannot hold U+0000 (an argument with it would fail in the database, as an
// internal error) and stores a lone surrogate as U+FFFD (two different ids would become one).
// Such arguments are refused before execution instead, as the bad input they are.
import { GraphQLError, visit, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const LONE_SURROGATE = /\p{Cs}/u;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

const hasUnstorableText = (value: unknown): boolean =>
  typeof value === 'string'
    ? unstorable(value)
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
        if (unstorable(node.value)) found = true;
      },
    });
    unstorableLiterals.set(document, found);
  }
  return found;
}

function refusal(args: ExecutionArgs) {
  if (!hasUnstorableText(args.variableValues) && !documentHasUnstorableText(args.document)) return undefined;
  return {
    errors: [new GraphQLError('Text arguments must not contain the NUL character (\\u0000) or a lone surrogate', { extensions: { code: 'BAD_USER_INPUT' } })],
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
