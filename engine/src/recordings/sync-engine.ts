/**
 * One sync run: list → plan (new/changed) → compare stored files with the
 * PBX (change-check.ts) → bounded-concurrency downloads (sync-download.ts).
 * Each file goes to a temp file inside the recordings dir, is verified
 * (RIFF/WAVE, sane length, never a JSON error body), fsynced and renamed
 * into place; only then does one DB transaction write its row. A run killed
 * at any point leaves at most temp files (removed by the next run) or a
 * renamed file without a row (downloaded again to the same path), so the
 * next run ends with the exact set: no duplicates, no half files.
 */
import { mkdirSync, readdirSync, rmSync, existsSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { SyncProgress } from '../api/events.js';
import type { SyncSummary } from '../api/recordings.js';
import { AriRecordingsClient, AriConnectError, type AriEndpoint } from './ari-recordings-client.js';
import { parseRecordingName } from './freepbx-name.js';
import { planSync, type LocalRecordingState } from './sync-plan.js';
import { diagnose } from './diagnosis.js';
import { downloadOne, PARTIAL_DIR, type DownloadRun, type SyncHooks } from './sync-download.js';
import { findChangedRecordings } from './change-check.js';
import { acquireSyncLock } from './sync-lock.js';
import type { RecordingsRepo } from './recordings-repo.js';

export interface SyncRunOptions {
  endpoint: AriEndpoint;
  /** Absolute recordings dir (files, `.partial/`, `.sync.lock`). */
  dir: string;
  concurrency?: number;
  /** 0 = keep everything. */
  retentionDays?: number;
  signal?: AbortSignal;
  /** Most stored recordings compared with the PBX per run (default 100; 0 = none). */
  checkBudget?: number;
}

export type { SyncHooks };


function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform can fsync a directory (Windows); the rename is still atomic
  }
}

/** Removes temp files a killed run left behind. Call only while holding the lock. */
function cleanPartials(dir: string): number {
  const p = join(dir, PARTIAL_DIR);
  if (!existsSync(p)) return 0;
  let n = 0;
  for (const f of readdirSync(p)) {
    rmSync(join(p, f), { force: true, recursive: true });
    n++;
  }
  return n;
}

export async function runSync(repo: RecordingsRepo, log: Logger, opts: SyncRunOptions, hooks: SyncHooks = {}): Promise<SyncSummary> {
  const summary: SyncSummary = { found: 0, downloaded: 0, skipped: 0, failed: 0, bytes: 0, startedAt: new Date().toISOString() };
  let release: () => void;
  try {
    mkdirSync(join(opts.dir, PARTIAL_DIR), { recursive: true });
    release = acquireSyncLock(join(opts.dir, '.sync.lock'));
  } catch (err) {
    return { ...summary, error: (err as Error).message, finishedAt: new Date().toISOString() };
  }
  const client = new AriRecordingsClient(opts.endpoint, { maxSockets: opts.concurrency ?? 4 });
  // In progress events `found` is the work found (new or changed recordings to fetch), so downloaded + failed
  // reaches it; the summary's `found` is the whole listing.
  let toFetch = 0;
  const progress = (phase: SyncProgress['phase'], extra: Partial<SyncProgress> = {}) =>
    hooks.progress?.({ phase, found: toFetch, downloaded: summary.downloaded, failed: summary.failed, bytes: summary.bytes, ...extra });
  try {
    const stale = cleanPartials(opts.dir);
    if (stale > 0) log.info({ removed: stale }, 'removed temp files of an interrupted sync');
    progress('listing');
    let listing;
    try {
      listing = await client.listStored(opts.signal);
    } catch (err) {
      const e = err instanceof AriConnectError ? err : new AriConnectError('UNKNOWN', String(err));
      const d = diagnose({ host: opts.endpoint.host, port: opts.endpoint.port, tls: opts.endpoint.tls, networkError: { code: e.code, message: e.message }, ...(e.code === 'CERT_PIN_MISMATCH' ? { pinMismatch: { pinned: opts.endpoint.trustFingerprint ?? '', presented: e.presentedFingerprint ?? '' } } : {}) });
      throw new Error(`${d.message}${d.fix ? ` Fix: ${d.fix}` : ''}`);
    }
    let parsed: unknown;
    try {
      parsed = listing.status === 200 ? JSON.parse(listing.body) : undefined;
    } catch {
      parsed = undefined;
    }
    if (listing.status !== 200 || !Array.isArray(parsed)) {
      const d = diagnose({ host: opts.endpoint.host, port: opts.endpoint.port, tls: opts.endpoint.tls, listing: { status: listing.status, body: listing.body } });
      throw new Error(`${d.message}${d.fix ? ` Fix: ${d.fix}` : ''}`);
    }

    const local = new Map<string, LocalRecordingState>();
    for (const [name, r] of repo.localStates()) {
      local.set(name, { name, format: r.format, status: r.status, fileOk: r.file_path ? existsSync(join(opts.dir, r.file_path)) : r.status !== 'failed' });
    }
    const plan = planSync(parsed, local);
    for (const rej of plan.rejected) log.warn({ reason: rej.reason }, 'skipped a listing entry');
    summary.found = parsed.length;
    const replaced = await findChangedRecordings(client, repo, new Set(plan.same.map((r) => r.name)), log, { budget: opts.checkBudget, concurrency: opts.concurrency, signal: opts.signal });
    if (opts.signal?.aborted) throw new Error('sync cancelled');
    summary.skipped = plan.unchanged - replaced.size + plan.rejected.length;
    let todo = [...plan.added, ...plan.changed, ...plan.same.filter((r) => replaced.has(r.name))];
    const retentionDays = opts.retentionDays ?? 0;
    const cutoff = retentionDays > 0 ? Date.now() - retentionDays * 86_400_000 : undefined;
    if (cutoff !== undefined) {
      const keep = todo.filter((r) => (parseRecordingName(r.name).freepbx?.startedAtMs ?? Infinity) >= cutoff);
      summary.skipped += todo.length - keep.length;
      todo = keep;
    }
    toFetch = todo.length;
    progress('downloading');

    const run: DownloadRun = { client, repo, log, dir: opts.dir, signal: opts.signal, summary, hooks, progress, touchedDirs: new Set<string>(), lastBytesEvent: 0, replaced };
    const queue = todo.slice();
    const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, queue.length)) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (opts.signal?.aborted) return;
        await downloadOne(run, next);
      }
    });
    // Every worker settles before the run returns: Promise.all would return on the first
    // cancelled download while the others still hold their temp files (and the lock would go).
    const settled = await Promise.allSettled(workers);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const d of run.touchedDirs) fsyncDir(d);
    if (opts.signal?.aborted) throw new Error('sync cancelled');

    if (cutoff !== undefined) {
      for (const old of repo.olderThan(cutoff)) {
        if (old.file_path) await unlink(join(opts.dir, old.file_path)).catch(() => undefined);
        repo.expire(old.id);
      }
    }
    repo.linkCalls();
    summary.finishedAt = new Date().toISOString();
    progress('done');
    return summary;
  } catch (err) {
    summary.error = (err as Error).message;
    summary.finishedAt = new Date().toISOString();
    progress('failed', { reason: summary.error });
    return summary;
  } finally {
    client.close();
    release();
  }
}
