// The HTTP side of PlugNMeet's API, shared by the JSON calls (client.ts) and the file download
// (download.ts): the base URL, timeouts, a connection per call, errors that never carry the secret,
// and POSTs signed the way plugnmeet-server checks them: `API-KEY` and `HASH-SIGNATURE` = lowercase
// hex HMAC-SHA256 of the exact body bytes. Nothing here retries (got's retry is off).
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import got, { type Response } from 'got';
import {
  PlugNMeetBadResponseError,
  PlugNMeetHttpError,
  PlugNMeetStatusFalseError,
  PlugNMeetUnreachableError,
  type PlugNMeetEndpoint,
  type PlugNMeetStatusCode,
} from './errors.ts';
import type { CallOptions, PlugNMeetApiOptions, PlugNMeetApiTimeouts } from './types.ts';

const DEFAULT_TIMEOUTS: Required<PlugNMeetApiTimeouts> = {
  lookupMs: 5_000,
  connectMs: 5_000,
  responseMs: 15_000,
  requestMs: 30_000,
  downloadIdleMs: 60_000,
};

const SNIPPET_CHARS = 200;

export type Transport = ReturnType<typeof createTransport>;

export function createTransport(options: PlugNMeetApiOptions) {
  const { apiKey, apiSecret } = options;
  if (!apiKey || !apiSecret) throw new TypeError('createPlugNMeetApi: apiKey and apiSecret are required');
  let parsed: URL;
  try {
    parsed = new URL(options.serverUrl);
  } catch {
    throw new TypeError('createPlugNMeetApi: serverUrl is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`createPlugNMeetApi: serverUrl must be http(s), not ${parsed.protocol}`);
  }
  parsed.search = '';
  parsed.hash = '';
  const base = parsed.href.replace(/\/+$/, '');
  // For messages: no credentials, no path secrets.
  parsed.username = '';
  parsed.password = '';
  const origin = parsed.origin;

  // A connection per call, no keep-alive: a handful of calls per recording gain nothing from reuse,
  // and a pooled socket the server already closed fails the next call with a spurious ECONNRESET.
  const agent = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

  const t = { ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) };
  const connectTimeouts = {
    lookup: t.lookupMs,
    connect: t.connectMs,
    secureConnect: t.connectMs,
    send: t.responseMs,
    response: t.responseMs,
  };

  /** Never let the secret into a message, whatever a server echoes. */
  const redact = (text: string) => (apiSecret.length >= 4 ? text.split(apiSecret).join('[redacted]') : text);

  function transportError(endpoint: PlugNMeetEndpoint, error: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted) return signal.reason;
    const e = error as { name?: string; code?: string; event?: string; message?: string };
    const code = typeof e?.code === 'string' ? e.code : 'UNKNOWN';
    if (e?.name === 'TimeoutError') {
      const event = e.event ?? 'request';
      return new PlugNMeetUnreachableError(
        endpoint,
        `PlugNMeet ${endpoint} at ${origin} timed out (${describeTimeout(event, t)})`,
        'ETIMEDOUT',
        event,
      );
    }
    const reason = redact(String(e?.message ?? error)).replace(/https?:\/\/\S+/g, origin);
    return new PlugNMeetUnreachableError(
      endpoint,
      `PlugNMeet ${endpoint} at ${origin} unreachable: ${code} (${reason})`,
      code,
      null,
    );
  }

  async function post(
    endpoint: PlugNMeetEndpoint,
    path: string,
    payload: unknown,
    call: CallOptions,
  ): Promise<Record<string, unknown>> {
    // Serialized once; these exact bytes are signed and sent.
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const signature = createHmac('sha256', apiSecret).update(body).digest('hex');
    let response: Response<Buffer>;
    try {
      response = await got.post(`${base}${path}`, {
        body,
        headers: {
          'API-KEY': apiKey,
          'HASH-SIGNATURE': signature,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        responseType: 'buffer',
        throwHttpErrors: false,
        followRedirect: false,
        retry: { limit: 0 },
        agent,
        timeout: { ...connectTimeouts, request: t.requestMs },
        signal: call.signal,
      });
    } catch (error) {
      throw transportError(endpoint, error, call.signal);
    }

    const text = response.body.toString('utf8');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const object = isObject(json) ? json : null;
    const msg = object && typeof object.msg === 'string' ? redact(object.msg) : null;

    if (response.statusCode < 200 || response.statusCode > 299) {
      throw new PlugNMeetHttpError(endpoint, {
        statusCode: response.statusCode,
        statusMessage: response.statusMessage,
        bodySnippet: redact(snippet(text)),
        msg,
        retryAfterSeconds: retryAfter(response.headers['retry-after']),
        location: typeof response.headers.location === 'string' ? response.headers.location : undefined,
      });
    }
    if (!object || typeof object.status !== 'boolean') {
      throw new PlugNMeetBadResponseError(
        endpoint,
        `PlugNMeet ${endpoint} answered HTTP ${response.statusCode} without a JSON { status } body: ${redact(snippet(text)) || '(empty)'}`,
        // A proxy's error page under a 200 is likely to pass; a wrong server URL will not, but the
        // attempts are bounded.
        true,
      );
    }
    if (object.status === false) {
      throw new PlugNMeetStatusFalseError(endpoint, msg ?? '', statusCodeOf(object.status_code));
    }
    return object;
  }

  return { base, origin, agent, timeouts: t, connectTimeouts, redact, transportError, post };
}

export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `status_code` as sent: a StatusCode name (protojson writes enums by name) or number; else null. */
export function statusCodeOf(value: unknown): PlugNMeetStatusCode | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}

export function retryAfter(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function describeTimeout(event: string, t: Required<PlugNMeetApiTimeouts>): string {
  switch (event) {
    case 'lookup':
      return `DNS lookup took over ${t.lookupMs} ms`;
    case 'connect':
    case 'secureConnect':
      return `connecting took over ${t.connectMs} ms`;
    case 'send':
      return `sending the request took over ${t.responseMs} ms`;
    case 'response':
      return `no response headers within ${t.responseMs} ms`;
    case 'request':
      return `the call took over ${t.requestMs} ms`;
    default:
      return `'${event}' timeout`;
  }
}
