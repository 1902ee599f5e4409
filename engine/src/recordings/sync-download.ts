/**
 * One recording of a sync run: streamed to a temp file inside the recordings
 * dir, verified (RIFF/WAVE, sane length, never a JSON error body), fsynced and
 * renamed into place; only then does one DB transaction write its row. A file
 * still being recorded is left for the next run; a failure is recorded with
 * its reason. A cancelled run removes its temp file before rethrowing.
 */
import { mkdirSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { SyncProgress } from '../api/events.js';
import type { RecordingSummary, SyncSummary } from '../api/recordings.js';
import { AriConnectError, type AriRecordingsClient } from './ari-recordings-client.js';
import { parseRecordingName } from './freepbx-name.js';
import { recordingId, localRelativePath, type RemoteRecording } from './sync-plan.js';
import { verifyDownload } from './verify-download.js';
import { downloadFailureReason } from './diagnosis.js';
import type { RecordingsRepo } from './recordings-repo.js';

export const PARTIAL_DIR = '.partial';
const HEAD_BYTES = 64 * 1024;

export interface SyncHooks {
  progress?(p: SyncProgress): void;
  recording?(r: RecordingSummary): void;
  downloaded?(r: RecordingSummary): void;
  /** Counter per result, for metrics. */
  count?(result: 'downloaded' | 'failed' | 'skipped'): void;
}

/** What the downloads of one run share. */
export interface DownloadRun {
  client: AriRecordingsClient;
  repo: RecordingsRepo;
  log: Logger;
  dir: string;
  signal?: AbortSignal;
  summary: SyncSummary;
  hooks: SyncHooks;
  progress(phase: SyncProgress['phase'], extra?: Partial<SyncProgress>): void;
  /** Directories that got a file (fsynced once at the end of the run). */
  touchedDirs: Set<string>;
  lastBytesEvent: number;
  /** Recordings that changed on the PBX: name → size of the file they replace. */
  replaced: ReadonlyMap<string, number>;
}

export async function downloadOne(run: DownloadRun, r: RemoteRecording): Promise<void> {
  const id = recordingId(r.name);
  const parsedName = parseRecordingName(r.name);
  const rel = localRelativePath(r.name, r.format);
  const final = join(run.dir, rel);
  const tmp = join(run.dir, PARTIAL_DIR, `${id}.${process.pid}.part`);
  const head: Buffer[] = [];
  let headLen = 0;
  const fh = await open(tmp, 'w', 0o644);
  let closed = false;
  try {
    const res = await run.client.download(
      r.name,
      async (chunk) => {
        if (headLen < HEAD_BYTES) {
          head.push(chunk);
          headLen += chunk.length;
        }
        await fh.write(chunk);
      },
      {
        signal: run.signal,
        onBytes: (n) => {
          run.summary.bytes += n;
          const now = Date.now();
          if (now - run.lastBytesEvent > 250) {
            run.lastBytesEvent = now;
            run.progress('downloading', { current: r.name });
          }
        },
      },
    );
    const body = Buffer.concat(head);
    let reason: string | undefined;
    let verified;
    if (res.status !== 200) reason = downloadFailureReason(res.status, res.errorBody);
    else if (res.expectedBytes !== undefined && res.expectedBytes !== res.bytes) reason = `download ended after ${res.bytes} of ${res.expectedBytes} bytes`;
    else {
      verified = verifyDownload(body, res.bytes, r.format);
      if (!verified.ok) reason = downloadFailureReason(200, undefined, verified.message);
    }
    if (verified && !verified.ok && verified.code === 'in_progress') {
      // Not an error: fetch it again once Asterisk has closed the file.
      await fh.close();
      closed = true;
      await unlink(tmp).catch(() => undefined);
      run.summary.skipped++;
      run.hooks.count?.('skipped');
      run.hooks.recording?.(run.repo.savePending(id, r.name, parsedName, r.format, 'still being recorded; fetched again by the next sync'));
      return;
    }
    if (reason || !verified || !verified.ok) {
      await fh.close();
      closed = true;
      await unlink(tmp).catch(() => undefined);
      run.summary.failed++;
      run.hooks.count?.('failed');
      const row = run.repo.saveFailed(id, r.name, parsedName, r.format, reason ?? 'unverified');
      run.log.warn({ recording: r.name, status: res.status }, 'recording download failed');
      run.hooks.recording?.(row);
      run.progress('downloading', { current: r.name, reason: reason ?? 'unverified' });
      return;
    }
    await fh.sync();
    await fh.close();
    closed = true;
    mkdirSync(dirname(final), { recursive: true });
    await rename(tmp, final);
    // Directory entries are fsynced once per run (below): a row whose file did not survive a power cut
    // is seen as missing by the next plan and fetched again.
    run.touchedDirs.add(dirname(final));
    const info = verified.kind === 'wav' ? verified.info : undefined;
    const row = run.repo.saveDownloaded({
      id,
      name: r.name,
      parsed: parsedName,
      format: r.format,
      filePath: rel,
      sizeBytes: res.bytes,
      durationSec: info?.durationSec,
      sampleRate: info?.sampleRate,
      channels: info?.channels,
      analyzable: verified.analyzable,
      unsupportedReason: verified.unsupportedReason,
      version: res.version,
      replaced: run.replaced.has(r.name) ? { fromBytes: run.replaced.get(r.name)! } : undefined,
    });
    run.summary.downloaded++;
    run.hooks.count?.('downloaded');
    run.hooks.recording?.(row);
    run.hooks.downloaded?.(row);
    run.progress('downloading', { current: r.name });
  } catch (err) {
    if (!closed) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if (run.signal?.aborted) throw err;
    const reason = err instanceof AriConnectError ? `${err.code}: ${err.message}` : (err as Error).message;
    run.summary.failed++;
    run.hooks.count?.('failed');
    const row = run.repo.saveFailed(id, r.name, parsedName, r.format, reason);
    run.hooks.recording?.(row);
    run.progress('downloading', { current: r.name, reason });
  }
}
