/**
 * Write-behind for SQLite writes that sit on the call path (transcript lines,
 * state changes, turns, tool records): they are queued in memory and written
 * together at most `maxDelayMs` (250 ms) after the first of them was queued.
 * That batch is written in slices, one transaction each, that hold the event
 * loop for at most `sliceMs` (2 ms) before yielding to it (setImmediate), so
 * the media clock sharing the thread never waits for a whole batch (at 500
 * calls one batch is hundreds of writes). A process killed outright loses at
 * most that window; everything committed before it is whole (WAL). Readers
 * that must see every write so far call `flush()` first (read-through: it
 * writes what is left at once, in one transaction), and shutdown calls
 * `close()`.
 *
 * A write may carry a key: a newer write with the same key replaces the queued
 * one in place (e.g. a call's state, where only the last value matters).
 */
import type { Db } from './database.js';
import type { Logger } from '../observability/logger.js';

export type Write = () => void;

export interface WriteBehindOptions {
  /** Longest a queued write waits, ms (default 250). */
  maxDelayMs?: number;
  /** A timed flush yields to the event loop after a transaction of about this long, ms (default 2). */
  sliceMs?: number;
  log?: Logger;
  /** After each flush: writes done, and how long the transaction took (ms). */
  flushed?(count: number, ms: number): void;
}

export class WriteBehind {
  private queue: (Write | undefined)[] = [];
  private readonly keyed = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  /** The batch a timed flush is writing slice by slice, and the next write of it. */
  private draining: (Write | undefined)[] | undefined;
  private drainAt = 0;
  /** When the first write now in `queue` was queued. */
  private firstQueuedAt = 0;
  private immediate?: NodeJS.Immediate;
  private closed = false;
  private flushing = false;
  private readonly maxDelayMs: number;
  private readonly sliceMs: number;

  constructor(
    private readonly db: Db,
    private readonly opts: WriteBehindOptions = {},
  ) {
    this.maxDelayMs = opts.maxDelayMs ?? 250;
    this.sliceMs = opts.sliceMs ?? 2;
  }

  get pending(): number {
    return this.queue.length + (this.draining ? this.draining.length - this.drainAt : 0);
  }

  /** Queues a write; after close() it runs at once (nothing may be lost at shutdown). */
  enqueue(write: Write, key?: string): void {
    if (this.closed) {
      this.runOne(write);
      return;
    }
    if (key !== undefined) {
      const at = this.keyed.get(key);
      if (at !== undefined) {
        this.queue[at] = write;
        return;
      }
      this.keyed.set(key, this.queue.length);
    }
    if (this.queue.length === 0) this.firstQueuedAt = performance.now();
    this.queue.push(write);
    if (!this.timer && !this.draining) this.armTimer(this.maxDelayMs);
  }

  /**
   * Writes everything queued now, in one transaction; returns how many writes ran.
   * A read made by a write of the batch (its flush is a no-op) sees what the batch wrote before it.
   */
  flush(): number {
    if (this.flushing) return 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    // What a timed flush has not written yet goes first, then everything queued since.
    const batch = this.draining ? this.draining.slice(this.drainAt).concat(this.queue) : this.queue;
    this.draining = undefined;
    this.queue = [];
    this.keyed.clear();
    if (batch.length === 0) return 0;
    this.write(batch, 0, batch.length);
    return batch.length;
  }

  /** Flushes and switches to writing at once (engine shutdown). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private armTimer(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delayMs);
    this.timer.unref();
  }

  /** A timed flush: the batch queued so far, one slice of at most ~sliceMs per turn of the event loop. */
  private drain(): void {
    this.immediate = undefined;
    if (this.flushing || this.closed) return;
    if (!this.draining) {
      if (this.queue.length === 0) return;
      this.draining = this.queue;
      this.drainAt = 0;
      this.queue = [];
      this.keyed.clear();
    }
    const batch = this.draining;
    const end = this.write(batch, this.drainAt, batch.length, this.sliceMs);
    if (this.draining !== batch) return; // a read-through (flush) wrote the rest meanwhile
    this.drainAt = end;
    if (end < batch.length) {
      this.immediate = setImmediate(() => this.drain());
      this.immediate.unref();
      return;
    }
    this.draining = undefined;
    // Writes queued while this batch was written: their own deadline still counts from when the first was queued.
    if (this.queue.length > 0 && !this.timer) this.armTimer(Math.max(0, this.firstQueuedAt + this.maxDelayMs - performance.now()));
  }

  /**
   * Writes batch[from, to) in one transaction, stopping early once `budgetMs` has passed; returns the index
   * after the last write done. A failing slice is redone write by write, so one bad write does not take the others with it.
   */
  private write(batch: (Write | undefined)[], from: number, to: number, budgetMs = Infinity): number {
    const t0 = performance.now();
    let end = from;
    this.flushing = true;
    try {
      this.db.transaction(() => {
        while (end < to) {
          batch[end++]?.();
          if (performance.now() - t0 >= budgetMs) break;
        }
      })();
    } catch (err) {
      this.opts.log?.warn({ err: (err as Error).message, writes: end - from }, 'store batch failed; writing one by one');
      for (let i = from; i < end; i++) {
        const w = batch[i];
        if (w) this.runOne(w);
      }
    } finally {
      this.flushing = false;
    }
    if (batch === this.draining) this.drainAt = end; // before `flushed`, which may read through
    this.opts.flushed?.(end - from, performance.now() - t0);
    // After a failed write, an unbounded flush goes on with the writes behind it.
    return budgetMs === Infinity && end < to ? this.write(batch, end, to) : end;
  }

  private runOne(write: Write): void {
    try {
      write();
    } catch (err) {
      this.opts.log?.error({ err: (err as Error).message }, 'store write failed');
    }
  }
}
