// The runtime figures of SPEC section 12, measured on the compiled server (`node dist/main.js`, what
// `npm start` execs), built first so that the figures are of the current code:
//   - ready after a restart: spawn to the first 200 from /ready (the database answers), on an existing
//     embedded data folder
//   - idle RSS on the embedded database, and on PostgreSQL (BENCH_DATABASE_URL, its own database)
//   npm run bench:runtime [-- --quick] [--against=<git ref>]
// --against builds that commit too (a git worktree sharing node_modules) and measures both in the
// same run, alternating, so that "before" and "after" see the same machine.
// Prints a markdown table; exits 1 when a target is missed, except with --quick (CI checks that it runs).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
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
const againstRef = process.argv.find((a) => a.startsWith('--against='))?.slice('--against='.length);

/** A build to measure: this checkout, or a previous commit built in a worktree. */
interface Build {
  label: string;
  dir: string;
}

interface Row {
  scenario: string;
  /** The figure of each build, in the order of `builds`. */
  figures: string[];
  target: string;
  /** Whether this checkout's figure meets the target (null: no target). */
  pass: boolean | null;
}

/** Builds `ref` in a worktree of its own that shares this checkout's node_modules. */
function buildRef(ref: string): Build {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollcall-bench-ref-'));
  rmSync(dir, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: root, stdio: 'ignore' });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  // what `npm install` runs there: its own Prisma client and its own build of dist/
  execFileSync(process.execPath, ['scripts/postinstall.mjs'], { cwd: dir, stdio: 'ignore' });
  const commit = execFileSync('git', ['rev-parse', '--short', ref], { cwd: root, encoding: 'utf8' }).trim();
  return { label: `${ref} (${commit})`, dir };
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

/** Starts `node dist/main.js` of `build` and resolves once /ready answers 200. */
async function startServer(build: Build, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: build.dir,
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
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
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

async function embedded(builds: Build[], rows: Row[]) {
  const dataDirs = builds.map(() => mkdtempSync(path.join(tmpdir(), 'rollcall-bench-runtime-')));
  try {
    // each build creates and migrates its own data folder first
    for (const [i, build] of builds.entries()) await (await startServer(build, { DATA_DIR: dataDirs[i]! })).stop();
    const readies: number[][] = builds.map(() => []);
    const rss: number[] = builds.map(() => 0);
    for (let round = 0; round < restarts; round++) {
      // alternate which build goes first
      const order = builds.map((_, i) => i);
      if (round % 2) order.reverse();
      for (const i of order) {
        const server = await startServer(builds[i]!, { DATA_DIR: dataDirs[i]! });
        readies[i]!.push(server.readyMs);
        if (round === restarts - 1) {
          await sleep(idleMs);
          rss[i] = server.rssMb();
        }
        await server.stop();
      }
    }
    const ready = readies.map(median);
    rows.push({
      scenario: `ready after a restart, embedded (median of ${restarts})`,
      figures: ready.map((ms) => `${Math.round(ms)} ms`),
      target: '< 2000 ms',
      pass: ready.at(-1)! < 2_000,
    });
    rows.push({
      scenario: 'idle RSS, embedded',
      figures: rss.map((mb) => `${Math.round(mb)} MB`),
      target: '< 250 MB',
      pass: rss.at(-1)! < 250,
    });
  } finally {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(builds: Build[], rows: Row[]) {
  if (!postgresUrl) {
    rows.push({
      scenario: 'idle RSS, PostgreSQL',
      figures: builds.map(() => 'skipped (BENCH_DATABASE_URL unset)'),
      target: '< 150 MB',
      pass: null,
    });
    return;
  }
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rollcall-bench-runtime-'));
  const readies: number[] = [];
  const rss: number[] = [];
  try {
    for (const [i, build] of builds.entries()) {
      // a database of its own, so that the server's migrations touch nothing else
      const name = `rollcall_bench_runtime_${process.pid}_${i}`;
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const url = new URL(postgresUrl);
        url.pathname = `/${name}`;
        const env = { DATA_DIR: dataDir, DATABASE_URL: url.toString() };
        await (await startServer(build, env)).stop(); // migrates
        const server = await startServer(build, env);
        await sleep(idleMs);
        rss.push(server.rssMb());
        readies.push(server.readyMs);
        await server.stop();
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      }
    }
    rows.push({
      scenario: 'ready after a restart, PostgreSQL',
      figures: readies.map((ms) => `${Math.round(ms)} ms`),
      target: '',
      pass: null,
    });
    rows.push({
      scenario: 'idle RSS, PostgreSQL',
      figures: rss.map((mb) => `${Math.round(mb)} MB`),
      target: '< 150 MB',
      pass: rss.at(-1)! < 150,
    });
  } finally {
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
const builds: Build[] = [{ label: 'this checkout', dir: root }];
if (againstRef) builds.unshift(buildRef(againstRef));
const rows: Row[] = [];
try {
  await embedded(builds, rows);
  await postgres(builds, rows);
} finally {
  if (againstRef)
    execFileSync('git', ['worktree', 'remove', '--force', builds[0]!.dir], { cwd: root, stdio: 'ignore' });
}

console.log(
  `\nRuntime, \`node dist/main.js\` (Node ${process.version}${quick ? ', --quick' : ''}, idle ${idleMs / 1000} s before RSS)\n`,
);
console.log(`| scenario | ${builds.map((b) => b.label).join(' | ')} | target | result |`);
console.log(`|---|${builds.map(() => '---:|').join('')}---|---|`);
for (const row of rows) {
  console.log(
    `| ${row.scenario} | ${row.figures.join(' | ')} | ${row.target} | ${row.pass === null ? '' : row.pass ? 'pass' : '**FAIL**'} |`,
  );
}
const failed = rows.some((row) => row.pass === false);
process.exit(failed && !quick ? 1 : 0);
