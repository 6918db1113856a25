// The Yoga app: GraphQL over HTTP (and SSE), GraphiQL, the envelop chain that graphql-ws shares
// (ws.ts), and the other routes of the one port, given as a plugin (http/routes.ts).
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { CredentialError, type Authenticator } from '../auth/credentials.ts';
import { useStreamsEndAtTokenExpiry } from '../auth/stream-expiry.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Config } from '../config.ts';
import { registry } from '../ops/metrics.ts';
import type { GraphQLContext } from './context.ts';
import { schema } from './schema.ts';
import { useStorableTextOnly } from './storable-text.ts';

export interface YogaAppParts {
  config: Pick<Config, 'graphiql' | 'nodeEnv'>;
  authenticator: Authenticator;
  logger: Logger;
  /** What every operation's context holds besides the viewer. */
  context: Omit<GraphQLContext, 'viewer'>;
  /** The routes beside /graphql (webhook, health, files...). */
  routes: Plugin;
}

/** The largest GraphQL document accepted: dashboards send a few KB. */
export const MAX_QUERY_BYTES = 32 * 1024;

type ServerContext = { viewer?: Viewer };
export type RollcallYoga = YogaServerInstance<ServerContext, GraphQLContext> & { authenticator: Authenticator };

const unauthenticated = (reason: string) =>
  new GraphQLError(`Missing or invalid credentials (${reason}): send Authorization: Bearer <token>`, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

export const tooLarge = () =>
  new GraphQLError(`Query too large: at most ${MAX_QUERY_BYTES} bytes`, {
    extensions: { code: 'QUERY_TOO_LARGE', http: { status: 413 } },
  });

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

export function createYogaApp({ config, authenticator, logger, context, routes }: YogaAppParts): RollcallYoga {
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
    graphiql: config.graphiql
      ? { title: 'Rollcall', subscriptionsProtocol: 'SSE', defaultQuery: DEFAULT_QUERY }
      : false,
    // Inlined assets: the stock page loads from a CDN, blank behind a school firewall. The module
    // holds the whole 9 MB page: loaded on the first visit, not at start-up (~0.7 s, ~35 MB).
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
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
      return { ...context, viewer: who };
    },
    plugins: [
      useMaxQuerySize(),
      // GraphQL operations on Rollcall's registry (served by http/routes.ts, behind METRICS_TOKEN).
      // Operation names and URLs are the client's to choose: not labels.
      usePrometheus({
        registry,
        endpoint: false,
        labels: { operationName: false, url: false, path: false },
        metrics: {
          graphql_envelop_request: true,
          graphql_envelop_request_duration: true,
          graphql_envelop_error_result: true,
          graphql_yoga_http_duration: true,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_phase_execute: false,
          graphql_envelop_phase_subscribe: false,
          graphql_envelop_deprecated_field: false,
          graphql_envelop_schema_change: false,
        },
      }),
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
      routes,
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
