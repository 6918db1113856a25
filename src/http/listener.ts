// The one port: a node:http server for Yoga's fetch handler, with graphql-ws attached to it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The server could not listen where PORT and HOST say; the message names them and why. */
export class ListenError extends Error {
  constructor(cause: NodeJS.ErrnoException, listen: { port: number; host: string }) {
    const where = `cannot listen on ${listen.host}:${listen.port}`;
    const why: Record<string, string> = {
      EADDRINUSE: `the address is in use (another process on PORT ${listen.port}?)`,
      EACCES: `permission denied (a PORT below 1024 needs privileges)`,
      EADDRNOTAVAIL: `HOST ${listen.host} is not an address of this machine`,
      ENOTFOUND: `HOST ${listen.host} is not an address of this machine`,
      EAI_AGAIN: `HOST ${listen.host} could not be resolved`,
    };
    super(`${where}: ${why[cause.code ?? ''] ?? cause.message}`, { cause });
    this.name = 'ListenError';
  }
}

export interface Listener {
  server: Server;
  url: string;
  port: number;
}

/** Listens where PORT and HOST say; a failure is a ListenError that names them. */
export async function listen(
  handler: Parameters<typeof createServer>[1],
  where: { port: number; host: string },
): Promise<Listener> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ListenError(error as NodeJS.ErrnoException, where)));
    server.listen(where.port, where.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  return { server, url: `http://${host}:${port}`, port };
}

/** Stops accepting and waits for in-flight requests, closing what is left after `graceMs`. */
export async function closeListener(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
