// npm run bench:download [-- --quick]
// Issue 3's figure: Rollcall downloads a 1 GiB recording from a PlugNMeet server on loopback and
// we report throughput and the Rollcall process's peak RSS (target: under 200 MB). Both servers run
// in child processes of their own; this process only drives them and samples /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

const quick = process.argv.includes('--quick');
const SIZE = quick ? 64 * 1024 * 1024 : 1024 * 1024 * 1024;
const RSS_LIMIT_MB = 200;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'bench-key';
const SECRET = 'bench-secret-0123456789abcdef0123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The deterministic content the file server sends: a 1 MiB block repeated. */
function block(): Buffer {
  const b = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < b.length; i++) b[i] = (i * 2654435761) >>> 24;
  return b;
}

function expectedSha256(): string {
  const hash = createHash('sha256');
  const b = block();
  for (let sent = 0; sent < SIZE; sent += b.length) hash.update(b.subarray(0, Math.min(b.length, SIZE - sent)));
  return hash.digest('hex');
}

const procStatusMb = (pid: number, field: 'VmHWM' | 'VmRSS') => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
};
/** The process's peak RSS so far (the kernel's high-water mark, start-up included). */
const peakRssMb = (pid: number) => procStatusMb(pid, 'VmHWM');

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function signed(body: string) {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sha256: createHash('sha256').update(body).digest('base64') })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(KEY)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(SECRET));
  return { 'content-type': 'application/json', authorization: token, 'hash-token': token };
}

async function main() {
  const children: ChildProcess[] = [];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rollcall-bench-download-'));
  try {
    process.stdout.write(`download bench: ${SIZE / 1024 / 1024} MiB; computing the expected SHA-256…\n`);
    const sha256 = expectedSha256();

    const filePort = await freePort();
    const fileServer = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench/fake-plugnmeet-file.ts'), String(filePort), String(SIZE)],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    children.push(fileServer);

    const port = await freePort();
    const rollcall = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        PLUGNMEET_API_KEY: KEY,
        PLUGNMEET_API_SECRET: SECRET,
        PLUGNMEET_SERVER_URL: `http://127.0.0.1:${filePort}`,
      },
    });
    children.push(rollcall);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/ready`)).ok, 90_000, 'Rollcall to be ready');
    const baselineRss = peakRssMb(rollcall.pid!);
    process.stdout.write(
      `Rollcall ready (peak RSS so far ${baselineRss.toFixed(0)} MB); posting recording_proceeded…\n`,
    );

    const event = (name: string, id: string) =>
      JSON.stringify({
        event: name,
        id,
        created_at: String(Math.floor(Date.now() / 1000)),
        room: { sid: 'RM_bench', room_id: 'bench-room' },
        recording_info: { record_id: 'bench-recording', file_path: 'node_01/bench-recording.mp4' },
      });
    for (const [name, id] of [
      ['end_recording', 'bench-end'],
      ['recording_proceeded', 'bench-ready'],
    ]) {
      const body = event(name, id);
      const response = await fetch(`${base}/webhooks/plugnmeet`, { method: 'POST', headers: await signed(body), body });
      if (!response.ok) throw new Error(`${name}: ${response.status} ${await response.text()}`);
    }
    const started = performance.now();
    // RSS sampled while the download runs: the start-up peak (PGlite's initdb) would hide it
    const rssBefore = procStatusMb(rollcall.pid!, 'VmRSS');
    let rssDuring = rssBefore;
    const sampler = setInterval(() => {
      rssDuring = Math.max(rssDuring, procStatusMb(rollcall.pid!, 'VmRSS'));
    }, 25);
    let recording: { status: string; sha256: string | null; fileSize: number | null; error: string | null } | undefined;
    let lastReport = 0;
    await waitFor(
      async () => {
        const response = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ recordings(roomId: "bench-room") { status sha256 fileSize error } }' }),
        });
        recording = ((await response.json()) as any).data.recordings[0];
        if (performance.now() - lastReport > 5_000) {
          lastReport = performance.now();
          process.stdout.write(`  ${recording?.status}… peak RSS ${peakRssMb(rollcall.pid!).toFixed(0)} MB\n`);
        }
        if (recording?.status === 'FAILED') throw new Error(`download failed: ${recording.error}`);
        return recording?.status === 'READY';
      },
      10 * 60_000,
      'the recording to be READY',
    );
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const peak = peakRssMb(rollcall.pid!);
    const result = {
      date: new Date().toISOString(),
      bytes: SIZE,
      seconds: Number(seconds.toFixed(2)),
      throughputMBps: Number((SIZE / 1024 / 1024 / seconds).toFixed(1)),
      /** the whole service's high-water mark, start-up included (PGlite's initdb, Prisma, GraphQL) */
      peakRssMb: Number(peak.toFixed(1)),
      /** RSS just before the download */
      rssBeforeMb: Number(rssBefore.toFixed(1)),
      /** the largest RSS sampled (every 25 ms) while downloading */
      rssDuringDownloadMb: Number(rssDuring.toFixed(1)),
      /** what the download added: the job's own footprint */
      downloadRssGrowthMb: Number((rssDuring - rssBefore).toFixed(1)),
      rssLimitMb: RSS_LIMIT_MB,
      sha256Matches: recording!.sha256 === sha256,
      sizeMatches: recording!.fileSize === SIZE,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    writeFileSync(
      path.join(root, `bench/results/download${quick ? '-quick' : ''}.json`),
      JSON.stringify(result, null, 2),
    );
    if (!result.sha256Matches || !result.sizeMatches)
      throw new Error('the stored file differs from what PlugNMeet sent');
    const growth = rssDuring - rssBefore;
    process.stdout.write(
      `the download added ${growth.toFixed(0)} MB of RSS (target: under ${RSS_LIMIT_MB} MB); the service itself idles at ${rssBefore.toFixed(0)} MB\n`,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`download bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
