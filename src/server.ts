// Builds the service from its parts: Yoga (GraphQL over HTTP, GraphiQL, the webhook, health and
// recording routes) and graphql-ws on the same path, both through Yoga's envelop chain.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useStreamsEndAtTokenExpiry } from './auth/stream-expiry.ts';
import { getOperationAST, GraphQLError, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Change } from './attendance/events.ts';
import { createAuthenticator, CredentialError, type AuthConfig, type Authenticator } from './auth/credentials.ts';
import { canSeeCourse, type Viewer } from './auth/viewer.ts';
import { publishChanges, type Bus } from './bus.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { cancelExpiry, closeAtExpiry, type SocketExpiry } from './auth/socket-expiry.ts';
import { CohortHub } from './graphql/cohorts.ts';
import { useStorableTextOnly } from './graphql/storable-text.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { schema } from './graphql/schema.ts';
import { useRollcallRoutes } from './http/routes.ts';
import { createWebhookVerifier } from './webhook/verify.ts';

export interface AppParts {
  config: Pick<Config, 'adminApiToken' | 'graphiql' | 'plugnmeet' | 'nodeEnv'> &
    Partial<Pick<Config, 'dashboard' | 'maxSubscriptionsPerConnection'>>;
  db: Database;
  bus: Bus;
  logger: Logger;
  /** Stored recordings and their downloader; without it recordings are listed but not served. */
  recordings?: {
    /** Folder of the stored recordings (DATA_DIR/recordings). */
    dir: string;
    /** Wakes the downloader. */
    kick(): void;
  };
}

const NO_RECORDINGS = { dir: '', kick: () => {} };


/** The largest GraphQL document accepted: dashboards send a few KB. */
export const MAX_QUERY_BYTES = 32 * 1024;

type ServerContext = { viewer?: Viewer };
export type RollcallYoga = YogaServerInstance<ServerContext, GraphQLContext> & { authenticator: Authenticator };

const unauthenticated = (reason: string) =>
  new GraphQLError(`Missing or invalid credentials (${reason}): send Authorization: Bearer <token>`, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

const tooLarge = () =>
  new GraphQLError(`Query too large: at most ${MAX_QUERY_BYTES} bytes`, { extensions: { code: 'QUERY_TOO_LARGE', http: { status: 413 } } });

/** Refuses oversized documents before they are parsed. */
const useMaxQuerySize = (): Plugin => ({
  onParams({ params }) {
    if (typeof params.query === 'string' && Buffer.byteLength(params.query) > MAX_QUERY_BYTES) throw tooLarge();
  },
});

/**
 * graphql-armor words every refusal as a "Syntax Error" without a code; it is a limit this API sets
 * on operations, said as such (thrown here, it replaces armor's own error).
 */
function refuseOperation(_context: unknown, error: GraphQLError): never {
  throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'OPERATION_TOO_LARGE' } });
}

export function createApp({ config, db, bus, logger, recordings = NO_RECORDINGS }: AppParts): RollcallYoga {
  const publish = (changes: Change[]) => publishChanges(bus.pubsub, changes);
  const authConfig: AuthConfig = { adminApiToken: config.adminApiToken, dashboard: config.dashboard ?? {} };
  const authenticator = createAuthenticator(authConfig, db.prisma);
  const production = config.nodeEnv === 'production';

  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Yoga's own check answers an empty 200 to any URL that ends with its path; ours (http/routes.ts)
    // answers /health with a body. A path no request uses keeps Yoga's out of the way.
    healthCheckEndpoint: '/.well-known/yoga-health-check-unused',
    // Subscriptions over SSE: GraphiQL sends its Headers tab (the credential) with each request, but
    // never in a WebSocket's connection_init. Dashboards use graphql-ws on the same path.
    graphiql: config.graphiql ? { title: 'Rollcall', subscriptionsProtocol: 'SSE', defaultQuery: DEFAULT_QUERY } : false,
    // Inlined assets: the stock page loads from a CDN, blank behind a school firewall.
    renderGraphiQL,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((a) => a instanceof Error) }, args.map(String).join(' ')),
    },
    context: async ({ request, viewer }): Promise<GraphQLContext> => {
      // graphql-ws: authenticated once, at connection
      const who = viewer ?? (await authenticator.authenticate(request.headers.get('authorization')));
      if (who instanceof CredentialError) throw unauthenticated(who.message);
      return { prisma: db.prisma, pubsub: bus.pubsub, viewer: who, publish, kickRecordings: recordings.kick };
    },
    plugins: [
      useMaxQuerySize(),
      useStorableTextOnly(),
      useStreamsEndAtTokenExpiry(),
      EnvelopArmorPlugin({
        maxDepth: { n: 12, onReject: [refuseOperation] },
        maxAliases: { n: 30, onReject: [refuseOperation] },
        maxTokens: { n: 3_000, onReject: [refuseOperation] },
        maxDirectives: { n: 20, onReject: [refuseOperation] },
        costLimit: { maxCost: 20_000, onReject: [refuseOperation] },
        blockFieldSuggestion: { enabled: production },
      }),
      useRollcallRoutes({
        prisma: db.prisma,
        pubsub: bus.pubsub,
        verify: createWebhookVerifier(config.plugnmeet),
        logger,
        onRecordingWork: recordings.kick,
        recordings: {
          dir: recordings.dir,
          authorize: async (request, courseId) => {
            const viewer = await authenticator.authenticate(request.headers.get('authorization'));
            if (viewer instanceof CredentialError) return 'unauthenticated';
            return canSeeCourse(viewer, courseId) ? 'ok' : 'forbidden';
          },
        },
        readiness: {
          database: () => db.ping(),
          ...(bus.kind === 'redis' ? { redis: () => bus.ping() } : {}),
        },
      }),
    ],
  });
  return Object.assign(yoga, { authenticator });
}

const DEFAULT_QUERY = `# Rollcall: live attendance from PlugNMeet.
query LiveNow {
  liveSessions {
    id roomId subject isLive startedAt onlineCount
    course { slug title }
    onlineParticipants { user { id name } role firstJoinedAt attendedSeconds }
  }
}
`;

export interface RunningServer {
  url: string;
  port: number;
  yoga: RollcallYoga;
  /** Subscription cohorts (multiplexing), for diagnostics. */
  cohorts: CohortHub;
  /** Stops accepting, closes WebSockets (1001), waits for in-flight requests (up to `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Subscribers see the same results when they run the same operation with the same variables and
 * may read the same courses. Only a selection of User.attendances (each user's own) depends on
 * who the user is; such operations are shared per user instead.
 */
function cohortKey(
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
function selectsOwnData(schema: GraphQLSchema, document: DocumentNode): boolean {
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

interface OperationRoot {
  execute(args: unknown): any;
  subscribe(args: unknown): any;
  contextFactory(): unknown;
  cohort?: { key: string; id: string; socket: WebSocket };
  /** The subscribe message's payload, which graphql-ws keeps for the subscription's lifetime. */
  payload: { query: string };
}

/** What Rollcall keeps per graphql-ws connection. */
interface ConnectionState {
  viewer?: Viewer;
  active: Set<string>;
  expiry?: SocketExpiry;
}
type Extra = { socket: WebSocket; request: unknown; rollcall?: ConnectionState };

/** The server could not listen where PORT and HOST say; the message names them and why. */
export class ListenError extends Error {
  constructor(cause: NodeJS.ErrnoException, listen: { port: number; host: string }) {
    const where = `cannot listen on ${listen.host}:${listen.port}`;
    const why: Record<string, string> = {
      EADDRINUSE: `the address is in use (another process on PORT ${listen.port}?)`,
      EACCES: `permission denied (a PORT below 1024 needs privileges)`,
      EADDRNOTAVAIL: `HOST ${listen.host} is not an address of this machine`,
      ENOTFOUND: `HOST ${listen.host} is not an address of this machine`,
      EAI_AGAIN: `HOST ${listen.host} could not be resolved`,
    };
    super(`${where}: ${why[cause.code ?? ''] ?? cause.message}`, { cause });
    this.name = 'ListenError';
  }
}

export async function startServer(parts: AppParts, listen: { port: number; host: string }): Promise<RunningServer> {
  const yoga = createApp(parts);
  const maxSubscriptions = parts.config.maxSubscriptionsPerConnection ?? 50;
  const server: Server = createServer(yoga);
  // Listening first: a WebSocket server attached earlier would report a failure to listen as its own.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ListenError(error as NodeJS.ErrnoException, listen)));
    server.listen(listen.port, listen.host, () => resolve());
  });
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
        const start = async () => {
          args.contextValue = await root.contextFactory();
          return root.subscribe(args);
        };
        if (!root.cohort) return start();
        const result = await cohorts.join(root.cohort.key, root.cohort, start);
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
        // the upgrade request and the token are not needed after this: let them go (memory per idle socket)
        (ctx.extra as { request?: unknown }).request = undefined;
        (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        // the socket lives no longer than its token
        if (viewer.kind === 'user' && viewer.expiresAt) s.expiry = closeAtExpiry(ctx.extra.socket, viewer.expiresAt.getTime());
        return true;
      },
      onClose: (ctx) => {
        cancelExpiry(ctx.extra.rollcall?.expiry);
      },
      onSubscribe: async (ctx, id, params) => {
        const s = state(ctx);
        if (Buffer.byteLength(params.query) > MAX_QUERY_BYTES) return [tooLarge()];
        if (s.active.size >= maxSubscriptions) {
          return [new GraphQLError(`Too many subscriptions on this connection: at most ${maxSubscriptions}`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
        }
        const { schema: s2, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          socket: ctx.extra.socket,
          params,
          viewer: s.viewer,
        });
        let document;
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
        // the same document, variables and viewer see the same results: share one execution
        const cohort =
          operation?.operation === 'subscription'
            ? { key: cohortKey(s.viewer, params, selectsOwnData(s2, document)), id, socket: ctx.extra.socket }
            : undefined;
        const root: OperationRoot = { execute, subscribe, contextFactory, cohort, payload: params };
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
      onComplete: (ctx, id) => {
        state(ctx).active.delete(id);
      },
      onError: (ctx, id) => {
        state(ctx).active.delete(id);
      },
    },
    wss,
  );

  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;

  return {
    url: `http://${host}:${port}`,
    port,
    yoga,
    cohorts,
    async stop(graceMs = 8_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of wss.clients) socket.close(1001, 'Server shutting down');
      await wsServer.dispose();
      wss.close();
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
