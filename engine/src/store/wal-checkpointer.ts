/**
 * WAL checkpoints off the engine's thread. SQLite's automatic checkpoint runs
 * inside the commit that takes the WAL past 1,000 pages: that commit copies
 * the WAL into the database file and syncs it, on the thread that committed —
 * the engine's, where the media clock runs (at 500 calls of write-behind
 * batches it held the thread 16–19 ms where a batch alone takes 2–8 ms). The
 * checkpointer turns the automatic checkpoint off on the engine's connection
 * and runs PASSIVE checkpoints (they never block a writer) every `everyMs`
 * from a worker thread with its own connection. If that worker fails or
 * stops, the automatic checkpoint is back on, so the WAL never grows unbounded.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../observability/logger.js';
import type { Db } from './database.js';

/** SQLite's default wal_autocheckpoint (pages). */
const AUTO_CHECKPOINT_PAGES = 1000;

/** The worker's code (plain JS, so it runs the same under tsx and compiled). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpointed', frames: r ? r.checkpointed : 0 });
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: err.message });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Checkpoints the worker has run so far. */
  readonly checkpoints: number;
  /** Ends the worker (after a last checkpoint) and turns the automatic checkpoint back on. */
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints, ms (default 1000). */
  everyMs?: number;
  log?: Logger;
}

/** Starts checkpointing `db` (a file database in WAL mode) from a worker thread; undefined for any other database. */
export function startWalCheckpointer(db: Db, opts: WalCheckpointerOptions = {}): WalCheckpointer | undefined {
  if (db.memory || String(db.pragma('journal_mode', { simple: true })) !== 'wal') return undefined;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: db.name, driver, everyMs: opts.everyMs ?? 1000 } });
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  let checkpoints = 0;
  let running = true;
  const automatic = (): void => {
    running = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  worker.on('message', (m: { type: string; message?: string }) => {
    if (m.type === 'checkpointed') checkpoints++;
    else opts.log?.warn({ err: m.message }, 'WAL checkpoint failed; retrying on the next one');
  });
  worker.on('error', (err) => {
    opts.log?.warn({ err: err.message }, 'WAL checkpointer stopped; SQLite checkpoints automatically again');
    automatic();
  });
  worker.on('exit', () => {
    if (running) automatic();
  });
  return {
    get checkpoints() {
      return checkpoints;
    },
    async stop() {
      if (!running) return;
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
      automatic();
    },
  };
}
