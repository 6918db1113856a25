// A subscription over HTTP (Server-Sent Events, what GraphiQL uses) lives no longer than the token
// it was opened with, like a graphql-ws socket (socket-expiry.ts): at expiry its stream sends one
// UNAUTHENTICATED error and ends.
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { cancelExpiry, closeAtExpiry } from './socket-expiry.ts';
import type { Viewer } from './viewer.ts';

export function useStreamsEndAtTokenExpiry(): Plugin<{ viewer?: Viewer; socket?: unknown }> {
  return {
    onSubscribe({ args }) {
      const { viewer, socket } = args.contextValue;
      // sockets are closed at expiry as a whole; tokens without exp do not expire
      if (socket || viewer?.kind !== 'user' || !viewer.expiresAt) return;
      const expiresAt = viewer.expiresAt.getTime();
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(untilExpiry(result, expiresAt));
        },
      };
    },
  };
}

async function* untilExpiry(
  source: AsyncIterable<ExecutionResult>,
  expiresAt: number,
): AsyncGenerator<ExecutionResult> {
  const results = source[Symbol.asyncIterator]();
  let expire!: () => void;
  const expired = new Promise<'expired'>((resolve) => (expire = () => resolve('expired')));
  const expiry = closeAtExpiry({ close: expire }, expiresAt);
  try {
    for (;;) {
      const next = await Promise.race([results.next(), expired]);
      if (next === 'expired') {
        yield {
          errors: [
            new GraphQLError('Token expired: subscribe again with a fresh one', {
              extensions: { code: 'UNAUTHENTICATED' },
            }),
          ],
        };
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    cancelExpiry(expiry);
    await results.return?.();
  }
}
