// Starts the real service (Yoga, webhook route, graphql-ws) on an ephemeral port over a database of
// the test's own, and drives it as PlugNMeet and a dashboard would.
import { randomBytes } from 'node:crypto';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import WebSocket from 'ws';
import { createBus, type Bus } from '../../src/bus.ts';
import { logHead } from '../../src/changes/log.ts';
import type { Database } from '../../src/db/database.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startService, type RunningService, type ServiceParts } from '../../src/service.ts';
import type { Reconciler } from '../../src/ingest/reconciler.ts';
import { testRedisUrl } from './backends.ts';
import { openTestDatabase } from './database.ts';
import { API_KEY, API_SECRET, signedHeaders, type SignOptions } from './plugnmeet.ts';
import { postGraphQL } from './graphql-http.ts';
import { LiveSessionQuery } from './documents.ts';
import type { LiveSessionQuery as LiveSessionData } from '../graphql/graphql.ts';
import { expect } from 'vitest';

type LiveSessionResult = LiveSessionData['liveSession'];

export interface TestServerOptions {
  adminApiToken?: string;
  /** Dashboard token verification (HS256 secret or JWKS URL, issuer, audience). */
  dashboard?: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  maxSubscriptionsPerConnection?: number;
  onQuery?: (sql: string) => void;
  db?: Database;
  /** Where recordings are stored (default: a new temp folder). */
  dataDir?: string;
  /** A PlugNMeet server for recordings (a fake one on loopback in tests). */
  plugnmeetServerUrl?: string;
  downloader?: ServiceParts['downloader'];
  /** The analytics import's retries, lease and file cap (fast ones in tests). */
  analytics?: ServiceParts['analytics'];
  onJobOutcome?: ServiceParts['onJobOutcome'];
  /** Reconciliation with the PlugNMeet server (plugnmeetServerUrl): on when given; tests call its sweep(). */
  reconcile?: { intervalMs?: number; graceMs?: number };
  /** INFERRED_END_AFTER_SECONDS in ms (default: off). */
  inferredEndAfterMs?: number;
  /** METRICS_TOKEN (default: /metrics open). */
  metricsToken?: string;
  /** RETENTION_DAYS (default: keep). */
  retentionDays?: number;
}

export interface TestServer {
  url: string;
  wsUrl: string;
  db: Database;
  bus: Bus;
  server: RunningService;
  dataDir: string;
  reconciler?: Reconciler;
  /** POST a body to the webhook, signed as PlugNMeet signs it (or with the given headers). */
  postWebhook(body: string, opts?: { headers?: Record<string, string>; sign?: SignOptions }): Promise<Response>;
  /** Run a GraphQL operation over HTTP. */
  graphql<R, V>(document: TypedDocumentNode<R, V>, variables?: V, token?: string): Promise<ExecutionResult<R>>;
  /** What a dashboard sees of a room (LiveSessionQuery, which must answer without errors); null if none. */
  liveSession(roomId: string): Promise<LiveSessionResult>;
  /** A graphql-ws client on this server. */
  wsClient(token?: string): Client;
  /** Changes were committed to the change log (as the service's jobs say): number and deliver them. */
  changesCommitted(): void;
  /** Resolves once every change committed so far is numbered and delivered on this server. */
  changesDelivered(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = options.db ?? (await openTestDatabase({ onQuery: options.onQuery }));
  const bus = createBus({ redisUrl: testRedisUrl, channelPrefix: `rollcall-test-${randomBytes(4).toString('hex')}:` });
  await bus.connected();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'rollcall-data-'));
  const app = await startService({
    config: {
      adminApiToken: options.adminApiToken,
      dashboard: options.dashboard,
      maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection,
      // an hour: the tests call sweep() themselves
      reconcileIntervalMs: options.reconcile ? (options.reconcile.intervalMs ?? 3_600_000) : 0,
      inferredEndAfterMs: options.inferredEndAfterMs ?? 0,
      metricsToken: options.metricsToken,
      retentionDays: options.retentionDays ?? 0,
      graphiql: true,
      nodeEnv: 'test',
      dataDir,
      plugnmeet: {
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        usingDevCredentials: false,
        serverUrl: options.plugnmeetServerUrl,
      },
    },
    db,
    bus,
    logger,
    listen: { port: 0, host: '127.0.0.1' },
    downloader: options.downloader,
    analytics: options.analytics,
    onJobOutcome: options.onJobOutcome,
    reconcile: options.reconcile,
  });
  const server = app;
  const clients: Client[] = [];
  const graphql: TestServer['graphql'] = async (document, variables, token) => {
    const response = await postGraphQL(server.url, print(document), variables, token);
    return (await response.json()) as ExecutionResult<any>;
  };
  return {
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/graphql`,
    db,
    bus,
    server,
    dataDir,
    reconciler: app.reconciler,
    async postWebhook(body, opts = {}) {
      const headers = opts.headers ?? (await signedHeaders(body, opts.sign));
      return fetch(`${server.url}/webhooks/plugnmeet`, { method: 'POST', headers, body });
    },
    graphql,
    changesCommitted: () => app.sequencer.kick(),
    async changesDelivered() {
      app.sequencer.kick();
      await app.sequencer.idle();
      const { seq } = await logHead(db.prisma);
      for (let waited = 0; app.feed.head < seq && waited < 5_000; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await app.feed.settled();
    },
    async liveSession(roomId) {
      const { data, errors } = await graphql(LiveSessionQuery, { roomId });
      expect(errors).toBeUndefined();
      return data!.liveSession ?? null;
    },
    wsClient(token) {
      const client = createClient({
        url: `${server.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: false,
        // a closed socket reaches the subscriptions as an error; graphql-ws would also print it to stderr
        onNonLazyError: () => {},
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.stop(1_000);
      await bus.close();
      if (!options.db) await db.close();
    },
  };
}

/** Collects a subscription's results; `next(n)` waits until n have arrived. */
export function subscribe<R, V>(client: Client, document: TypedDocumentNode<R, V>, variables: V) {
  const received: ExecutionResult<R>[] = [];
  let waiters: Array<() => void> = [];
  let failure: unknown;
  let acknowledged!: () => void;
  const ready = new Promise<void>((resolve) => (acknowledged = resolve));
  const unsubscribe = client.subscribe<R>(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (value) => {
        received.push(value as ExecutionResult<R>);
        waiters.forEach((w) => w());
      },
      error: (error) => {
        failure = error;
        waiters.forEach((w) => w());
      },
      complete: () => waiters.forEach((w) => w()),
    },
  );
  client.on('connected', () => acknowledged());
  return {
    received,
    /** Resolves once the socket is acknowledged and the subscription has had a moment to register. */
    ready: () => ready.then(() => new Promise((r) => setTimeout(r, 250))),
    async next(count: number, timeoutMs = 5_000): Promise<ExecutionResult<R>[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (failure) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `expected ${count} subscription results, got ${received.length}: ${JSON.stringify(received)}`,
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        waiters = [];
      }
      return received.slice(0, count);
    },
    unsubscribe,
  };
}

/**
 * The statements a request caused: without transaction control, and without what runs on its own
 * clock: the recording downloader's poll of its job queue, the sequencer numbering changes and the
 * change feed's look at the log.
 */
export function requestStatements(statements: readonly string[]): string[] {
  return statements.filter(
    (s) =>
      !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.trim()) &&
      !s.includes('FOR UPDATE SKIP LOCKED') &&
      !s.includes('rollcall_sequence_changes') &&
      !s.includes('"Change"'),
  );
}
