// npm run bench [-- --quick] [--rounds=N] [--backend=embedded|postgres] [--scenarios=a,b] [--profile]
//
// Orchestrates the benchmark of issue 8: for each backend (embedded PGlite; PostgreSQL + Redis when
// BENCH_DATABASE_URL / BENCH_REDIS_URL are set) and each round, it starts Rollcall and the raw
// baseline as child processes on fresh databases, one at a time, and drives each with the load
// generator in a process of its own. Rounds alternate the order. Each figure is the median over
// rounds. Once (in round 2, or 1 with one round) the baseline runs a second time right after itself:
// baseline ÷ that run is the noise floor.
// Writes BENCHMARKS.md (bench/results/quick.md with --quick; bench/results/partial.md for a run
// narrowed by --rounds, --scenarios, --targets, --backend or --profile) and exits non-zero only when
// a scenario failed to run, never because of speed.
//
//   --scenarios      fanout,course,viewers,join,ingest,dashboard,catchup (default: all)
//   --targets        rollcall,baseline,baseline2 (default: all three)
//   --profile[=all]  CPU-profile the Rollcall server (all: every server) over each scenario's measured
//                    phase, and heap-profile its idle subscribers (node:inspector; written to
//                    bench/results/profiles/; summarize with `npx tsx bench/profile-summary.ts <file>`)
//   BENCH_LOG_LEVEL  Rollcall's log level (default info, as in production; the log goes to a file)
//   BENCH_NODE_FLAGS extra node flags for the servers, e.g. "--max-opt=1" with --profile: without
//                    inlining, a heap profile charges each allocation to the function that made it
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import { median, type ReadyMessage, type TargetKind } from './common.ts';
import type { LoadConfig, LoadResult, Metrics, ScenarioName, Sizes } from './load.ts';
import { ForeignLoad, pidsNamed, waitForQuiet } from './machine.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '..');
const resultsDir = path.join(benchDir, 'results');

// ---- options ---------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = argv.includes('--quick');
const profile = argv.includes('--profile') ? 'rollcall' : option('profile') === 'all' ? 'all' : undefined;
const rounds = Number(option('rounds') ?? (quick ? 1 : 3));
const ALL_SCENARIOS: ScenarioName[] = ['fanout', 'course', 'viewers', 'join', 'ingest', 'dashboard', 'catchup'];
const scenarios = (option('scenarios')?.split(',') ?? ALL_SCENARIOS) as ScenarioName[];
for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) usage(`unknown scenario ${s}`);
type Role = 'rollcall' | 'baseline' | 'baseline2';
/** the round in which the baseline runs twice (the noise floor) */
const NOISE_ROUND = Math.min(2, Math.max(1, Number(option('rounds') ?? (argv.includes('--quick') ? 1 : 3))));
const roles = (option('targets')?.split(',') ?? ['rollcall', 'baseline', 'baseline2']) as Role[];
if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');

function usage(problem: string): never {
  process.stderr.write(
    `bench: ${problem}\nusage: npm run bench -- [--quick] [--rounds=N] [--backend=embedded|postgres] [--scenarios=${ALL_SCENARIOS.join(',')}] [--targets=rollcall,baseline,baseline2] [--profile]\n`,
  );
  process.exit(2);
}

const SIZES: Sizes = quick
  ? {
      ingestWarmup: 50,
      ingestEvents: 400,
      ingestInFlight: 64,
      ingestMaxMs: 15_000,
      joinWarmup: 10,
      joinEvents: 100,
      joinMaxMs: 10_000,
      fanoutSubscribers: [100, 500],
      fanoutEvents: 5,
      fanoutMaxMs: 8_000,
      fanoutEventTimeoutMs: 20_000,
      dashboardAttendances: 100,
      dashboardQueries: 100,
      dashboardInFlight: 8,
      dashboardMaxMs: 5_000,
      catchupChanges: 1_000,
    }
  : {
      ingestWarmup: 200,
      ingestEvents: 2_000,
      ingestInFlight: 64,
      ingestMaxMs: 30_000,
      joinWarmup: 20,
      joinEvents: 1_000,
      joinMaxMs: 60_000,
      fanoutSubscribers: [1_000, 5_000],
      fanoutEvents: 30,
      fanoutMaxMs: 20_000,
      fanoutEventTimeoutMs: 60_000,
      dashboardAttendances: 500,
      dashboardQueries: 500,
      dashboardInFlight: 8,
      dashboardMaxMs: 15_000,
      catchupChanges: 10_000,
    };

interface Backend {
  name: 'embedded' | 'postgres';
  title: string;
  dbUrl?: string;
  redisUrl?: string;
  /** embedded: a freshly initdb'd, empty PGlite folder, copied for each server (initdb takes ~7 s) */
  template?: string;
}

const backends: Backend[] = [{ name: 'embedded', title: 'Embedded PGlite, in-process bus' }];
if (process.env.BENCH_DATABASE_URL) {
  backends.push({
    name: 'postgres',
    title: process.env.BENCH_REDIS_URL ? 'PostgreSQL + Redis' : 'PostgreSQL, in-process bus',
    dbUrl: process.env.BENCH_DATABASE_URL,
    redisUrl: process.env.BENCH_REDIS_URL || undefined,
  });
}
const onlyBackend = option('backend');
const selected = onlyBackend ? backends.filter((b) => b.name === onlyBackend) : backends;
if (selected.length === 0) usage(`backend ${onlyBackend} is not available (set BENCH_DATABASE_URL for postgres)`);

const started = Date.now();
const codeAtStart = gitDescription();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const say = (line: string) => process.stderr.write(`[${elapsed()}] ${line}\n`);

// ---- which code is measured ----------------------------------------------------------------------
// Others may change the checkout while the benchmark runs: every Rollcall measurement records a
// fingerprint of src/ and prisma/, and the report says when they differ.

function fingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hash.update(path.relative(root, full)).update(readFileSync(full));
    }
  };
  for (const dir of ['src', 'prisma']) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return hash.digest('hex').slice(0, 12);
}

function gitDescription(): string {
  try {
    const head = execFileSync('git', ['log', '-1', '--format=%h %s'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'prisma'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    return `${head}${dirty ? ' (plus uncommitted changes in src/ or prisma/)' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

const codeSeen = new Map<string, string[]>();
function noteCode(label: string) {
  const f = fingerprint();
  codeSeen.set(f, [...(codeSeen.get(f) ?? []), label]);
}

// ---- child processes -------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function admin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

interface RunningChild {
  ready: ReadyMessage;
  stop(): Promise<void>;
}

/** Starts a server child on a fresh database: a new temp DATA_DIR, or a new PostgreSQL database. */
async function startServerChild(
  kind: TargetKind,
  backend: Backend,
  label: string,
  options: { countStatements?: boolean } = {},
): Promise<RunningChild> {
  const workDir = mkdtempSync(
    path.join(os.tmpdir(), `rollcall-bench-${label.replace(/\W+/g, '-').replace(/^-|-$/g, '')}-`),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  let database: string | undefined;
  env.BENCH_DATA_DIR = path.join(workDir, 'data');
  mkdirSync(env.BENCH_DATA_DIR);
  if (backend.dbUrl) {
    database = `${kind}_bench_${randomBytes(5).toString('hex')}`;
    await admin(backend.dbUrl, (c) => c.query(`CREATE DATABASE ${database}`));
    env.BENCH_DB_URL = databaseUrl(backend.dbUrl, database);
  } else if (backend.template) {
    cpSync(backend.template, path.join(env.BENCH_DATA_DIR, 'pgdata'), { recursive: true });
  }
  if (backend.redisUrl) env.BENCH_REDIS_URL = backend.redisUrl;
  if (options.countStatements) env.BENCH_COUNT_STATEMENTS = '1';

  const flags = ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx'];
  const logPath = path.join(workDir, 'server.log');
  const logFd = openSync(logPath, 'w');
  const child = spawn(process.execPath, [...flags, path.join(benchDir, `${kind}-server.ts`)], {
    cwd: root,
    env,
    stdio: ['ignore', logFd, 'inherit', 'ipc'],
  });
  closeSync(logFd);
  children.add(child);
  const cleanup = async (keepLog: boolean) => {
    if (keepLog) say(`${label}: server log kept at ${logPath}`);
    else rmSync(workDir, { recursive: true, force: true });
    if (database)
      await admin(backend.dbUrl!, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => {});
  };
  try {
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: not ready within 120 s`)), 120_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as ReadyMessage);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${label}: server exited with ${code} before it was ready`));
      });
    });
    return {
      ready,
      async stop() {
        child.send('stop');
        if (!(await waitExit(child, 20_000))) {
          say(`${label}: server did not stop within 20 s; killing it`);
          child.kill('SIGKILL');
          await waitExit(child, 5_000);
        }
        children.delete(child);
        await cleanup(child.exitCode !== 0);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await waitExit(child, 5_000);
    children.delete(child);
    await cleanup(true);
    throw error;
  }
}

function profileDir(label: string): string {
  const dir = path.join(resultsDir, 'profiles', label.replace(/\W+/g, '-').replace(/^-|-$/g, ''));
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function runLoad(config: LoadConfig): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'load.ts')], {
    cwd: root,
    env: { ...process.env, BENCH_LOAD_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const limitMs = quick ? 5 * 60_000 : 20 * 60_000;
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${config.label}: the load generator ran over ${limitMs / 60_000} min; killed`));
      }, limitMs);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as LoadResult);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${config.label}: the load generator exited with ${code} without a result`));
      });
    });
  } finally {
    await waitExit(child, 10_000);
    children.delete(child);
  }
}

// ---- the run ---------------------------------------------------------------------------------------

interface BackendResult {
  backend: Backend;
  rounds: Record<Role, Metrics[]>;
  statements: Metrics;
  /** the SQL of one join and one leave, from each side */
  notes: string[];
  errors: string[];
  versions: { database: string; redis?: string };
}

/**
 * Scenarios that run on one server; each group gets a fresh server (and database), so that one
 * scenario's leftovers (sockets, freed memory, rows) do not colour the next one's figures.
 */
const GROUPS: ScenarioName[][] = [['fanout'], ['course'], ['viewers'], ['join', 'ingest', 'dashboard'], ['catchup']];

async function measure(role: Role, backend: Backend, round: number): Promise<LoadResult> {
  const kind: TargetKind = role === 'rollcall' ? 'rollcall' : 'baseline';
  const label = `[${backend.name} r${round} ${role}]`;
  const quietBefore = await waitForQuiet(quick ? 10_000 : 15_000, say);
  if (kind === 'rollcall') noteCode(label);
  // With PostgreSQL and Redis, their servers work for us too (and, when shared, for others: then
  // this undercounts the foreign load)
  const services = backend.dbUrl ? ['postgres', 'redis-server'] : [];
  const others = new ForeignLoad(() => [
    ...[...children].map((c) => c.pid ?? 0).filter(Boolean),
    ...pidsNamed(services),
  ]).start();
  const result: LoadResult = { metrics: {}, errors: [], notes: [] };
  try {
    for (const group of GROUPS.map((g) => g.filter((s) => scenarios.includes(s))).filter((g) => g.length)) {
      const t0 = Date.now();
      const server = await startServerChild(kind, backend, label);
      say(
        `${label} server ready on 127.0.0.1:${server.ready.port} in ${((Date.now() - t0) / 1000).toFixed(1)} s for ${group.join(', ')}`,
      );
      try {
        const r = await runLoad({
          target: kind,
          label,
          url: `http://127.0.0.1:${server.ready.port}`,
          debugUrl: `http://127.0.0.1:${server.ready.debugPort}`,
          scenarios: group,
          sizes: SIZES,
          profileDir: profile === 'all' || (profile && kind === 'rollcall') ? profileDir(label) : undefined,
        });
        Object.assign(result.metrics, r.metrics);
        result.errors.push(...r.errors);
        result.notes.push(...r.notes);
      } catch (error) {
        result.errors.push(`${group.join(', ')}: ${(error as Error).message}`);
      } finally {
        await server.stop();
      }
    }
    const load = others.stop();
    result.metrics['machine.otherCoresBefore'] = quietBefore;
    result.metrics['machine.otherCores'] = load.average;
    result.metrics['machine.otherCoresPeak'] = load.peak;
    if (load.average > 0.3)
      say(
        `${label} other processes used ${load.average.toFixed(2)} cores on average (peak ${load.peak.toFixed(1)}) during this measurement`,
      );
    return result;
  } finally {
    others.stop();
  }
}

async function runBackend(backend: Backend): Promise<BackendResult> {
  const result: BackendResult = {
    backend,
    rounds: { rollcall: [], baseline: [], baseline2: [] },
    statements: {},
    notes: [],
    errors: [],
    versions: { database: 'unknown' },
  };
  if (backend.dbUrl)
    result.versions.database = await admin(
      backend.dbUrl,
      async (c) => (await c.query('SELECT version()')).rows[0].version,
    );
  let templateDir: string | undefined;
  if (backend.name === 'embedded') {
    // An empty cluster, as PGlite.create makes in a new folder; each server gets a copy (a fresh
    // database: Rollcall applies its migrations, the baseline its DDL).
    say('creating an empty PGlite cluster to copy for each server');
    templateDir = mkdtempSync(path.join(os.tmpdir(), 'rollcall-bench-template-'));
    backend.template = path.join(templateDir, 'pgdata');
    const db = await PGlite.create(backend.template);
    result.versions.database = (await db.query<{ version: string }>('SELECT version()')).rows[0].version;
    await db.close();
  }
  if (backend.redisUrl) {
    const redis = new Redis(backend.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    result.versions.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
    redis.disconnect();
  }
  for (let round = 1; round <= rounds; round++) {
    const order: Role[] = round % 2 === 1 ? ['rollcall', 'baseline'] : ['baseline', 'rollcall'];
    if (round === NOISE_ROUND) order.splice(order.indexOf('baseline') + 1, 0, 'baseline2');
    for (const role of order.filter((r) => roles.includes(r))) {
      say(`${backend.title}: round ${round}/${rounds}, ${role}`);
      try {
        const r = await measure(role, backend, round);
        r.metrics.round = round;
        result.rounds[role].push(r.metrics);
        if (role !== 'baseline2' && round === 1) result.notes.push(...r.notes);
        result.errors.push(...r.errors.map((e) => `${role} round ${round}: ${e}`));
      } catch (error) {
        result.errors.push(`${role} round ${round}: ${(error as Error).message}`);
        say(`FAILED ${role} round ${round}: ${(error as Error).message}`);
      }
    }
  }
  if (scenarios.includes('dashboard') && roles.includes('rollcall')) {
    // Counting statements (Prisma's query events) costs a little on every query, so it runs on a
    // server of its own, not on the timed ones.
    const label = `[${backend.name} statements]`;
    say(`${backend.title}: counting the dashboard query's SQL statements on a Rollcall with onQuery`);
    try {
      const server = await startServerChild('rollcall', backend, label, { countStatements: true });
      try {
        const r = await runLoad({
          target: 'rollcall',
          label,
          url: `http://127.0.0.1:${server.ready.port}`,
          debugUrl: `http://127.0.0.1:${server.ready.debugPort}`,
          scenarios: ['statements'],
          sizes: SIZES,
        });
        result.statements = r.metrics;
        result.notes.unshift(...r.notes);
        result.errors.push(...r.errors.map((e) => `statement count: ${e}`));
      } finally {
        await server.stop();
      }
    } catch (error) {
      result.errors.push(`statement count: ${(error as Error).message}`);
    }
  }
  if (templateDir) rmSync(templateDir, { recursive: true, force: true });
  return result;
}

// ---- the report ------------------------------------------------------------------------------------

type Better = 'higher' | 'lower';
interface Check {
  text: string;
  pass(rollcall: number, ratio: number): boolean;
}
interface RowSpec {
  label: string;
  metric: string;
  unit: 'ms' | '/s' | 'KB' | 'ms CPU' | 'statements';
  better: Better;
  check?: Check;
}
interface Section {
  title: string;
  scenario: ScenarioName;
  describe: (s: Sizes) => string;
  rows: (s: Sizes) => RowSpec[];
  /** metric holding how many events/queries one round measured */
  count?: string;
}

const ratioAtLeast = (r: number): Check => ({ text: `≥ ${r.toFixed(2)}×`, pass: (_v, ratio) => ratio >= r });
const ratioAtMost = (r: number): Check => ({ text: `≤ ${r}×`, pass: (_v, ratio) => ratio <= r });
const under50: Check = { text: '< 50 ms', pass: (v) => v < 50 };
/** RSS per subscriber moves with page reuse: a looser bound than the JS heap's. */
const rssPerSubscriberTarget: Check = { text: '< 10 KB', pass: (v) => v < 10 };
const heapPerSubscriberTarget: Check = { text: '< 6 KB', pass: (v) => v < 6 };

const fanRows = (scope: 'room' | 'course' | 'viewers', s: Sizes): RowSpec[] =>
  (scope === 'viewers' ? s.fanoutSubscribers.slice(-1) : s.fanoutSubscribers).flatMap((n) => {
    const largest = n === Math.max(...s.fanoutSubscribers);
    const key = `fanout.${scope}.${n}`;
    return [
      {
        label: `${n.toLocaleString('en')} subscribers: all served, p50`,
        metric: `${key}.p50`,
        unit: 'ms',
        better: 'lower',
      },
      {
        label: `${n.toLocaleString('en')} subscribers: all served, p99`,
        metric: `${key}.p99`,
        unit: 'ms',
        better: 'lower',
        check: largest ? ratioAtMost(1.5) : undefined,
      },
      {
        label: `${n.toLocaleString('en')} subscribers: server CPU per event`,
        metric: `${key}.cpuMsPerEvent`,
        unit: 'ms CPU',
        better: 'lower',
      },
      ...(largest
        ? ([
            {
              label: `${n.toLocaleString('en')} subscribers: memory per idle subscriber (RSS)`,
              metric: `${key}.bytesPerSubscriber`,
              unit: 'KB',
              better: 'lower',
              check: rssPerSubscriberTarget,
            },
            {
              label: `${n.toLocaleString('en')} subscribers: memory per idle subscriber (JS heap)`,
              metric: `${key}.heapBytesPerSubscriber`,
              unit: 'KB',
              better: 'lower',
              check: heapPerSubscriberTarget,
            },
          ] satisfies RowSpec[])
        : []),
    ] satisfies RowSpec[];
  });

const SECTIONS: Section[] = [
  {
    title: '1. Ingest',
    scenario: 'ingest',
    describe: (s) =>
      `Signed webhooks of a class: ${(s.ingestEvents / 4).toLocaleString('en')} distinct users each join (\`participant_joined\`), turn their camera on and off (\`track_published\`, \`track_unpublished\`) and leave (\`participant_left\`), each kind sent for all users before the next, ${s.ingestInFlight} in flight, ${s.ingestEvents.toLocaleString('en')} events after ${s.ingestWarmup} warm-up joins; response time from send to the end of the 200 response. After each run the dashboard query checks that every attendance was written.`,
    rows: () => [
      { label: 'events/s', metric: 'ingest.eventsPerSec', unit: '/s', better: 'higher', check: ratioAtLeast(0.7) },
      { label: 'response time p50', metric: 'ingest.p50', unit: 'ms', better: 'lower' },
      { label: 'response time p99', metric: 'ingest.p99', unit: 'ms', better: 'lower', check: ratioAtMost(1.5) },
      {
        label: "server CPU per event (the server process; not PostgreSQL's)",
        metric: 'ingest.cpuMsPerEvent',
        unit: 'ms CPU',
        better: 'lower',
      },
    ],
    count: 'ingest.events',
  },
  {
    title: '2. Join to dashboard',
    scenario: 'join',
    describe: (s) =>
      `One subscriber on the room (Rollcall: graphql-ws \`attendanceChanged(roomId)\` with the dashboard's selection; baseline: a raw ws subscriber of the room). ${s.joinEvents.toLocaleString('en')} events of a class, one at a time (each user joins, turns a camera on and off, and leaves), after ${s.joinWarmup} warm-up events. "200 response → message" counts 0 when the message arrives first (both servers publish before they answer; the baseline's message carries everything, so it always arrives first). Targets: p99 within 2× the baseline's from the send, and under 50 ms from the 200 response (SPEC section 6).`,
    rows: () => [
      { label: 'send → message p50', metric: 'join.sendP50', unit: 'ms', better: 'lower' },
      { label: 'send → message p99', metric: 'join.sendP99', unit: 'ms', better: 'lower', check: ratioAtMost(2) },
      { label: '200 response → message p50', metric: 'join.responseP50', unit: 'ms', better: 'lower' },
      { label: '200 response → message p99', metric: 'join.responseP99', unit: 'ms', better: 'lower', check: under50 },
    ],
    count: 'join.events',
  },
  {
    title: '3a. Fan-out: one room',
    scenario: 'fanout',
    describe: (s) =>
      `${s.fanoutSubscribers.map((n) => n.toLocaleString('en')).join(' and ')} subscribers on one room, all with the admin token (Rollcall: graphql-ws \`attendanceChanged(roomId)\` with the dashboard's selection, so they form one subscription cohort; baseline: raw ws), opened in batches of 250; up to ${s.fanoutEvents} joins sent one at a time (at most ${s.fanoutMaxMs / 1000} s of events per size and round); the time from sending the webhook until the last subscriber has the event. Memory (at the largest size, measured first on a fresh server): the server's RSS after a forced GC with the subscribers connected and idle, minus its RSS before they connected (after a warm-up with one subscriber), per subscriber; and the same for the JS heap (heapUsed). RSS can come out below the JS heap's growth when the server reuses pages it had freed, or above it when it maps new ones; the JS heap is the steadier figure and carries the 6 KB target (the baseline needs ~3 KB there), RSS a 10 KB bound. CPU: the server's user+system CPU per event.`,
    rows: (s) => fanRows('room', s),
    count: `fanout.room.${SIZES.fanoutSubscribers.at(-1)}.events`,
  },
  {
    title: '3b. Fan-out: one course (`liveSessionChanged(courseId)`)',
    scenario: 'course',
    describe: () =>
      `As 3a, with the subscribers on one course's session changes (baseline: raw ws subscribers of the course); the events alternate \`room_started\` of a new run of the course's room and its \`room_finished\`.`,
    rows: (s) => fanRows('course', s),
    count: `fanout.course.${SIZES.fanoutSubscribers.at(-1)}.events`,
  },
  {
    title: '3c. Fan-out: one course, every subscriber its own dashboard token',
    scenario: 'viewers',
    describe: (s) =>
      `As 3b at ${Math.max(...s.fanoutSubscribers).toLocaleString('en')} subscribers, but each subscriber connects with its own dashboard JWT, as one of the course's ${Math.max(...s.fanoutSubscribers).toLocaleString('en')} managers, instead of the admin token: ${Math.max(...s.fanoutSubscribers).toLocaleString('en')} distinct viewers with the same access (whether Rollcall can share one execution between them depends on how it keys its subscription cohorts). The baseline checks each token when the socket subscribes and sends every authorized socket the same bytes.`,
    rows: (s) => fanRows('viewers', s),
    count: `fanout.viewers.${SIZES.fanoutSubscribers.at(-1)}.events`,
  },
  {
    title: '4. Dashboard query',
    scenario: 'dashboard',
    describe: (s) =>
      `\`liveSession(roomId)\` with ${s.dashboardAttendances} attendances, each with its user and \`attendedSeconds\` (baseline: the same fields from GET /live-session, three SQL statements), ${s.dashboardInFlight} in flight, up to ${s.dashboardQueries} queries or ${s.dashboardMaxMs / 1000} s after 20 warm-up queries.`,
    rows: () => [
      { label: 'queries/s', metric: 'dashboard.qps', unit: '/s', better: 'higher' },
      { label: 'response time p50', metric: 'dashboard.p50', unit: 'ms', better: 'lower' },
      { label: 'response time p99', metric: 'dashboard.p99', unit: 'ms', better: 'lower' },
    ],
    count: 'dashboard.queries',
  },
  {
    title: '5. Catch-up after a reconnect',
    scenario: 'catchup',
    describe: (s) =>
      `A dashboard subscribed to \`attendanceChanged(roomId, after)\` goes away while ${s.catchupChanges.toLocaleString('en')} joins and leaves are ingested (${s.ingestInFlight} in flight); another dashboard receives them live. The first then comes back with the cursor of the last change it saw: how fast it receives every change it missed, against the rate they came live. Rollcall only: the baseline has no cursor to resume from. Target: the catch-up at least as fast as live.`,
    rows: () => [
      {
        label: 'missed changes received on return, per second',
        metric: 'catchup.perSec',
        unit: '/s',
        better: 'higher',
      },
      { label: 'the same changes live, per second', metric: 'catchup.livePerSec', unit: '/s', better: 'higher' },
    ],
    count: 'catchup.changes',
  },
];

function fmt(value: number, unit: RowSpec['unit']): string {
  if (!Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ms':
    case 'ms CPU':
      return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)} ${unit}`;
    case '/s':
      return `${value < 100 ? value.toFixed(1) : value.toFixed(0)}/s`;
    case 'KB':
      return `${(value / 1024).toFixed(1)} KB`;
    case 'statements':
      return String(value);
  }
}
const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');

function medianOf(list: Metrics[], metric: string) {
  return median(list.map((m) => m[metric]).filter((v): v is number => v !== undefined));
}

interface Verdict {
  line: string;
  pass: boolean | undefined;
}

function backendReport(r: BackendResult): { text: string; verdicts: Verdict[] } {
  const out: string[] = [];
  const verdicts: Verdict[] = [];
  const n = r.rounds;
  out.push(`## ${r.backend.title}`, '');
  out.push(
    `Rounds: Rollcall ${n.rollcall.length}, baseline ${n.baseline.length}. Each figure is the median over rounds. Ratio = Rollcall ÷ baseline. Noise floor = the baseline ÷ the baseline run again right after it (round ${NOISE_ROUND}): how far two runs of the same server differ here; a ratio inside it says nothing.`,
    '',
  );
  const noiseBase = n.baseline.filter((m) => m.round === NOISE_ROUND);
  for (const section of SECTIONS.filter((s) => scenarios.includes(s.scenario))) {
    out.push(`### ${section.title}`, '', section.describe(SIZES), '');
    if (section.count) {
      const counts = (role: Role) => n[role].map((m) => m[section.count!] ?? 0).join(', ') || '—';
      out.push(
        `Measured per round: Rollcall ${counts('rollcall')}; baseline ${counts('baseline')}; baseline again ${counts('baseline2')}.`,
        '',
      );
    }
    out.push(
      '| figure | Rollcall | baseline | ratio | noise floor | target | result |',
      '|---|---:|---:|---:|---:|---|---|',
    );
    for (const row of section.rows(SIZES)) {
      const rc = medianOf(n.rollcall, row.metric);
      const b = medianOf(n.baseline, row.metric);
      const noise = medianOf(noiseBase, row.metric) / medianOf(n.baseline2, row.metric);
      // a baseline of (nearly) zero makes a ratio meaningless: the message beat the response
      const ratio = row.unit === 'ms' && Math.abs(b) < 0.5 ? Number.NaN : rc / b;
      let result = '';
      if (row.check) {
        const absolute =
          row.check === under50 || row.check === rssPerSubscriberTarget || row.check === heapPerSubscriberTarget;
        const pass =
          Number.isFinite(rc) && (absolute || Number.isFinite(b))
            ? row.check.pass(row.unit === 'KB' ? rc / 1024 : rc, ratio)
            : undefined;
        result = pass === undefined ? 'not measured' : pass ? 'pass' : '**FAIL**';
        verdicts.push({
          line: `${r.backend.title} · ${section.title} · ${row.label}: ${fmt(rc, row.unit)} vs ${fmt(b, row.unit)} (${fmtRatio(ratio)}; target ${row.check.text})`,
          pass,
        });
      }
      out.push(
        `| ${row.label} | ${fmt(rc, row.unit)} | ${fmt(b, row.unit)} | ${fmtRatio(ratio)} | ${fmtRatio(noise)} | ${row.check?.text ?? ''} | ${result} |`,
      );
    }
    if (section.scenario === 'ingest') {
      const st = (m: Metrics, k: string) => (m[k] === undefined ? '—' : String(Math.round(m[k] * 10) / 10));
      const b = {
        'statements.join': medianOf(n.baseline, 'statements.join'),
        'statements.leave': medianOf(n.baseline, 'statements.leave'),
      };
      out.push(
        `| SQL statements per join / leave (Rollcall: Prisma's query log, which lists COMMIT but not BEGIN; baseline: all, BEGIN and COMMIT included) | ${st(r.statements, 'statements.join')} / ${st(r.statements, 'statements.leave')} | ${st(b, 'statements.join')} / ${st(b, 'statements.leave')} | | | | |`,
      );
    }
    if (section.scenario === 'catchup') {
      const back = medianOf(n.rollcall, 'catchup.perSec');
      const live = medianOf(n.rollcall, 'catchup.livePerSec');
      const pass = Number.isFinite(back) && Number.isFinite(live) ? back >= live : undefined;
      out.push(
        `| catch-up ÷ live | ${fmtRatio(back / live)} | | | | ≥ 1× | ${pass === undefined ? 'not measured' : pass ? 'pass' : '**FAIL**'} |`,
      );
      verdicts.push({
        line: `${r.backend.title} · ${section.title} · catch-up ${fmt(back, '/s')} vs live ${fmt(live, '/s')}`,
        pass,
      });
    }
    if (section.scenario === 'dashboard') {
      const at = (m: Metrics, size: number) => m[`statements.${size}`];
      const small = at(r.statements, 5);
      const big = at(r.statements, SIZES.dashboardAttendances);
      const bSmall = medianOf(n.baseline, 'statements.5');
      const bBig = medianOf(n.baseline, `statements.${SIZES.dashboardAttendances}`);
      const pass = Number.isFinite(small) && Number.isFinite(big) ? small === big : undefined;
      out.push(
        `| SQL statements at 5 / ${SIZES.dashboardAttendances} attendances | ${small ?? '—'} / ${big ?? '—'} | ${bSmall} / ${bBig} | | | the same at both | ${pass === undefined ? 'not measured' : pass ? 'pass' : '**FAIL**'} |`,
      );
      verdicts.push({
        line: `${r.backend.title} · ${section.title} · SQL statements at 5 / ${SIZES.dashboardAttendances} attendances: ${small} / ${big}`,
        pass,
      });
    }
    out.push('');
  }
  if (r.notes.length) {
    out.push(
      '<details><summary>Samples: the SQL of one join and one leave; one subscriber message of each fan-out</summary>',
      '',
      '```',
      ...r.notes,
      '```',
      '',
      '</details>',
      '',
    );
  }
  out.push(
    '<details><summary>Every round</summary>',
    '',
    '| metric | ' +
      (['rollcall', 'baseline', 'baseline2'] as Role[]).map((role) => `${role} (by round)`).join(' | ') +
      ' |',
    '|---|---|---|---|',
  );
  const metrics = [
    ...new Set(
      (['rollcall', 'baseline', 'baseline2'] as Role[]).flatMap((role) => n[role].flatMap((m) => Object.keys(m))),
    ),
  ].sort();
  for (const metric of metrics) {
    const cell = (role: Role) =>
      n[role].map((m) => (m[metric] === undefined ? '—' : Number(m[metric].toFixed(2)))).join(', ');
    out.push(`| ${metric} | ${cell('rollcall')} | ${cell('baseline')} | ${cell('baseline2')} |`);
  }
  out.push('', '</details>', '');
  return { text: out.join('\n'), verdicts };
}

const KEEP_MARKER = '<!-- Hand-written notes below this line are kept when `npm run bench` rewrites this file. -->';

function writeReport(results: BackendResult[], command: string): string {
  const cpus = os.cpus();
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(
    `Written by \`${command}\` on ${new Date().toISOString()} (${((Date.now() - started) / 60_000).toFixed(1)} min). Issue 8: every Rollcall figure next to a raw baseline measured in the same run.`,
    '',
  );
  lines.push('## Code', '');
  lines.push(`- Rollcall: ${codeAtStart} at the start; ${gitDescription()} at the end.`);
  if (codeSeen.size > 1) {
    lines.push(
      `- **The product changed while the benchmark ran**: its src/ and prisma/ had ${codeSeen.size} different contents across the Rollcall measurements (${[...codeSeen.entries()].map(([f, labels]) => `${f}: ${labels.join(', ')}`).join('; ')}). Medians mix versions; run it again on a settled checkout.`,
    );
  } else {
    lines.push(
      `- src/ and prisma/ were the same in every Rollcall measurement (fingerprint ${[...codeSeen.keys()][0] ?? 'n/a'}).`,
    );
  }
  lines.push('');
  lines.push('## Machine', '');
  lines.push(
    `- CPU: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}; memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${os.type()} ${os.release()}`,
  );
  lines.push(`- Node ${process.version}; open-file limit of this shell: ${ulimit()}`);
  for (const r of results) {
    lines.push(`- ${r.backend.title}: ${r.versions.database}${r.versions.redis ? `; Redis ${r.versions.redis}` : ''}`);
  }
  const loads = results.flatMap((r) =>
    (['rollcall', 'baseline', 'baseline2'] as Role[]).flatMap((role) =>
      r.rounds[role].map((m) => m['machine.otherCores']),
    ),
  );
  const peaks = results.flatMap((r) =>
    (['rollcall', 'baseline', 'baseline2'] as Role[]).flatMap((role) =>
      r.rounds[role].map((m) => m['machine.otherCoresPeak']),
    ),
  );
  if (loads.length) {
    const busiest = Math.max(...loads.filter(Number.isFinite));
    lines.push(
      `- Other processes on the machine (not the benchmark's) used on average ${median(loads).toFixed(2)} cores during a measurement (median over measurements; busiest measurement ${busiest.toFixed(2)}, peak second ${Math.max(...peaks.filter(Number.isFinite)).toFixed(1)} of ${cpus.length}).` +
        (busiest > 0.5
          ? ' **The machine was not idle: figures are slower and noisier than on an idle machine; see the noise floor and `machine.otherCores` per round.**'
          : ''),
    );
  }
  lines.push(
    "- Each server ran alone in a child process (`node --expose-gc --import tsx`) on a fresh database (a new temp `DATA_DIR`, or a new PostgreSQL database), with the load generator in another process on 127.0.0.1; the two share the machine's cores. Rollcall logs at `info` (as in production) to a file.",
    "- Baseline: `bench/baseline-server.ts`, a fixed reference: the simplest raw server doing the same job (node:http + ws + the same driver, the same JWT verification, the same writes in one transaction of prepared statements on the same tables, one serialization per event), with none of Rollcall's locking or retries. Noise floor: the baseline measured a second time in the same round.",
    '',
  );
  const verdicts: Verdict[] = [];
  const errors: string[] = [];
  const sections: string[] = [];
  for (const r of results) {
    const { text, verdicts: v } = backendReport(r);
    sections.push(text);
    verdicts.push(...v);
    errors.push(...r.errors.map((e) => `${r.backend.title}: ${e}`));
  }
  lines.push('## Targets', '');
  for (const v of verdicts)
    lines.push(`- ${v.pass === undefined ? 'not measured' : v.pass ? 'pass' : '**FAIL**'}: ${v.line}`);
  if (errors.length) {
    lines.push('', '## Scenarios that failed to run', '');
    for (const e of errors) lines.push(`- ${e}`);
  }
  lines.push('', ...sections);
  return lines.join('\n');
}

function ulimit(): string {
  try {
    return readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main() {
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const env = [
    process.env.BENCH_DATABASE_URL && `BENCH_DATABASE_URL=${process.env.BENCH_DATABASE_URL}`,
    process.env.BENCH_REDIS_URL && `BENCH_REDIS_URL=${process.env.BENCH_REDIS_URL}`,
  ]
    .filter(Boolean)
    .join(' ');
  const fullCommand = env ? `${env} ${command}` : command;
  say(
    `${fullCommand}: ${selected.map((b) => b.title).join('; ')}; ${rounds} round(s); scenarios ${scenarios.join(', ')}`,
  );
  const results: BackendResult[] = [];
  for (const backend of selected) results.push(await runBackend(backend));

  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');

  const report = writeReport(results, fullCommand);
  // Only a whole run (every scenario, target and backend, the default rounds) rewrites BENCHMARKS.md.
  const partial = profile || ['targets', 'scenarios', 'rounds', 'backend'].some((name) => option(name) !== undefined);
  const target = quick
    ? path.join(resultsDir, 'quick.md')
    : partial
      ? path.join(resultsDir, 'partial.md')
      : path.join(root, 'BENCHMARKS.md');
  writeFileSync(
    path.join(resultsDir, `${quick ? 'quick' : partial ? 'partial' : 'full'}-${stamp}.json`),
    JSON.stringify({ command: fullCommand, sizes: SIZES, results }, null, 2),
  );
  const previous = existsSync(target) ? readFileSync(target, 'utf8') : '';
  const kept = previous.includes(KEEP_MARKER) ? previous.slice(previous.indexOf(KEEP_MARKER)) : `${KEEP_MARKER}\n`;
  writeFileSync(target, `${report}\n${kept}`);
  say(`wrote ${path.relative(root, target)}`);

  const failed = results.flatMap((r) => r.errors);
  const missing = results.flatMap((r) =>
    (['rollcall', 'baseline', 'baseline2'] as Role[]).filter(
      (role) => roles.includes(role) && r.rounds[role].length < (role === 'baseline2' ? 1 : rounds),
    ),
  );
  if (failed.length || missing.length) {
    say(`${failed.length} scenario(s) failed to run:\n  ${failed.join('\n  ')}`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((error) => {
  say(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
