// Runs the real service as a child process, compiled as users run it (`node dist/main.js`, which
// `npm start` execs; the tests' global setup builds dist/ from the sources under test), and keeps track of every child so that a test run never leaves one behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_KEY, API_SECRET, signedHeaders } from './plugnmeet.ts';
import { postGraphQL } from './graphql-http.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every child started here; killAll() ends those still running. */
const children = new Set<ChildProcess>();

// Last resort: if the test worker itself goes away, its children go with it.
process.once('exit', () => {
  for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
});

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  wsUrl: string;
  /** Everything written so far (pino logs on stdout, failures on stderr). */
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  isRunning(): boolean;
  /** Resolves with the exit status, or rejects when the process is still running after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<Exit>;
  /** Sends SIGTERM and waits up to `timeoutMs` for the exit. */
  stop(timeoutMs?: number): Promise<Exit>;
  /** Sends SIGKILL if still running and waits for the exit. */
  kill(): Promise<Exit>;
  /** Polls GET /ready until it answers 200 (rejects early if the process exits). */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** POSTs a body to the webhook receiver, signed as PlugNMeet signs it. */
  postWebhook(body: string): Promise<Response>;
  /** POSTs a GraphQL operation; `token` goes into `Authorization: Bearer`. */
  graphql(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: any }>;
  /** A short description for failure messages. */
  describe(): string;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (!address || typeof address === 'string') {
        server.close();
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** A fresh, empty folder for DATA_DIR. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'rollcall-process-'));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * The environment the child sees: only what a shell gives any program plus the given variables,
 * so that nothing from the test runner (NODE_ENV=test, DATABASE_URL, REDIS_URL, VITEST...) leaks in.
 * A value of `undefined` leaves the variable unset.
 */
function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'SystemRoot']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  for (const [name, value] of Object.entries(vars)) {
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export interface SpawnOptions {
  /** Variables for the child; PORT/HOST are filled in when absent. */
  env?: Record<string, string | undefined>;
}

/** The default environment of a test instance: its own DATA_DIR, a free port, the test credentials. */
export async function serviceEnv(dataDir: string, extra: Record<string, string | undefined> = {}) {
  return {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    PLUGNMEET_API_KEY: API_KEY,
    PLUGNMEET_API_SECRET: API_SECRET,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Spawns `node dist/main.js` (what `npm start` execs; the tests' global setup builds it) from the repository root. */
export function spawnService(options: SpawnOptions = {}): ServiceProcess {
  const vars: Record<string, string | undefined> = { HOST: '127.0.0.1', ...options.env };
  const port = Number(vars.PORT);
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: REPO_ROOT,
    env: childEnv(vars),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => {
    // 'close' fires after the exit and once stdout/stderr are drained, so the output is complete.
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      err += `\n[spawn error] ${error.message}`;
      children.delete(child);
      resolve({ code: null, signal: null });
    });
  });
  const url = `http://${vars.HOST}:${port}`;

  const service: ServiceProcess = {
    child,
    pid: child.pid ?? -1,
    port,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    stdout: () => out,
    stderr: () => err,
    exited,
    isRunning: () => isRunning(child),
    describe: () =>
      `rollcall pid ${child.pid} on ${url} (exit ${child.exitCode ?? child.signalCode ?? 'none yet'})\n` +
      `--- stderr ---\n${err.slice(-4_000)}\n--- stdout (tail) ---\n${out.slice(-4_000)}`,
    async waitForExit(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`still running ${timeoutMs} ms later: ${service.describe()}`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop(timeoutMs = 10_000) {
      if (isRunning(child)) child.kill('SIGTERM');
      return service.waitForExit(timeoutMs);
    },
    async kill() {
      if (isRunning(child)) child.kill('SIGKILL');
      return exited;
    },
    async waitUntilReady(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (!isRunning(child)) {
          await exited;
          throw new Error(`the service exited before it was ready: ${service.describe()}`);
        }
        try {
          const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
          if (response.status === 200) return;
          last = `${response.status} ${await response.text()}`;
        } catch (error) {
          last = (error as Error).message;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`not ready within ${timeoutMs} ms (last: ${last}): ${service.describe()}`);
    },
    async postWebhook(body) {
      return fetch(`${url}/webhooks/plugnmeet`, {
        method: 'POST',
        headers: await signedHeaders(body, { apiKey: API_KEY, apiSecret: API_SECRET }),
        body,
      });
    },
    async graphql(query, variables, token) {
      const response = await postGraphQL(url, query, variables, token);
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: response.status, body };
    },
  };
  return service;
}

/** Starts a service and waits until GET /ready answers 200. */
export async function startService(options: SpawnOptions = {}, readyTimeoutMs = 60_000): Promise<ServiceProcess> {
  const service = spawnService(options);
  try {
    await service.waitUntilReady(readyTimeoutMs);
  } catch (error) {
    await service.kill();
    throw error;
  }
  return service;
}

/** Kills (SIGKILL) every child still running and waits for them to go. */
export async function killAll(): Promise<void> {
  const running = [...children].filter(isRunning);
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(
    running.map(
      (child) => new Promise<void>((resolve) => (isRunning(child) ? child.once('close', () => resolve()) : resolve())),
    ),
  );
}
