// How busy the machine is with work that is not the benchmark's: other processes on a shared
// machine make every figure slower and noisier, so each measurement records how many cores
// something else used meanwhile, and a measurement starts only once the machine is quiet (or
// after a bounded wait, noted).
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ: the unit of /proc/stat and /proc/<pid>/stat on Linux

function machineBusyTicks(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = fields;
    return user + nice + system + irq + softirq + (steal ?? 0);
  } catch {
    return undefined;
  }
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // gone
  }
}

/** Samples, once a second, the cores used by processes other than `ours()`. */
export class ForeignLoad {
  private timer?: NodeJS.Timeout;
  private foreignTicks = 0;
  private wallTicks = 0;
  private peak = 0;
  private last?: { at: number; busy: number; ours: Map<number, number> };

  constructor(private readonly ours: () => number[]) {}

  private sample() {
    const busy = machineBusyTicks();
    if (busy === undefined) return;
    const at = performance.now();
    const pids = [process.pid, ...this.ours()];
    const ours = new Map(pids.map((pid) => [pid, processTicks(pid)]));
    if (this.last) {
      let oursDelta = 0;
      for (const [pid, ticks] of ours) oursDelta += ticks - (this.last.ours.get(pid) ?? ticks);
      const wall = ((at - this.last.at) / 1000) * TICKS_PER_SECOND;
      const foreign = Math.max(0, busy - this.last.busy - oursDelta);
      this.foreignTicks += foreign;
      this.wallTicks += wall;
      if (wall > 0) this.peak = Math.max(this.peak, foreign / wall);
    }
    this.last = { at, busy, ours };
  }

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
    return this;
  }

  /** Average and peak cores used by other processes since start. */
  stop(): { average: number; peak: number } {
    clearInterval(this.timer);
    this.sample();
    return { average: this.wallTicks ? this.foreignTicks / this.wallTicks : Number.NaN, peak: this.peak };
  }
}

/** Cores in use over `ms` (the benchmark's own children are stopped when this is called). */
export async function busyCores(ms = 2_000): Promise<number> {
  const before = machineBusyTicks();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineBusyTicks();
  if (before === undefined || after === undefined) return 0;
  return (after - before) / (((performance.now() - t0) / 1000) * TICKS_PER_SECOND);
}

/** Waits (bounded) until other processes use less than `threshold` cores; returns what it saw last. */
export async function waitForQuiet(maxWaitMs: number, say: (line: string) => void, threshold = 0.3): Promise<number> {
  const deadline = performance.now() + maxWaitMs;
  let busy = await busyCores();
  if (busy < threshold) return busy;
  say(
    `the machine is busy: other processes use ${busy.toFixed(1)} of ${os.cpus().length} cores; waiting up to ${Math.round(maxWaitMs / 1000)} s for quiet`,
  );
  while (busy >= threshold && performance.now() < deadline) busy = await busyCores(5_000);
  say(
    busy < threshold
      ? `quiet now (${busy.toFixed(2)} cores busy)`
      : `still busy (${busy.toFixed(1)} cores); measuring anyway (recorded in the report)`,
  );
  return busy;
}

/** Pids of the processes with these command names (e.g. the PostgreSQL and Redis servers). */
export function pidsNamed(names: readonly string[]): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}
