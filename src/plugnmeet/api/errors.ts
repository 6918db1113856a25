// Every failure of the PlugNMeet API client is a PlugNMeetApiError; `retryable` says whether trying
// again later can help (the jobs back off and retry; nothing in the client retries).

export type PlugNMeetEndpoint =
  | 'POST /auth/recording/info'
  | 'POST /auth/recording/getDownloadToken'
  | 'GET /download/recording/{token}'
  | 'POST /auth/room/getActiveRoomsInfo'
  | 'POST /auth/room/getActiveRoomInfo'
  | 'POST /auth/artifact/fetch'
  | 'POST /auth/artifact/info'
  | 'POST /auth/artifact/getDownloadToken'
  | 'GET /download/artifact/{token}';

/** A StatusCode of plugnmeet_common_api.proto, by name or by number, as the server sent it. */
export type PlugNMeetStatusCode = string | number;

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
  /**
   * PlugNMeet's `status_code` as sent, when the server version sends one: a StatusCode name
   * ('ROOM_NOT_FOUND'; protojson writes enums by name) or its number.
   */
  readonly statusCode: PlugNMeetStatusCode | null;

  constructor(endpoint: PlugNMeetEndpoint, msg: string, statusCode: PlugNMeetStatusCode | null) {
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

  constructor(msg: string, endpoint: PlugNMeetEndpoint = 'POST /auth/recording/getDownloadToken') {
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
    details: {
      statusCode: number;
      statusMessage?: string;
      bodySnippet: string;
      msg: string | null;
      retryAfterSeconds: number | null;
      location?: string;
    },
  ) {
    const { statusCode } = details;
    const what = details.msg ?? details.bodySnippet;
    const where =
      statusCode >= 300 && statusCode < 400 && details.location ? ` (redirects to ${details.location})` : '';
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

  constructor(
    message: string,
    details: {
      reason: PlugNMeetDownloadInterruptedError['reason'];
      receivedBytes: number;
      expectedBytes: number | null;
    },
    endpoint: PlugNMeetEndpoint = 'GET /download/recording/{token}',
  ) {
    super(message, { endpoint, retryable: true });
    this.reason = details.reason;
    this.receivedBytes = details.receivedBytes;
    this.expectedBytes = details.expectedBytes;
  }
}
