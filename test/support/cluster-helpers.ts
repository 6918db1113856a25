// Helpers for tests that run several real service processes over one PostgreSQL database and one
// Redis: a scratch database of the test file's own, a Redis server of the test's own (to kill and
// restart), graphql-ws subscribers that record what they receive, and bounded loops.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { freePort } from './process-helpers.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `intervalMs` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'not checked yet';
  for (let attempt = 0; attempt < 100_000; attempt++) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (last: ${String(last)})`);
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in the order given. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The error-level pino lines of a service's log, each shortened, for failure messages. */
export function errorLines(stdout: string, max = 5): string[] {
  return logLines(stdout)
    .filter((l) => Number(l.level) >= 50)
    .slice(0, max)
    .map((l) =>
      JSON.stringify({ msg: l.msg, eventId: l.eventId, err: l.err?.message ?? l.err?.type, code: l.err?.code }).slice(
        0,
        1_500,
      ),
    );
}

/** The pino lines a service wrote to stdout (lines that are not JSON are skipped). */
export function logLines(stdout: string): Array<Record<string, any>> {
  const lines: Array<Record<string, any>> = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      // a partial line at the end
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a database of the test file's own

export interface ScratchDatabase {
  name: string;
  /** The database's URL, for DATABASE_URL. */
  url: string;
  /** A query on a connection of the test's own to this database. */
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Closes the test's connection and drops the database (forcing other connections off). */
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates an EMPTY database (no migrations) named `<prefix>_<random>` on the server of `serverUrl`. */
export async function createScratchDatabase(serverUrl: string, prefix = 'rollcall_scale'): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  // a pool, not one client: pg_terminate_backend in a test must not take the test's own connection
  // with it for good (it spares pg_backend_pid(), but a pool recovers either way)
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  return {
    name,
    url,
    query: (sql, params) => pool.query(sql, params as unknown[]),
    async drop() {
      await pool.end().catch(() => {});
      await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Redis: a server of the test's own, to kill and restart

export function redisServerAvailable(): boolean {
  const result = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return result.status === 0;
}

/** Sends PING on a raw connection; true on +PONG. */
function redisPing(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export interface RedisServer {
  port: number;
  url: string;
  isRunning(): boolean;
  /** SIGKILL: no goodbye to the clients. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill). */
  start(): Promise<void>;
  output(): string;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  const running = () => !!child && child.exitCode === null && child.signalCode === null;
  // if the test worker goes away, the Redis server goes with it
  process.once('exit', () => {
    if (running()) child!.kill('SIGKILL');
  });

  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    isRunning: running,
    output: () => out,
    async kill() {
      if (running()) child!.kill('SIGKILL');
      await exited;
    },
    async start() {
      if (running()) return;
      const c = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = c;
      c.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      c.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      exited = new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.once('error', (error) => {
          out += `\n[spawn error] ${error.message}`;
          resolve();
        });
      });
      try {
        await pollUntil(
          `redis-server on port ${port} answers PING`,
          async () => {
            if (c.exitCode !== null || c.signalCode !== null)
              throw new Error(`redis-server exited: ${out.slice(-1_000)}`);
            return redisPing(port);
          },
          { timeoutMs: 10_000, intervalMs: 50 },
        );
      } catch (error) {
        await server.kill();
        throw error;
      }
    },
  };
  await server.start();
  return server;
}

// ---------------------------------------------------------------------------------------------
// graphql-ws: a dashboard's subscription, recorded

export interface Subscriber {
  client: Client;
  /** Every `next` payload, in order. */
  received: any[];
  /** Close codes the client saw. */
  closeCodes: number[];
  errors: unknown[];
  /** Resolves once the socket is open and acknowledged. */
  connected: Promise<void>;
  /** Waits for a received payload matching `predicate` (bounded). */
  waitFor(what: string, predicate: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
  dispose(): Promise<void>;
}

/** Connects a graphql-ws client (no retries, so an outage is visible) and subscribes once. */
export function subscribeOver(
  wsUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Subscriber {
  const received: any[] = [];
  const closeCodes: number[] = [];
  const errors: unknown[] = [];
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    // the socket's close is recorded below; graphql-ws would print it to the console
    onNonLazyError: (error) => errors.push(error),
    on: {
      connected: () => onConnected(),
      closed: (event) => closeCodes.push((event as { code: number }).code),
    },
  });
  client.subscribe(
    { query, variables },
    {
      next: (value) => received.push(value),
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return {
    client,
    received,
    closeCodes,
    errors,
    connected,
    waitFor: (what, predicate, timeoutMs = 10_000) =>
      pollUntil(
        `${what} (received ${received.length}: ${JSON.stringify(received.slice(-3))}; errors: ${errors.map(String).join(', ')})`,
        () => received.find(predicate),
        { timeoutMs, intervalMs: 25 },
      ),
    dispose: async () => {
      await client.dispose();
    },
  };
}
