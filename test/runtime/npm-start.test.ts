// `npm start` as a container runtime runs it: npm is PID 1's child (or PID 1 itself) and gets the
// SIGTERM. npm runs the script through `sh -c`; a shell that stays between npm and node drops the
// signal and leaves the server holding the data folder. This test starts `npm start` itself, on the
// compiled dist/ (the tests' global setup builds it from the code under test), signals the npm process, and checks
// that every process of the tree ends, a graphql-ws client sees 1001, and the folder is free again.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import WebSocket from 'ws';
import { freePort, REPO_ROOT, removeDir, tempDataDir } from '../support/process-helpers.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

const DEADLINE_MS = 10_000;
const started: ChildProcess[] = [];

/** Every live descendant of `pid` (a zombie has exited: it counts as gone). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const list = children.get(Number(ppid)) ?? [];
      list.push(Number(entry));
      children.set(Number(ppid), list);
    } catch {
      /* the process ended while we looked */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function npmStart(dataDir: string) {
  const port = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    // only what a container would set: nothing of the test runner (NODE_ENV=test, VITEST...)
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`npm start not serving after 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, pid: child.pid!, url, output: () => output };
}

/** A graphql-ws connection, acknowledged; resolves its close code when the server closes it. */
async function graphqlWsSocket(url: string): Promise<{ closed: Promise<number> }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve();
    });
  });
  // wrapped: an async function returning a promise would make its caller wait for that one too
  return { closed };
}

async function signalAndWait(pid: number, signal: NodeJS.Signals, tree: number[]) {
  const sentAt = Date.now();
  process.kill(pid, signal);
  while ([pid, ...tree].some(alive) && Date.now() - sentAt < DEADLINE_MS + 2_000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return { elapsedMs: Date.now() - sentAt, left: [pid, ...tree].filter(alive) };
}

describe('npm start under a signal', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = tempDataDir();
  });

  afterAll(() => {
    // a failed test may leave a tree: its node first (npm killed first would orphan it), then npm
    for (const child of started) {
      for (const pid of [...descendants(child.pid!).reverse(), child.pid!]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    removeDir(dataDir);
  });

  test('SIGTERM to npm ends the whole tree within 10 s, sockets get 1001, and the folder is free', async () => {
    const first = await npmStart(dataDir);
    const tree = descendants(first.pid);
    // npm's child is node itself (`exec` replaced the shell), running the compiled server
    expect(tree.length, first.output()).toBeGreaterThan(0);
    const { closed: closeCode } = await graphqlWsSocket(first.url);
    const exit = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));

    const { elapsedMs, left } = await signalAndWait(first.pid, 'SIGTERM', tree);
    expect(left, `still running ${elapsedMs} ms after SIGTERM:\n${first.output()}`).toEqual([]);
    expect(elapsedMs).toBeLessThan(DEADLINE_MS);
    expect(await closeCode).toBe(1001);
    expect(await exit, first.output()).toBe(0);

    // the lock was released: a second start on the same folder serves (it would refuse a held one)
    const second = await npmStart(dataDir);
    const secondTree = descendants(second.pid);
    const stopped = await signalAndWait(second.pid, 'SIGINT', secondTree);
    expect(stopped.left, `still running after SIGINT:\n${second.output()}`).toEqual([]);
    expect(stopped.elapsedMs).toBeLessThan(DEADLINE_MS);
  });
});
