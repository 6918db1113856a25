// The runtime figures of SPEC section 12, measured on the compiled server (`node dist/main.js`, what
// `npm start` execs), built first so that the figures are of the current code:
//   - ready after a restart: spawn to the first 200 from /health, on an existing embedded data folder
//   - idle RSS on the embedded database, and on PostgreSQL (BENCH_DATABASE_URL, its own database)
//   npm run bench:runtime [-- --quick]
// Prints a markdown table; exits 1 when a target is missed, except with --quick (CI checks that it runs).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const restarts = quick ? 1 : 5;
/** How long the server sits idle before its RSS is read (timers, GC and lazy work settle). */
const idleMs = quick ? 2_000 : 15_000;
const postgresUrl = process.env.BENCH_DATABASE_URL;

interface Row {
  scenario: string;
  figure: string;
  target: string;
  pass: boolean | null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  child: ChildProcess;
  readyMs: number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts `node dist/main.js` and resolves once /health answers 200. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - startedAt > 120_000) throw new Error(`not serving after 120 s: ${stderr}`);
    await sleep(10);
  }
  const readyMs = performance.now() - startedAt;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    readyMs,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function embedded(rows: Row[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rollcall-bench-runtime-'));
  try {
    const env = { DATA_DIR: dataDir };
    const first = await startServer(env); // creates and migrates the data folder
    await first.stop();
    const readies: number[] = [];
    let rss = 0;
    for (let i = 0; i < restarts; i++) {
      const server = await startServer(env);
      readies.push(server.readyMs);
      if (i === restarts - 1) {
        await sleep(idleMs);
        rss = server.rssMb();
      }
      await server.stop();
    }
    const ready = median(readies);
    rows.push({
      scenario: `ready after a restart, embedded (median of ${restarts})`,
      figure: `${Math.round(ready)} ms`,
      target: '< 2000 ms',
      pass: ready < 2_000,
    });
    rows.push({ scenario: 'idle RSS, embedded', figure: `${Math.round(rss)} MB`, target: '< 250 MB', pass: rss < 250 });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgres(rows: Row[]) {
  if (!postgresUrl) {
    rows.push({
      scenario: 'idle RSS, PostgreSQL',
      figure: 'skipped (BENCH_DATABASE_URL unset)',
      target: '< 150 MB',
      pass: null,
    });
    return;
  }
  // a database of its own, so that the server's migrations touch nothing else
  const name = `rollcall_bench_runtime_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rollcall-bench-runtime-'));
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const env = { DATA_DIR: dataDir, DATABASE_URL: url.toString() };
    await (await startServer(env)).stop(); // migrates
    const server = await startServer(env);
    await sleep(idleMs);
    const rss = server.rssMb();
    await server.stop();
    rows.push({
      scenario: 'ready after a restart, PostgreSQL',
      figure: `${Math.round(server.readyMs)} ms`,
      target: '',
      pass: null,
    });
    rows.push({
      scenario: 'idle RSS, PostgreSQL',
      figure: `${Math.round(rss)} MB`,
      target: '< 150 MB',
      pass: rss < 150,
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
const rows: Row[] = [];
await embedded(rows);
await postgres(rows);

console.log(
  `\nRuntime, \`node dist/main.js\` (Node ${process.version}${quick ? ', --quick' : ''}, idle ${idleMs / 1000} s before RSS)\n`,
);
console.log('| scenario | figure | target | result |');
console.log('|---|---:|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.scenario} | ${row.figure} | ${row.target} | ${row.pass === null ? '' : row.pass ? 'pass' : '**FAIL**'} |`,
  );
}
const failed = rows.some((row) => row.pass === false);
process.exit(failed && !quick ? 1 : 0);
