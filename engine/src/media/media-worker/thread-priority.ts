/**
 * A media worker's scheduling priority, for its own thread only (Linux: the
 * thread's id from /proc/thread-self). Two levels, both needing root or
 * CAP_SYS_NICE to raise:
 *
 * - nice (-20…19): a weight; the thread still waits its turn behind busy
 *   threads of the same machine, a few ms at p99 when both cores are full;
 * - realtime: SCHED_RR at priority 10, as Asterisk's own `-p` does: the thread
 *   runs the moment its timer or socket wakes it. The kernel's RT throttling
 *   (95 % of each second by default) keeps a runaway thread from locking the
 *   machine. Node has no call for it, so `chrt` (util-linux) sets it.
 *
 * What could not be had is reported, never thrown: the worker runs on at the
 * priority it has.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Asterisk's `-p`: SCHED_RR, priority 10. */
export const REALTIME_PRIORITY = 10;

export interface ThreadPriority {
  nice: number;
  /** The thread runs under SCHED_RR or SCHED_FIFO. */
  realtime: boolean;
  /** Why the asked-for priority could not be had (absent when it could). */
  error?: string;
}

/** "realtime" or "nice N": how logs, health and the bench name a priority. */
export function describePriority(p: { nice?: number; realtime?: boolean }): string {
  return p.realtime ? 'realtime' : `nice ${p.nice ?? 0}`;
}

/** The scheduling policy field of /proc/<…>/stat (0 = SCHED_OTHER, 1 = FIFO, 2 = RR). */
export function policyFromStat(stat: string): number {
  // Field 2 (comm) is in parentheses and may hold spaces; fields after it start at field 3. Policy is field 41.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[41 - 3]);
}

function threadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

function isRealtime(): boolean {
  const policy = policyFromStat(readFileSync('/proc/thread-self/stat', 'latin1'));
  return policy === 1 || policy === 2;
}

function askRealtime(tid: number): string | undefined {
  // --reset-on-fork: threads this one starts later (the libuv pool, if it starts it) get the normal policy.
  const r = spawnSync('chrt', ['-r', '--reset-on-fork', '-p', String(REALTIME_PRIORITY), String(tid)], { encoding: 'utf8', timeout: 2000 });
  if (r.error) return `chrt: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`;
  if (r.status !== 0) return `chrt: ${(r.stderr || `exit ${r.status}`).trim().split('\n')[0]}`;
  return undefined;
}

/** Asks for `nice` and, if `realtime`, SCHED_RR for the calling thread; returns what it got. */
export function applyThreadPriority(nice: number, realtime: boolean): ThreadPriority {
  const tid = threadId();
  if (tid === undefined) return { nice: 0, realtime: false, error: 'no per-thread priority on this platform' };
  let error: string | undefined;
  try {
    if (nice !== 0) setPriority(tid, nice);
  } catch (err) {
    error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
  if (realtime) error = askRealtime(tid) ?? error;
  const got = isRealtime();
  if (realtime && !got) error ??= 'chrt ran but the thread is not realtime';
  return { nice: getPriority(tid), realtime: got, ...(error ? { error } : {}) };
}
