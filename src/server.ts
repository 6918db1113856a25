// Builds the service from its parts: Yoga (GraphQL over HTTP, GraphiQL, the webhook and health
// routes) and graphql-ws on the same path, both through Yoga's envelop chain.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Change } from './attendance/events.ts';
import { publishChanges, type Bus } from './bus.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { GraphQLContext, Viewer } from './graphql/context.ts';
import { schema } from './graphql/schema.ts';
import { identify } from './http/auth.ts';
import { useRollcallRoutes } from './http/routes.ts';
import { createWebhookVerifier } from './webhook/verify.ts';

export interface AppParts {
  config: Pick<Config, 'adminApiToken' | 'graphiql' | 'plugnmeet' | 'nodeEnv'>;
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

type ServerContext = { connectionParams?: Record<string, unknown> };
export type RollcallYoga = YogaServerInstance<ServerContext, GraphQLContext>;

const unauthenticated = () =>
  new GraphQLError('Missing or invalid credentials: send Authorization: Bearer <token>', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

export function createApp({ config, db, bus, logger, recordings = NO_RECORDINGS }: AppParts): RollcallYoga {
  const publish = (changes: Change[]) => publishChanges(bus.pubsub, changes);
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.graphiql
      ? { title: 'Rollcall', subscriptionsProtocol: 'WS', defaultQuery: DEFAULT_QUERY }
      : false,
    // Inlined assets: the stock page loads from a CDN, blank behind a school firewall.
    renderGraphiQL,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((a) => a instanceof Error) }, args.map(String).join(' ')),
    },
    context: ({ request, connectionParams }): Omit<GraphQLContext, never> => {
      const credential = connectionParams ? connectionParams.authorization : request.headers.get('authorization');
      const viewer: Viewer | null = identify(credential, config.adminApiToken);
      if (!viewer) throw unauthenticated();
      return { prisma: db.prisma, pubsub: bus.pubsub, viewer, publish, kickRecordings: recordings.kick };
    },
    plugins: [
      useRollcallRoutes({
        prisma: db.prisma,
        pubsub: bus.pubsub,
        verify: createWebhookVerifier(config.plugnmeet),
        logger,
        onRecordingWork: recordings.kick,
        recordings: {
          dir: recordings.dir,
          authorize: (request) => identify(request.headers.get('authorization'), config.adminApiToken) !== null,
        },
        readiness: {
          database: () => db.ping(),
          ...(bus.kind === 'redis' ? { redis: () => bus.ping() } : {}),
        },
      }),
    ],
  });
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
  /** Stops accepting, closes WebSockets (1001), waits for in-flight requests (up to `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export async function startServer(parts: AppParts, listen: { port: number; host: string }): Promise<RunningServer> {
  const yoga = createApp(parts);
  const server: Server = createServer(yoga);
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });

  const wsServer = useServer<Record<string, unknown>, { request: unknown }>(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onConnect: (ctx) => identify(ctx.connectionParams?.authorization, parts.config.adminApiToken) !== null,
      onSubscribe: async (ctx, _id, params) => {
        const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: (ctx.extra as any).socket,
          params,
          connectionParams: ctx.connectionParams ?? {},
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(s, document);
        if (errors.length) return errors;
        return {
          schema: s,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;

  return {
    url: `http://${host}:${port}`,
    port,
    yoga,
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
