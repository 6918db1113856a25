// PGlite has no server to arbitrate access: two processes opening one data folder corrupt it.
// A lock file holding the owner's pid keeps the folder to one process, and a stale one (its
// process gone) is taken over.
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(`DATA_DIR ${dir} is in use by another Rollcall process (pid ${pid}); stop it or choose another DATA_DIR`);
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // a lock of ours from before a restart in the same pid (containers)
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock on `dir` (which must exist); returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const lockPath = path.join(dir, 'rollcall.lock');
  const tmpPath = `${lockPath}.${process.pid}`;
  writeFileSync(tmpPath, String(process.pid));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(tmpPath, lockPath); // atomic: fails when the lock exists
        return () => {
          try {
            if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
          } catch {
            /* already gone */
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
        if (Number.isFinite(owner) && isAlive(owner)) throw new DataDirLockedError(dir, owner);
        unlinkSync(lockPath); // stale
      }
    }
    throw new Error(`could not take the lock ${lockPath}`);
  } finally {
    unlinkSync(tmpPath);
  }
}
