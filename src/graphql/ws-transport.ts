// graphql-ws's protocol (its makeServer) over ws sockets, as graphql-ws/use/ws serves it, but built
// for thousands of idle dashboards: that adapter keeps two timers, about ten closures and a
// suspended async function per socket. Here one set of listener functions and one keep-alive timer
// serve every socket, and each socket has one Connection: graphql-ws's transport, its context's
// `extra`, and whatever the server keeps about the connection (a subclass).
import type { Server } from 'node:http';
import {
  CloseCode,
  DEPRECATED_GRAPHQL_WS_PROTOCOL,
  GRAPHQL_TRANSPORT_WS_PROTOCOL,
  handleProtocols,
  makeServer,
  type ServerOptions,
} from 'graphql-ws';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** Pings every socket this often; one whose pong has not come by the next round is dropped. */
const KEEP_ALIVE_MS = 12_000;
/**
 * The round is spread over this many ticks, each pinging the sockets of its slot: pinging thousands
 * of sockets at once held up whatever event arrived meanwhile (the fan-out's tail latency).
 */
const KEEP_ALIVE_SLOTS = 12;
/** How long a socket has to send connection_init (graphql-ws's default). */
const CONNECTION_INIT_WAIT_MS = 3_000;

const isProduction = process.env.NODE_ENV === 'production';

/** ws's socket for this server, pointing at its connection, so that the listeners can be shared. */
class TransportSocket extends WebSocket {
  connection?: Connection;
}

/** One graphql-ws connection over one socket. Its methods are graphql-ws's WebSocket interface. */
export class Connection {
  /** graphql-ws's handler of this socket's messages. */
  handler: ((data: string) => Promise<void>) | undefined = undefined;
  /** graphql-ws's end of the connection, called when the socket has closed. */
  closed: ((code?: number, reason?: string) => Promise<void>) | undefined = undefined;
  /** Closes the socket if connection_init has not come in time. */
  initWait: NodeJS.Timeout | undefined = undefined;
  /** Pinged by the keep-alive, and no pong since. */
  awaitingPong = false;
  /** The keep-alive tick that pings this socket. */
  keepAliveSlot = 0;

  constructor(readonly socket: WebSocket) {}

  get protocol() {
    return this.socket.protocol;
  }

  send(data: string) {
    return new Promise<void>((resolve, reject) => {
      if (this.socket.readyState !== WebSocket.OPEN) return resolve();
      this.socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code?: number, reason?: string) {
    this.socket.close(code, reason);
  }

  onMessage(handler: (data: string) => Promise<void>) {
    this.handler = handler;
  }
}

export interface GraphQLWebSocketServer {
  /** Every open socket. */
  readonly sockets: ReadonlySet<WebSocket>;
  /** Closes every socket with 1001, stops accepting, and resolves once every socket has closed. */
  close(): Promise<void>;
}

/** A closing reason must fit in a close frame (123 bytes). */
const closeReason = (error: unknown) => {
  if (isProduction) return 'Internal server error';
  const message = error instanceof Error ? error.message : String(error);
  return message.length < 124 ? message : 'Internal server error';
};

/** Closes a socket after an error graphql-ws or ws could not handle, as graphql-ws/use/ws does. */
function internalError(socket: WebSocket, log: string, error: unknown) {
  console.error(log, error);
  socket.close(CloseCode.InternalServerError, closeReason(error));
}

export function serveGraphQLOverWebSocket<C extends Connection>(
  server: Server,
  path: string,
  createConnection: (socket: WebSocket) => C,
  options: Omit<ServerOptions<Record<string, unknown>, C>, 'connectionInitWaitTimeout'>,
): GraphQLWebSocketServer {
  // Sockets are tracked here rather than by ws (clientTracking), which adds a closure per socket.
  const wss = new WebSocketServer({
    server,
    path,
    WebSocket: TransportSocket,
    clientTracking: false,
    handleProtocols,
  });
  const sockets = new Set<TransportSocket>();
  const graphqlWs = makeServer<Record<string, unknown>, C>({
    ...options,
    // the wait for connection_init is timed here: graphql-ws keeps its timer for the socket's lifetime
    connectionInitWaitTimeout: 0,
    onConnect: (ctx) => {
      clearTimeout(ctx.extra.initWait);
      ctx.extra.initWait = undefined;
      return options.onConnect?.(ctx);
    },
  });

  // The listeners every socket shares (`this` is the socket).
  function onSocketMessage(this: TransportSocket, data: RawData) {
    this.connection
      ?.handler?.(String(data))
      .catch((error) =>
        internalError(
          this,
          'Internal error occurred during message handling. Please check your implementation.',
          error,
        ),
      );
  }
  function onSocketPong(this: TransportSocket) {
    if (this.connection) this.connection.awaitingPong = false;
  }
  function onSocketError(this: TransportSocket, error: Error) {
    internalError(this, 'Internal error emitted on a WebSocket socket. Please check your implementation.', error);
  }
  let drained: (() => void) | undefined;
  function onSocketClose(this: TransportSocket, code: number, reason: Buffer) {
    const connection = this.connection;
    sockets.delete(this);
    if (!sockets.size) drained?.();
    if (!connection) return;
    clearTimeout(connection.initWait);
    connection.initWait = undefined;
    if (
      !isProduction &&
      code === CloseCode.SubprotocolNotAcceptable &&
      this.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL
    )
      console.warn(
        `Client provided the unsupported and deprecated subprotocol "${this.protocol}" used by subscriptions-transport-ws.` +
          'Please see https://www.apollographql.com/docs/apollo-server/data/subscriptions/#switching-from-subscriptions-transport-ws.',
      );
    void connection.closed?.(code, String(reason));
  }
  function initTimedOut(connection: Connection) {
    connection.initWait = undefined;
    connection.socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
  }

  wss.once('error', (error) => {
    console.error('Internal error emitted on the WebSocket server. Please check your implementation.', error);
    for (const socket of sockets) socket.close(CloseCode.InternalServerError, closeReason(error));
  });

  let connected = 0;
  wss.on('connection', (socket: TransportSocket) => {
    const connection = createConnection(socket);
    connection.keepAliveSlot = connected++ % KEEP_ALIVE_SLOTS;
    socket.connection = connection;
    sockets.add(socket);
    socket.on('error', onSocketError);
    socket.on('message', onSocketMessage);
    socket.on('pong', onSocketPong);
    socket.on('close', onSocketClose);
    connection.closed = graphqlWs.opened(connection, connection);
    // graphql-ws refuses any other subprotocol (and closes the socket)
    if (socket.protocol === GRAPHQL_TRANSPORT_WS_PROTOCOL)
      connection.initWait = setTimeout(initTimedOut, CONNECTION_INIT_WAIT_MS, connection);
  });

  // A peer that stopped answering is dropped (its close may never come); pings also keep proxies
  // from closing an idle socket.
  let tick = 0;
  const keepAlive = setInterval(() => {
    tick = (tick + 1) % KEEP_ALIVE_SLOTS;
    for (const socket of sockets) {
      const connection = socket.connection;
      if (!connection || connection.keepAliveSlot !== tick) continue;
      if (connection.awaitingPong) socket.terminate();
      else if (socket.readyState === WebSocket.OPEN) {
        connection.awaitingPong = true;
        socket.ping();
      }
    }
  }, KEEP_ALIVE_MS / KEEP_ALIVE_SLOTS);
  keepAlive.unref();

  return {
    sockets,
    async close() {
      clearInterval(keepAlive);
      for (const socket of sockets) socket.close(1001, 'Server shutting down');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
      if (sockets.size) await new Promise<void>((resolve) => (drained = resolve));
    },
  };
}
