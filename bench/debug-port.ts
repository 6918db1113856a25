// A second HTTP port inside each benchmark server wrapper (never in src/), for the load generator:
//   GET /rss         memory after a forced GC (the child runs with --expose-gc)
//   GET /cpu         process.cpuUsage() in microseconds
//   GET /statements  SQL statements counted so far (when the wrapper counts them)
//   GET /profile/start, GET /profile/stop?file=<path>  a CPU profile of this process (node:inspector)
//                    over one scenario's measured phase, written as a .cpuprofile
//   GET /heap/start, GET /heap/stop?file=<path>  V8's sampling heap profiler: what is still alive at
//                    stop (after a forced GC), by allocation stack, written as a .heapprofile
// Both servers get the same hook, so its (tiny) cost is the same on both sides.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';

export interface DebugHooks {
  statements?: () => number;
  /** the most recent statements' text, oldest first */
  recentStatements?: () => string[];
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('start the server with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

let inspector: Session | undefined;
function post(method: string, params?: object): Promise<any> {
  inspector ??= (() => {
    const session = new Session();
    session.connect();
    return session;
  })();
  return new Promise((resolve, reject) =>
    inspector!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

export async function startDebugPort(hooks: DebugHooks = {}): Promise<number> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const actions: Record<string, () => Promise<unknown>> = {
      '/profile/start': () =>
        post('Profiler.enable')
          .then(() => post('Profiler.setSamplingInterval', { interval: 500 }))
          .then(() => post('Profiler.start')),
      '/profile/stop': () =>
        post('Profiler.stop').then(({ profile }) =>
          writeFileSync(url.searchParams.get('file')!, JSON.stringify(profile)),
        ),
      '/heap/start': () =>
        post('HeapProfiler.enable').then(() => post('HeapProfiler.startSampling', { samplingInterval: 1024 })),
      '/heap/stop': () =>
        collectGarbage()
          .then(() => post('HeapProfiler.getSamplingProfile'))
          .then(({ profile }) => writeFileSync(url.searchParams.get('file')!, JSON.stringify(profile)))
          .then(() => post('HeapProfiler.stopSampling')),
    };
    const action = actions[url.pathname];
    if (action) {
      const run = action();
      run.then(
        () => {
          res.writeHead(200);
          res.end('{}');
        },
        (error: Error) => {
          res.writeHead(500);
          res.end(error.message);
        },
      );
      return;
    }
    const reply = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (url.pathname) {
      case '/rss':
        collectGarbage().then(
          () => reply(process.memoryUsage()),
          (error: Error) => {
            res.writeHead(500);
            res.end(error.message);
          },
        );
        return;
      case '/cpu':
        reply(process.cpuUsage());
        return;
      case '/statements':
        reply({ statements: hooks.statements?.() ?? null, recent: hooks.recentStatements?.() ?? [] });
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return (server.address() as AddressInfo).port;
}

/** Waits for the parent's 'stop' over IPC, then runs `stop` and exits (so --cpu-prof is written). */
export function exitOnStop(stop: () => Promise<void>): void {
  const finish = async () => {
    const deadline = setTimeout(() => process.exit(1), 15_000);
    deadline.unref();
    try {
      await stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('message', (message) => {
    if (message === 'stop') void finish();
  });
  process.on('disconnect', () => void finish());
  process.on('SIGTERM', () => void finish());
}
