/**
 * What a sync has to do (pure): the remote listing against the local rows,
 * stable ids, and where a recording lives on disk.
 */
import { createHash } from 'node:crypto';

export interface RemoteRecording {
  name: string;
  format: string;
}

export interface LocalRecordingState {
  name: string;
  format: string | null;
  status: string;
  /** Whether the stored file is still on disk (checked by the caller). */
  fileOk: boolean;
}

export interface SyncPlan {
  /** Not known locally. */
  added: RemoteRecording[];
  /** Known, but the format changed, the last download failed, or the file is gone. */
  changed: RemoteRecording[];
  unchanged: number;
  /** The unchanged entries themselves (compared with the PBX by size, change-check.ts). */
  same: RemoteRecording[];
  /** Listing entries that were malformed or repeated, with why. */
  rejected: { entry: unknown; reason: string }[];
}

/** Validates one listing item as ARI's StoredRecording `{name, format}`. */
export function toRemoteRecording(entry: unknown): RemoteRecording | string {
  if (!entry || typeof entry !== 'object') return 'entry is not an object';
  const { name, format } = entry as { name?: unknown; format?: unknown };
  if (typeof name !== 'string' || name.length === 0) return 'entry has no "name"';
  if (typeof format !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(format)) return `"${name}": missing or odd "format"`;
  if (name.length > 1024 || name.includes('\0')) return `"${name.slice(0, 64)}": unusable name`;
  return { name, format };
}

/** Statuses after which a sync will not fetch the file again. */
const SETTLED = new Set(['downloaded', 'analyzing', 'analyzed', 'unsupported']);

export function planSync(listing: unknown, local: ReadonlyMap<string, LocalRecordingState>): SyncPlan {
  const plan: SyncPlan = { added: [], changed: [], unchanged: 0, same: [], rejected: [] };
  if (!Array.isArray(listing)) {
    plan.rejected.push({ entry: listing, reason: 'listing is not a JSON array' });
    return plan;
  }
  const seen = new Set<string>();
  for (const entry of listing) {
    const r = toRemoteRecording(entry);
    if (typeof r === 'string') {
      plan.rejected.push({ entry, reason: r });
      continue;
    }
    if (seen.has(r.name)) {
      plan.rejected.push({ entry, reason: `"${r.name}" listed twice` });
      continue;
    }
    seen.add(r.name);
    const row = local.get(r.name);
    if (!row) plan.added.push(r);
    else if (row.format !== r.format || !SETTLED.has(row.status) || !row.fileOk) plan.changed.push(r);
    else {
      plan.unchanged++;
      plan.same.push(r);
    }
  }
  return plan;
}

/** A recording's id: stable across syncs and machines, URL-safe. */
export function recordingId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 24);
}

/**
 * Where a recording's file goes, relative to the recordings dir. Path
 * segments are kept (so the FreePBX date folders survive) but every
 * character outside a safe set is replaced, and `.`/`..` never reach the
 * file system, whatever the server sends.
 */
export function localRelativePath(name: string, format: string): string {
  const segs = name
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => s.replace(/[^A-Za-z0-9._+@=-]/g, '_'))
    .map((s) => (/^\.+$/.test(s) ? s.replace(/\./g, '_') : s))
    .map((s) => (s.startsWith('.') ? `_${s.slice(1)}` : s));
  if (segs.length === 0) segs.push('_');
  // Two names that sanitize alike must not share a file: tag altered names with their id.
  if (segs.join('/') !== name) segs[segs.length - 1] += `~${recordingId(name).slice(0, 8)}`;
  const ext = format.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `${segs.join('/')}.${ext}`;
}
