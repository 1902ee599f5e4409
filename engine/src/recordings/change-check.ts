/**
 * Recordings changed on the PBX under the same name (a MixMonitor file that
 * grew after a transfer with the append option, a recording redone with
 * ifExists=overwrite). ARI's listing gives only `{name, format}`; GET /file
 * gives Content-Length (Asterisk's HTTP server adds it) and, from Asterisk
 * itself, no Last-Modified or ETag (captures: ari/recordings/*; ARI has no
 * HEAD and no conditional GET). So each stored recording is compared by the
 * size in the headers of GET /file, read without its body — and by the
 * Last-Modified/ETag when a proxy in front of ARI sends one. A budget per run
 * bounds the requests: recent recordings first, then the ones compared
 * longest ago, so a large archive is covered over several runs.
 */
import type { Logger } from '../observability/logger.js';
import type { AriRecordingsClient } from './ari-recordings-client.js';
import type { CheckCandidate, RecordingsRepo } from './recordings-repo.js';

export interface ChangeCheckOptions {
  /** Most recordings compared per run (default 100). */
  budget?: number;
  concurrency?: number;
  signal?: AbortSignal;
}

const DEFAULT_CHECK_BUDGET = 100;

/** The decision for one comparison (pure). */
export function hasChanged(c: Pick<CheckCandidate, 'remote_size' | 'size_bytes' | 'remote_etag'>, stamp: { size?: number; version?: string }): boolean {
  const known = c.remote_size ?? c.size_bytes;
  if (stamp.size !== undefined && stamp.size !== known) return true;
  return stamp.version !== undefined && c.remote_etag !== null && stamp.version !== c.remote_etag;
}

/**
 * Compares stored recordings among `listed` with the PBX. Returns name → size of the stored file
 * for those that changed (to be downloaded again); the unchanged ones are marked checked.
 */
export async function findChangedRecordings(client: AriRecordingsClient, repo: RecordingsRepo, listed: ReadonlySet<string>, log: Logger, opts: ChangeCheckOptions = {}): Promise<Map<string, number>> {
  const candidates = repo.checkCandidates(listed, opts.budget ?? DEFAULT_CHECK_BUDGET);
  const changed = new Map<string, number>();
  const same: { id: string; version?: string }[] = [];
  const queue = candidates.slice();
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      if (opts.signal?.aborted) return;
      try {
        const stamp = await client.stamp(c.name, opts.signal);
        if (stamp.status !== 200) continue; // gone or refused meanwhile: the download path reports it if it matters
        if (hasChanged(c, stamp)) {
          changed.set(c.name, c.size_bytes);
          log.info({ recording: c.name, storedBytes: c.remote_size ?? c.size_bytes, pbxBytes: stamp.size }, 'recording changed on the PBX; fetching it again');
        } else same.push({ id: c.id, version: stamp.version });
      } catch (err) {
        if (opts.signal?.aborted) return;
        log.debug({ recording: c.name, err: (err as Error).message }, 'could not compare a recording with the PBX');
      }
    }
  };
  await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, queue.length)) }, worker));
  repo.markChecked(same);
  return changed;
}
