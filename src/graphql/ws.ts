// graphql-ws on the GraphQL path, through Yoga's envelop chain (the same plugins, context and
// schema as HTTP), with subscriptions multiplexed into cohorts.
import type { Server } from 'node:http';
import { getOperationAST, GraphQLError, print, type DocumentNode } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { cancelExpiry, closeAtExpiry, type SocketExpiry } from '../auth/socket-expiry.ts';
import { CredentialError } from '../auth/credentials.ts';
import type { Viewer } from '../auth/viewer.ts';
import { decodeCursor } from '../changes/cursor.ts';
import type { ChangeFeed } from '../changes/feed.ts';
import { cohortKey, selectsOwnData, splitResumeCursor } from './cohort-key.ts';
import type { GraphQLContext } from './context.ts';
import { CohortHub } from './cohorts.ts';
import { MAX_QUERY_BYTES, tooLarge, type RollcallYoga } from './yoga.ts';
import { metrics } from '../ops/metrics.ts';

interface OperationRoot {
  execute(args: unknown): any;
  subscribe(args: unknown): any;
  contextFactory(): Promise<GraphQLContext>;
  cohort?: {
    key: string;
    id: string;
    socket: WebSocket;
    /** Resumes after a cursor: catches up alone before it joins the cohort's live messages. */
    resume: boolean;
    /** The number of the change the cursor points at (0 when unreadable: the catch-up refuses it). */
    resumeAfter: number;
    /** The operation without its cursor, which the cohort runs live. */
    live: { document: DocumentNode; variables: Record<string, unknown> | undefined };
  };
  /** The subscribe message's payload, which graphql-ws keeps for the subscription's lifetime. */
  payload: { query: string };
}

/** What Rollcall keeps per graphql-ws connection. */
interface ConnectionState {
  viewer?: Viewer;
  /** Counted in rollcall_websockets_active (acknowledged, not yet closed). */
  counted?: boolean;
  /** The ids of `active` that are subscriptions (not queries sent over the socket): the gauge's count. */
  subscriptions?: Set<string>;
  active: Set<string>;
  expiry?: SocketExpiry;
}
type Extra = { socket: WebSocket; request: unknown; rollcall?: ConnectionState };

export interface GraphQLWebSocket {
  /** Subscription cohorts (multiplexing), for diagnostics. */
  cohorts: CohortHub;
  /** Closes every socket with 1001 and stops accepting new ones. */
  close(): Promise<void>;
}

function ended(s: ConnectionState, id: string) {
  s.active.delete(id);
  if (s.subscriptions?.delete(id)) metrics.subscriptions.dec();
}

export function attachGraphQLWebSocket(
  server: Server,
  yoga: RollcallYoga,
  options: { maxSubscriptions: number; feed: ChangeFeed },
): GraphQLWebSocket {
  const { maxSubscriptions, feed } = options;
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const state = (ctx: WsContext<Record<string, unknown>, Extra>) => (ctx.extra.rollcall ??= { active: new Set() });
  const cohorts = new CohortHub();

  const wsServer = useServer<Record<string, unknown>, Extra>(
    {
      execute: async (args: any): Promise<any> => {
        const root = args.rootValue as OperationRoot;
        args.contextValue = await root.contextFactory();
        return root.execute(args);
      },
      subscribe: async (args: any): Promise<any> => {
        const root = args.rootValue as OperationRoot;
        const { cohort } = root;
        if (!cohort) {
          args.contextValue = await root.contextFactory();
          return root.subscribe(args);
        }
        /** Subscribes with this context's cohort hooks and, for the cohort, the operation without its cursor. */
        const run = async (subscription: GraphQLContext['subscription'], live: boolean) => {
          const contextValue = await root.contextFactory();
          contextValue.subscription = subscription;
          if (live) args.contextValue = contextValue; // the first subscriber's: kept by graphql-ws
          const overrides = live ? { document: cohort.live.document, variableValues: cohort.live.variables } : {};
          return root.subscribe({ ...args, ...overrides, contextValue });
        };
        const result = await cohorts.join(cohort.key, cohort, {
          start: (delivered) => run({ onDeliver: (event) => (delivered.seq = event.seq) }, true),
          catchUp: (until) => run({ until }, false),
          // the cursor may be ahead of this instance's feed (it came from another instance): the
          // catch-up then reads nothing, and the cohort's messages up to the cursor are not repeated
          head: () => Math.max(feed.head, cohort.resumeAfter),
        });
        if (args.contextValue === undefined) {
          // A member of a running cohort needs nothing of its own operation any more: graphql-ws
          // keeps these arguments and the message as long as the subscription lives, so drop what
          // they hold (memory per idle subscriber).
          args.rootValue = undefined;
          root.payload.query = '';
        }
        return result;
      },
      onConnect: async (ctx) => {
        const viewer = await yoga.authenticator.authenticate(ctx.connectionParams?.authorization);
        if (viewer instanceof CredentialError) return false; // closes with 4403 Forbidden
        const s = state(ctx);
        s.viewer = viewer;
        s.counted = true;
        metrics.sockets.inc();
        // the upgrade request and the token are not needed after this: let them go (memory per idle socket)
        (ctx.extra as { request?: unknown }).request = undefined;
        (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        // the socket lives no longer than its token
        if (viewer.kind === 'user' && viewer.expiresAt)
          s.expiry = closeAtExpiry(ctx.extra.socket, viewer.expiresAt.getTime());
        return true;
      },
      onClose: (ctx) => {
        const s = ctx.extra.rollcall;
        cancelExpiry(s?.expiry);
        if (!s) return;
        if (s.counted) metrics.sockets.dec();
        s.counted = false;
        // subscriptions still open when the socket goes end with it
        if (s.subscriptions?.size) metrics.subscriptions.dec(s.subscriptions.size);
        s.subscriptions?.clear();
      },
      onSubscribe: async (ctx, id, params) => {
        const s = state(ctx);
        if (Buffer.byteLength(params.query) > MAX_QUERY_BYTES) return [tooLarge()];
        if (s.active.size >= maxSubscriptions) {
          return [
            new GraphQLError(`Too many subscriptions on this connection: at most ${maxSubscriptions}`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const {
          schema: s2,
          execute,
          subscribe,
          contextFactory,
          parse,
          validate,
        } = yoga.getEnveloped({
          ...ctx,
          socket: ctx.extra.socket,
          params,
          viewer: s.viewer,
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message)];
        }
        let errors: readonly GraphQLError[];
        try {
          errors = validate(s2, document);
        } catch (error) {
          // armor's rules throw their rejection: refuse this operation, keep the socket
          return [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message)];
        }
        if (errors.length) return errors;
        s.active.add(id);
        const operation = getOperationAST(document, params.operationName);
        // the same document, variables and viewer see the same results: share one execution (a
        // resume cursor is the subscriber's own: not part of what is shared)
        let cohort: OperationRoot['cohort'];
        if (operation?.operation === 'subscription') {
          (s.subscriptions ??= new Set()).add(id);
          metrics.subscriptions.inc();
          const live = splitResumeCursor(document, params.operationName, params.variables ?? undefined);
          const query = live.document === document ? params.query : print(live.document);
          cohort = {
            key: cohortKey(
              s.viewer,
              { query, operationName: params.operationName, variables: live.variables },
              selectsOwnData(s2, document),
            ),
            id,
            socket: ctx.extra.socket,
            resume: live.cursor !== null,
            resumeAfter: (live.cursor !== null && decodeCursor(live.cursor)?.seq) || 0,
            live: { document: live.document, variables: live.variables },
          };
        }
        // Yoga's context factory resolves to the GraphQLContext its `context` option builds
        const root: OperationRoot = {
          execute,
          subscribe,
          contextFactory: contextFactory as unknown as () => Promise<GraphQLContext>,
          cohort,
          payload: params,
        };
        return {
          schema: s2,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          // made when the operation runs, and only by a cohort's first subscriber
          contextValue: undefined,
          rootValue: root,
        };
      },
      onComplete: (ctx, id) => ended(state(ctx), id),
      onError: (ctx, id) => ended(state(ctx), id),
    },
    wss,
  );

  return {
    cohorts,
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'Server shutting down');
      await wsServer.dispose();
      wss.close();
    },
  };
}
