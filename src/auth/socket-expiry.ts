// A graphql-ws socket lives no longer than the dashboard token it was opened with (and an HTTP
// event stream neither: stream-expiry.ts closes it through the same timer).

/** Node's timers top out at 2^31-1 ms (~24.8 days): a longer wait is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Closable {
  close(code: number, reason: string): void;
}

/** The pending close of one socket; `timer` changes when it is re-armed. */
export interface SocketExpiry {
  timer?: NodeJS.Timeout;
}

/**
 * Closes the socket with 4403 once `expiresAt` (ms since the epoch) has passed. No closure per
 * socket: thousands of idle sockets each hold one timer and one small object.
 */
export function closeAtExpiry(socket: Closable, expiresAt: number): SocketExpiry {
  const expiry: SocketExpiry = {};
  arm(expiry, socket, expiresAt);
  return expiry;
}

export function cancelExpiry(expiry: SocketExpiry | undefined) {
  clearTimeout(expiry?.timer);
}

function arm(expiry: SocketExpiry, socket: Closable, expiresAt: number) {
  expiry.timer = setTimeout(
    due,
    Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS),
    expiry,
    socket,
    expiresAt,
  );
}

function due(expiry: SocketExpiry, socket: Closable, expiresAt: number) {
  if (Date.now() >= expiresAt) socket.close(4403, 'Forbidden: token expired');
  else arm(expiry, socket, expiresAt);
}
