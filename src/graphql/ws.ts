// graphql-ws on the GraphQL path, through Yoga's envelop chain (the same plugins, context and
// schema as HTTP), with subscriptions multiplexed into cohorts.
import type { Server } from 'node:http';
import { getOperationAST, GraphQLError, print, type DocumentNode } from 'graphql';
import type { WebSocket } from 'ws';
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
import { Connection, serveGraphQLOverWebSocket } from './ws-transport.ts';

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
  payload: { query: string; variables?: Record<string, unknown> | null };
}

/** What Rollcall keeps per graphql-ws connection, on the connection itself. */
class RollcallConnection extends Connection {
  viewer: Viewer | undefined = undefined;
  /** Counted in rollcall_websockets_active (acknowledged, not yet closed). */
  counted = false;
  /** The ids of the operations running on this socket: a few at most, so an array (a Set weighs 150 bytes). */
  operations: string[] | undefined = undefined;
  /** Those of them that are subscriptions (rollcall_subscriptions_active counts them). */
  subscriptions: string[] | undefined = undefined;
  expiry: SocketExpiry | undefined = undefined;
}

export interface GraphQLWebSocket {
  /** Subscription cohorts (multiplexing), for diagnostics. */
  cohorts: CohortHub;
  /** Closes every socket with 1001 and stops accepting new ones. */
  close(): Promise<void>;
}

/** `ids` with `id` added (a new array of one when there was none). */
function added(ids: string[] | undefined, id: string) {
  if (!ids) return [id];
  ids.push(id);
  return ids;
}

/** Removes `id` from `ids`; whether it was there. */
function removed(ids: string[] | undefined, id: string) {
  const i = ids ? ids.indexOf(id) : -1;
  if (i >= 0) ids?.splice(i, 1);
  return i >= 0;
}

function ended(c: RollcallConnection, id: string) {
  removed(c.operations, id);
  if (removed(c.subscriptions, id)) metrics.subscriptions.dec();
}

export function attachGraphQLWebSocket(
  server: Server,
  yoga: RollcallYoga,
  options: { maxSubscriptions: number; feed: ChangeFeed },
): GraphQLWebSocket {
  const { maxSubscriptions, feed } = options;
  const cohorts = new CohortHub();

  const wsServer = serveGraphQLOverWebSocket(server, yoga.graphqlEndpoint, (socket) => new RollcallConnection(socket), {
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
        args.variableValues = undefined;
        root.payload.query = '';
        root.payload.variables = undefined;
      }
      return result;
    },
    onConnect: async (ctx) => {
      const c = ctx.extra;
      const viewer = await yoga.authenticator.authenticate(ctx.connectionParams?.authorization);
      if (viewer instanceof CredentialError) return false; // closes with 4403 Forbidden
      c.viewer = viewer;
      c.counted = true;
      metrics.sockets.inc();
      // the token is not needed after this: let it go (memory per idle socket; the upgrade request is not kept)
      (ctx as { connectionParams?: unknown }).connectionParams = undefined;
      // the socket lives no longer than its token
      if (viewer.kind === 'user' && viewer.expiresAt) c.expiry = closeAtExpiry(c.socket, viewer.expiresAt.getTime());
      return true;
    },
    onClose: (ctx) => {
      const c = ctx.extra;
      cancelExpiry(c.expiry);
      if (c.counted) metrics.sockets.dec();
      c.counted = false;
      // subscriptions still open when the socket goes end with it
      if (c.subscriptions?.length) metrics.subscriptions.dec(c.subscriptions.length);
      c.subscriptions = undefined;
    },
    onSubscribe: async (ctx, id, params) => {
      const c = ctx.extra;
      if (Buffer.byteLength(params.query) > MAX_QUERY_BYTES) return [tooLarge()];
      if ((c.operations?.length ?? 0) >= maxSubscriptions) {
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
        socket: c.socket,
        params,
        viewer: c.viewer,
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
      c.operations = added(c.operations, id);
      const operation = getOperationAST(document, params.operationName);
      // the same document, variables and viewer see the same results: share one execution (a
      // resume cursor is the subscriber's own: not part of what is shared)
      let cohort: OperationRoot['cohort'];
      if (operation?.operation === 'subscription') {
        c.subscriptions = added(c.subscriptions, id);
        metrics.subscriptions.inc();
        const live = splitResumeCursor(document, params.operationName, params.variables ?? undefined);
        const query = live.document === document ? params.query : print(live.document);
        cohort = {
          key: cohortKey(
            c.viewer,
            { query, operationName: params.operationName, variables: live.variables },
            selectsOwnData(s2, document),
          ),
          id,
          socket: c.socket,
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
    onComplete: (ctx, id) => ended(ctx.extra, id),
    onError: (ctx, id) => ended(ctx.extra, id),
  });

  return {
    cohorts,
    close: () => wsServer.close(),
  };
}
