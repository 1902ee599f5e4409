/**
 * One sync per recordings dir across processes (serve, Electron, `aava sync
 * --once` from cron): an O_EXCL lock file holding the owner's pid. A lock
 * left by a killed process (pid gone) is taken over.
 */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';

export class SyncLockedError extends Error {
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(`${file}: another sync is running (pid ${pid})`);
    this.name = 'SyncLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws SyncLockedError; returns the release function. */
export function acquireSyncLock(file: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${file}: cannot create the sync lock (${(err as Error).message})`);
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(file, 'utf8').trim());
    } catch {
      continue;
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new SyncLockedError(file, pid);
    try {
      unlinkSync(file); // stale: its owner is gone
    } catch {
      // someone else removed it first
    }
  }
  throw new Error(`${file}: could not take the sync lock`);
}
