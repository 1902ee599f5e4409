/**
 * Write-behind for SQLite writes that sit on the call path (transcript lines,
 * state changes, turns, tool records): they are queued in memory and written
 * together, in one transaction, at most `maxDelayMs` (250 ms) after the first
 * of them was queued. A process killed outright loses at most that window;
 * everything committed before it is whole (WAL). Readers that must see every
 * write so far call `flush()` first (read-through), and shutdown calls
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
  log?: Logger;
  /** After each flush: writes done, and how long the transaction took (ms). */
  flushed?(count: number, ms: number): void;
}

export class WriteBehind {
  private queue: (Write | undefined)[] = [];
  private readonly keyed = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  private flushing = false;
  private readonly maxDelayMs: number;

  constructor(
    private readonly db: Db,
    private readonly opts: WriteBehindOptions = {},
  ) {
    this.maxDelayMs = opts.maxDelayMs ?? 250;
  }

  get pending(): number {
    return this.queue.length;
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
    this.queue.push(write);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  /**
   * Writes everything queued now, in one transaction; returns how many writes ran.
   * A read made by a write of the batch (its flush is a no-op) sees what the batch wrote before it.
   */
  flush(): number {
    if (this.flushing) return 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    if (batch.length === 0) return 0;
    this.queue = [];
    this.keyed.clear();
    const t0 = performance.now();
    this.flushing = true;
    try {
      this.db.transaction(() => {
        for (const w of batch) w?.();
      })();
    } catch (err) {
      // One bad write must not take the others with it: redo them one by one.
      this.opts.log?.warn({ err: (err as Error).message, writes: batch.length }, 'store batch failed; writing one by one');
      for (const w of batch) if (w) this.runOne(w);
    } finally {
      this.flushing = false;
    }
    this.opts.flushed?.(batch.length, performance.now() - t0);
    return batch.length;
  }

  /** Flushes and switches to writing at once (engine shutdown). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private runOne(write: Write): void {
    try {
      write();
    } catch (err) {
      this.opts.log?.error({ err: (err as Error).message }, 'store write failed');
    }
  }
}
