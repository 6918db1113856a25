// A subscription over HTTP (Server-Sent Events, what GraphiQL uses) lives no longer than the token
// it was opened with, like a graphql-ws socket (socket-expiry.ts): at expiry its stream sends one
// UNAUTHENTICATED error and ends.
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Viewer } from './viewer.ts';

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit (24.8 days); longer waits re-arm

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

async function* untilExpiry(source: AsyncIterable<ExecutionResult>, expiresAt: number): AsyncGenerator<ExecutionResult> {
  const results = source[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>(function arm(resolve) {
    timer = setTimeout(() => (Date.now() >= expiresAt ? resolve('expired') : arm(resolve)), Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS));
  });
  try {
    for (;;) {
      const next = await Promise.race([results.next(), expired]);
      if (next === 'expired') {
        yield { errors: [new GraphQLError('Token expired: subscribe again with a fresh one', { extensions: { code: 'UNAUTHENTICATED' } })] };
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    await results.return?.();
  }
}
