// PlugNMeet's API, as Rollcall needs it: for the download job, the recording's info, a download
// token and the file itself as a stream (never buffered); for reconciliation, the active rooms. Every POST is signed the way plugnmeet-server
// checks it: `API-KEY` and `HASH-SIGNATURE` = lowercase hex HMAC-SHA256 of the exact body bytes.
//
// Nothing here retries (got's retry is off): the job owns retries, and every failure is a
// PlugNMeetApiError whose `retryable` says whether trying again later can help.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import got, { type Response } from 'got';

// ---------------------------------------------------------------------------------------------
// Errors

export type PlugNMeetEndpoint =
  | 'POST /auth/recording/info'
  | 'POST /auth/recording/getDownloadToken'
  | 'GET /download/recording/{token}'
  | 'POST /auth/room/getActiveRoomsInfo'
  | 'POST /auth/room/getActiveRoomInfo';

interface ErrorOptions {
  endpoint: PlugNMeetEndpoint;
  retryable: boolean;
  cause?: unknown;
}

/** Every failure of this client. `retryable`: the same call may succeed later (the job backs off). */
export class PlugNMeetApiError extends Error {
  readonly endpoint: PlugNMeetEndpoint;
  readonly retryable: boolean;

  constructor(message: string, options: ErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.endpoint = options.endpoint;
    this.retryable = options.retryable;
  }
}

/**
 * HTTP 2xx with `status: false`. PlugNMeet answered and refused (no such recording, file gone, bad
 * request): asking again gets the same answer, so not retryable, except when its `msg` reports its
 * own transient trouble ("query error: …" from its database, a timeout, "try again").
 */
export class PlugNMeetStatusFalseError extends PlugNMeetApiError {
  /** PlugNMeet's `msg`, verbatim ('' if it sent none). */
  readonly msg: string;
  /** PlugNMeet's `status_code`, when the server version sends one. */
  readonly statusCode: number | null;

  constructor(endpoint: PlugNMeetEndpoint, msg: string, statusCode: number | null) {
    super(`PlugNMeet ${endpoint} answered status: false: ${JSON.stringify(msg)}`, {
      endpoint,
      retryable: TRANSIENT_MSG.test(msg),
    });
    this.msg = msg;
    this.statusCode = statusCode;
  }
}

const TRANSIENT_MSG = /query error|timeout|timed out|try again|temporar|unavailable|too many/i;

/** `getDownloadToken` answered `status: true` without a usable token. Not retryable. */
export class MissingDownloadTokenError extends PlugNMeetApiError {
  readonly msg: string;

  constructor(msg: string) {
    const endpoint = 'POST /auth/recording/getDownloadToken';
    super(`PlugNMeet ${endpoint} answered status: true but no token${msg ? ` (msg: ${JSON.stringify(msg)})` : ''}`, {
      endpoint,
      retryable: false,
    });
    this.msg = msg;
  }
}

/**
 * A non-2xx answer. Retryable for 5xx, 429 and 408 (the server or a proxy is struggling);
 * not for the rest (401/403: wrong key or secret, 404: no such path or file, 3xx on a POST:
 * PLUGNMEET_SERVER_URL points at a redirect).
 */
export class PlugNMeetHttpError extends PlugNMeetApiError {
  readonly statusCode: number;
  /** PlugNMeet's `msg` when the error body was its JSON, else null. */
  readonly msg: string | null;
  /** The start of the body, whitespace collapsed, for the log. */
  readonly bodySnippet: string;
  /** Seconds from a `Retry-After` header (429/503), else null. */
  readonly retryAfterSeconds: number | null;

  constructor(
    endpoint: PlugNMeetEndpoint,
    details: { statusCode: number; statusMessage?: string; bodySnippet: string; msg: string | null; retryAfterSeconds: number | null; location?: string },
  ) {
    const { statusCode } = details;
    const what = details.msg ?? details.bodySnippet;
    const where = statusCode >= 300 && statusCode < 400 && details.location ? ` (redirects to ${details.location})` : '';
    super(
      `PlugNMeet ${endpoint} answered HTTP ${statusCode}${details.statusMessage ? ` ${details.statusMessage}` : ''}${where}${what ? `: ${what}` : ''}`,
      { endpoint, retryable: statusCode >= 500 || statusCode === 429 || statusCode === 408 },
    );
    this.statusCode = statusCode;
    this.msg = details.msg;
    this.bodySnippet = details.bodySnippet;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/**
 * No answer: DNS failure, connection refused or reset, TLS failure, or a timeout before the response
 * headers (`timeout` names the phase: lookup, connect, secureConnect, send, response, request).
 * Always retryable.
 */
export class PlugNMeetUnreachableError extends PlugNMeetApiError {
  /** ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ECONNRESET, … */
  readonly code: string;
  readonly timeout: string | null;

  constructor(endpoint: PlugNMeetEndpoint, message: string, code: string, timeout: string | null) {
    super(message, { endpoint, retryable: true });
    this.code = code;
    this.timeout = timeout;
  }
}

/** A 2xx answer that is not what PlugNMeet sends (not JSON, no boolean `status`, compressed file). */
export class PlugNMeetBadResponseError extends PlugNMeetApiError {
  constructor(endpoint: PlugNMeetEndpoint, message: string, retryable: boolean) {
    super(message, { endpoint, retryable });
  }
}

/**
 * The file's body broke off after the headers: the connection was lost, no byte came for
 * `downloadIdleMs` while the consumer was ready for more (`reason: 'stalled'`), or fewer / more bytes
 * came than `Content-Length` said. Retryable. Emitted on the download stream, never thrown.
 */
export class PlugNMeetDownloadInterruptedError extends PlugNMeetApiError {
  readonly reason: 'stalled' | 'connection-lost' | 'length-mismatch';
  readonly receivedBytes: number;
  readonly expectedBytes: number | null;

  constructor(message: string, details: { reason: PlugNMeetDownloadInterruptedError['reason']; receivedBytes: number; expectedBytes: number | null }) {
    super(message, { endpoint: 'GET /download/recording/{token}', retryable: true });
    this.reason = details.reason;
    this.receivedBytes = details.receivedBytes;
    this.expectedBytes = details.expectedBytes;
  }
}

// ---------------------------------------------------------------------------------------------
// What PlugNMeet answers (fields optional: versions differ; see plugnmeet-protocol)

export interface PlugNMeetRecordingMetadata {
  title?: string;
  description?: string;
  subtitles?: Record<string, { label?: string; url?: string }>;
  extra_data?: Record<string, string>;
}

/** PlugNMeet's RecordingInfo. Numbers may come as strings (protobuf JSON int64). */
export interface PlugNMeetRecording {
  record_id?: string;
  room_id?: string;
  room_sid?: string;
  file_path?: string;
  /** As PlugNMeet stores it: MB in some versions, bytes in others. Trust Content-Length instead. */
  file_size?: number | string;
  creation_time?: number | string;
  room_creation_time?: number | string;
  metadata?: PlugNMeetRecordingMetadata;
  [field: string]: unknown;
}

/** PlugNMeet's PastRoomInfo (the room run that made the recording). */
export interface PlugNMeetPastRoomInfo {
  room_title?: string;
  room_id?: string;
  room_sid?: string;
  joined_participants?: number | string;
  webhook_url?: string;
  created?: string;
  ended?: string;
  [field: string]: unknown;
}

/** One connection in an active room (LiveKit's ParticipantInfo). */
export interface PlugNMeetParticipantInfo {
  sid?: string;
  identity?: string;
  name?: string;
  joined_at?: number | string;
  [field: string]: unknown;
}

/** A run of a room going on now: PlugNMeet's ActiveRoomInfo and its connections. */
export interface ActiveRoom {
  roomId: string;
  roomSid: string;
  /**
   * Its connections. Protobuf JSON omits an empty list, so an absent one is read as none only
   * when `joined_participants` is absent or 0; otherwise (PlugNMeet could not load them) null.
   */
  participants: PlugNMeetParticipantInfo[] | null;
}

export interface RecordingInfoResult {
  msg: string;
  /** PlugNMeet's `status_code`, when sent. */
  statusCode: number | null;
  /** `recording_info` (or `recording` in other server versions); null if absent. */
  recording: PlugNMeetRecording | null;
  roomInfo: PlugNMeetPastRoomInfo | null;
}

export interface RecordingDownload {
  /**
   * The file's bytes. Errors on it are PlugNMeetDownloadInterruptedError (retryable). It checks the
   * byte count against Content-Length, so a body that ends normally is complete. Destroying it
   * aborts the request.
   */
  stream: Readable;
  statusCode: number;
  /** From Content-Length; null when the server streams without one (chunked). */
  contentLength: number | null;
  /** The Content-Type header, verbatim (e.g. 'video/mp4'); null if absent. Not the media type: probe. */
  contentType: string | null;
  /** The file name from Content-Disposition, if the server sent one (a base name, no directories). */
  fileName: string | null;
}

export interface PlugNMeetApiTimeouts {
  /** DNS lookup. Default 5 s. */
  lookupMs?: number;
  /** TCP connect, and TLS handshake for https. Default 5 s. */
  connectMs?: number;
  /** From the request sent to the response headers, for every call. Default 15 s. */
  responseMs?: number;
  /** Whole JSON call, body included. Default 30 s. */
  requestMs?: number;
  /** Download: longest wait for the next body byte while the consumer is ready for it. Default 60 s. */
  downloadIdleMs?: number;
}

export interface PlugNMeetApiOptions {
  /** e.g. https://plugnmeet.example.org (a path prefix is kept). */
  serverUrl: string;
  apiKey: string;
  apiSecret: string;
  timeouts?: PlugNMeetApiTimeouts;
}

export interface CallOptions {
  /** Aborting rejects (or destroys the stream) with the signal's reason, not a PlugNMeetApiError. */
  signal?: AbortSignal;
}

export interface PlugNMeetApi {
  recordingInfo(recordId: string, options?: CallOptions): Promise<RecordingInfoResult>;
  /** A short-lived token for download(); get a fresh one for every attempt. */
  downloadToken(recordId: string, options?: CallOptions): Promise<string>;
  /** Resolves once 2xx headers arrived; the body is streamed, never buffered. */
  download(token: string, options?: CallOptions): Promise<RecordingDownload>;
  /** Every room run going on now (PlugNMeet's "no active room found" is an empty list). */
  activeRooms(options?: CallOptions): Promise<ActiveRoom[]>;
  /** The run of `roomId` going on now; null when PlugNMeet says the room is not active. */
  activeRoom(roomId: string, options?: CallOptions): Promise<ActiveRoom | null>;
}

// ---------------------------------------------------------------------------------------------

const DEFAULT_TIMEOUTS: Required<PlugNMeetApiTimeouts> = {
  lookupMs: 5_000,
  connectMs: 5_000,
  responseMs: 15_000,
  requestMs: 30_000,
  downloadIdleMs: 60_000,
};

const INFO: PlugNMeetEndpoint = 'POST /auth/recording/info';
const TOKEN: PlugNMeetEndpoint = 'POST /auth/recording/getDownloadToken';
const DOWNLOAD: PlugNMeetEndpoint = 'GET /download/recording/{token}';
const ACTIVE_ROOMS: PlugNMeetEndpoint = 'POST /auth/room/getActiveRoomsInfo';
const ACTIVE_ROOM: PlugNMeetEndpoint = 'POST /auth/room/getActiveRoomInfo';
// The exact answers of plugnmeet-server when nothing is going on; any other status:false is an error.
const NO_ACTIVE_ROOMS = /^no active room found$/i;
const ROOM_NOT_ACTIVE = /^(no room found|room not active)$/i;

const SNIPPET_CHARS = 200;

export function createPlugNMeetApi(options: PlugNMeetApiOptions): PlugNMeetApi {
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
  const connectTimeouts = { lookup: t.lookupMs, connect: t.connectMs, secureConnect: t.connectMs, send: t.responseMs, response: t.responseMs };

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
    return new PlugNMeetUnreachableError(endpoint, `PlugNMeet ${endpoint} at ${origin} unreachable: ${code} (${reason})`, code, null);
  }

  async function post(endpoint: PlugNMeetEndpoint, path: string, payload: unknown, call: CallOptions): Promise<Record<string, unknown>> {
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
      throw new PlugNMeetStatusFalseError(endpoint, msg ?? '', numberOrNull(object.status_code));
    }
    return object;
  }

  return {
    async recordingInfo(recordId, call = {}) {
      requireId(recordId);
      const answer = await post(INFO, '/auth/recording/info', { record_id: recordId }, call);
      const recording = answer.recording_info ?? answer.recording;
      return {
        msg: typeof answer.msg === 'string' ? answer.msg : '',
        statusCode: numberOrNull(answer.status_code),
        recording: isObject(recording) ? (recording as PlugNMeetRecording) : null,
        roomInfo: isObject(answer.room_info) ? (answer.room_info as PlugNMeetPastRoomInfo) : null,
      };
    },

    async downloadToken(recordId, call = {}) {
      requireId(recordId);
      const answer = await post(TOKEN, '/auth/recording/getDownloadToken', { record_id: recordId }, call);
      const token = answer.token;
      if (typeof token !== 'string' || token.trim() === '') {
        throw new MissingDownloadTokenError(typeof answer.msg === 'string' ? redact(answer.msg) : '');
      }
      return token.trim();
    },

    async activeRooms(call = {}) {
      let answer: Record<string, unknown>;
      try {
        answer = await post(ACTIVE_ROOMS, '/auth/room/getActiveRoomsInfo', {}, call);
      } catch (error) {
        if (error instanceof PlugNMeetStatusFalseError && NO_ACTIVE_ROOMS.test(error.msg.trim())) return [];
        throw error;
      }
      if (answer.rooms !== undefined && !Array.isArray(answer.rooms)) {
        throw new PlugNMeetBadResponseError(ACTIVE_ROOMS, `PlugNMeet ${ACTIVE_ROOMS} answered rooms that are not a list`, true);
      }
      return ((answer.rooms as unknown[] | undefined) ?? []).map((room) => activeRoomFrom(ACTIVE_ROOMS, room));
    },

    async activeRoom(roomId, call = {}) {
      requireId(roomId);
      let answer: Record<string, unknown>;
      try {
        answer = await post(ACTIVE_ROOM, '/auth/room/getActiveRoomInfo', { room_id: roomId }, call);
      } catch (error) {
        if (error instanceof PlugNMeetStatusFalseError && ROOM_NOT_ACTIVE.test(error.msg.trim())) return null;
        throw error;
      }
      return activeRoomFrom(ACTIVE_ROOM, answer.room);
    },

    download(token, call = {}) {
      if (typeof token !== 'string' || token === '') throw new TypeError('download: token must be a non-empty string');
      const { signal } = call;
      const request = got.stream(`${base}/download/recording/${encodeURIComponent(token)}`, {
        // The bytes as stored: a transparently decompressed body would not match Content-Length.
        decompress: false,
        headers: { 'Accept-Encoding': 'identity' },
        throwHttpErrors: false,
        followRedirect: true,
        maxRedirects: 5,
        retry: { limit: 0 },
        agent,
        // No total timeout: files are large. The body is guarded by the idle timer below.
        timeout: connectTimeouts,
        signal,
      });

      return new Promise<RecordingDownload>((resolve, reject) => {
        const beforeResponse = (error: unknown) => reject(transportError(DOWNLOAD, error, signal));
        request.once('error', beforeResponse);

        request.once('response', (response) => {
          request.off('error', beforeResponse);
          const statusCode: number = response.statusCode;

          if (statusCode < 200 || statusCode > 299) {
            request.on('error', () => {});
            void readSnippet(request, 2_000).then((text) => {
              request.destroy();
              let msg: string | null = null;
              try {
                const json: unknown = JSON.parse(text);
                if (isObject(json) && typeof json.msg === 'string') msg = redact(json.msg);
              } catch {
                // not JSON
              }
              reject(
                new PlugNMeetHttpError(DOWNLOAD, {
                  statusCode,
                  statusMessage: response.statusMessage,
                  bodySnippet: redact(snippet(text)),
                  msg,
                  retryAfterSeconds: retryAfter(response.headers['retry-after']),
                }),
              );
            });
            return;
          }

          const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
          if (encoding !== 'identity') {
            request.on('error', () => {});
            request.destroy();
            reject(
              new PlugNMeetBadResponseError(
                DOWNLOAD,
                `PlugNMeet ${DOWNLOAD} sent the file with Content-Encoding ${encoding}; Rollcall needs the bytes as stored (a proxy compressing it?)`,
                false,
              ),
            );
            return;
          }

          const contentLength = parseLength(response.headers['content-length']);
          const contentType = typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : null;
          const stream = guardBody(request, contentLength, t.downloadIdleMs, signal);
          resolve({
            stream,
            statusCode,
            contentLength,
            contentType,
            fileName: fileNameFrom(response.headers['content-disposition']),
          });
        });
      });
    },
  };
}

/**
 * Passes the body through, counting bytes: errors become PlugNMeetDownloadInterruptedError, a count
 * that does not match Content-Length is an error at the end, and no byte for `idleMs` while the
 * consumer could take more is a stall. Time the consumer spends not reading does not count.
 */
function guardBody(source: Readable, expected: number | null, idleMs: number, signal?: AbortSignal): Readable {
  let received = 0;
  let lastByteAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const interrupted = (reason: PlugNMeetDownloadInterruptedError['reason'], what: string) =>
    new PlugNMeetDownloadInterruptedError(
      `PlugNMeet ${DOWNLOAD} ${what} after ${received} of ${expected ?? 'unknown'} bytes`,
      { reason, receivedBytes: received, expectedBytes: expected },
    );

  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      lastByteAt = Date.now();
      if (expected !== null && received > expected) {
        callback(interrupted('length-mismatch', 'sent more bytes than Content-Length'));
        return;
      }
      callback(null, chunk);
    },
    flush(callback) {
      clearInterval(timer);
      if (expected !== null && received !== expected) {
        callback(interrupted('length-mismatch', 'ended early'));
        return;
      }
      callback();
    },
    destroy(error, callback) {
      clearInterval(timer);
      source.destroy();
      callback(error);
    },
  });

  // An error before the consumer attaches must not crash the process: it stays on the stream
  // (`errored`), and a later pipeline() or for-await still rejects with it.
  body.on('error', () => {});

  source.on('error', (error: { code?: string; message?: string }) => {
    if (signal?.aborted) {
      body.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      return;
    }
    body.destroy(interrupted('connection-lost', `lost the connection (${error?.code ?? error?.message ?? 'error'})`));
  });
  source.pipe(body);

  timer = setInterval(() => {
    // The consumer is behind (our buffers are full): waiting is not the server's fault.
    if (body.readableLength >= body.readableHighWaterMark || body.writableNeedDrain || source.isPaused()) {
      lastByteAt = Date.now();
      return;
    }
    if (Date.now() - lastByteAt >= idleMs) {
      body.destroy(interrupted('stalled', `sent nothing for ${idleMs} ms`));
    }
  }, Math.max(10, Math.min(1_000, Math.floor(idleMs / 4))));
  timer.unref();

  return body;
}

// ---------------------------------------------------------------------------------------------

/** An ActiveRoomWithParticipant (room_info, participants_info) as an ActiveRoom. */
function activeRoomFrom(endpoint: PlugNMeetEndpoint, value: unknown): ActiveRoom {
  const info = isObject(value) && isObject(value.room_info) ? value.room_info : null;
  const roomId = info && typeof info.room_id === 'string' ? info.room_id : '';
  const roomSid = info && typeof info.sid === 'string' ? info.sid : '';
  if (!roomId || !roomSid) {
    throw new PlugNMeetBadResponseError(endpoint, `PlugNMeet ${endpoint} answered a room without room_info.room_id and room_info.sid`, true);
  }
  const listed = isObject(value) ? value.participants_info : undefined;
  const joined = Number(info?.joined_participants ?? 0);
  const participants = Array.isArray(listed)
    ? listed.filter(isObject).map((p) => p as PlugNMeetParticipantInfo)
    : listed === undefined && !(joined > 0)
      ? []
      : null;
  return { roomId, roomSid, participants };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function requireId(recordId: string) {
  if (typeof recordId !== 'string' || recordId === '') throw new TypeError('recordId must be a non-empty string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrNull(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}

function parseLength(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : null;
}

function retryAfter(value: string | string[] | undefined): number | null {
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

/** The base name from a Content-Disposition header (filename* preferred), or null. */
function fileNameFrom(header: string | undefined): string | null {
  if (!header) return null;
  let name: string | null = null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)?'[^']*'([^;]+)/.exec(header);
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(header);
    if (plain) name = (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]).trim();
  }
  if (!name) return null;
  const base = name.split(/[/\\]/).pop() ?? '';
  return base === '' || base === '.' || base === '..' ? null : base;
}

/** Up to 2 KiB of an error body, waiting at most `ms`. */
function readSnippet(stream: Readable, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', done);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= 2_048) done();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', done);
  });
}
