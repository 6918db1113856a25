// Talking to Rollcall: queries over HTTP, live changes over graphql-ws resuming from the last cursor.
// The dashboard token lives in this tab's sessionStorage only: never in a URL the server sees.
import { type Client, createClient } from 'graphql-ws';
import type { TypedDocumentString } from './graphql/graphql.ts';

const TOKEN_KEY = 'rollcall.dashboardToken';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An LMS link carries the token in the fragment (#token=…): keep it in the tab, drop it from the address. */
export function takeTokenFromFragment(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return;
  token.set(decodeURIComponent(match[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const authorization = () => ({ authorization: `Bearer ${token.get() ?? ''}` });

export async function query<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...authorization() },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    data?: R;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.errors?.length) throw new ApiError(body.errors[0].message, body.errors[0].extensions?.code);
  if (!response.ok || !body.data) throw new ApiError(`The server answered ${response.status}`);
  return body.data;
}

/** Downloads a CSV export with the token (a plain link could not send it). */
export async function download(path: string, fileName: string): Promise<void> {
  const response = await fetch(path, { headers: authorization() });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(body.message ?? `The export failed (${response.status})`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type Connection = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'signed-out';
type Listener = (state: Connection) => void;

let client: Client | undefined;
const listeners = new Set<Listener>();
let state: Connection = 'idle';
const setState = (next: Connection) => {
  state = next;
  for (const listener of listeners) listener(next);
};

export function onConnection(listener: Listener): () => void {
  listeners.add(listener);
  listener(state);
  return () => listeners.delete(listener);
}

// A connection that dies without a close (a dropped network) is found by its unanswered ping.
const PING_MS = 5_000;
const PONG_TIMEOUT_MS = 3_000;
const AUTH_CLOSE_CODES = new Set([4400, 4401, 4403]);

function socket(): Client {
  if (client) return client;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let current: WebSocket | undefined;
  client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => authorization(),
    lazy: true,
    keepAlive: PING_MS,
    retryAttempts: Number.POSITIVE_INFINITY,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5_000) * (0.5 + Math.random() / 2))),
    shouldRetry: (event) => !(event instanceof CloseEvent && AUTH_CLOSE_CODES.has(event.code)),
    on: {
      connecting: () => setState(state === 'live' || state === 'reconnecting' ? 'reconnecting' : 'connecting'),
      connected: (ws) => {
        current = ws as WebSocket;
        setState('live');
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        setState(event instanceof CloseEvent && AUTH_CLOSE_CODES.has(event.code) ? 'signed-out' : 'reconnecting');
      },
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => current?.close(4408, 'No pong'), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });
  return client;
}

export function disconnect(): void {
  void client?.dispose();
  client = undefined;
  setState('idle');
}

export interface Stream<R> {
  next(value: R): void;
  /** The cursor is too old or unknown, or the stream failed: refetch and subscribe again. */
  failed(error: ApiError): void;
}

/**
 * Subscribes and, on every reconnect, resumes after the last change received: graphql-ws sends the
 * same payload again, so its `after` is kept current.
 */
export function subscribe<R, V extends { after?: string | null }>(
  document: TypedDocumentString<R, V>,
  variables: V,
  cursorOf: (value: R) => string,
  stream: Stream<R>,
): () => void {
  const payload = { query: document.toString(), variables: { ...variables } as Record<string, unknown> };
  return socket().subscribe<R>(payload, {
    next: (result) => {
      if (result.errors?.length) {
        const [error] = result.errors;
        stream.failed(new ApiError(error.message, (error.extensions as { code?: string } | undefined)?.code));
        return;
      }
      if (!result.data) return;
      payload.variables.after = cursorOf(result.data as R);
      stream.next(result.data as R);
    },
    error: (error) => {
      const first = Array.isArray(error) ? error[0] : undefined;
      stream.failed(
        new ApiError(first?.message ?? 'The live connection failed', first?.extensions?.code as string | undefined),
      );
    },
    complete: () => {},
  });
}
