/**
 * SQL for recordings, their analysis, FTS search and the analysis job queue.
 * Every sync outcome for one recording is a single transaction.
 */
import type { Db } from '../store/database.js';
import type { RecordingDetail, RecordingSummary, RecordingStatus, SentimentLabel, TranscriptSegment, ConversationStats } from '../api/recordings.js';
import type { ParsedRecordingName } from './freepbx-name.js';

export interface RecordingRow {
  id: string;
  name: string;
  direction: string | null;
  source: string | null;
  destination: string | null;
  started_at: number | null;
  unique_id: string | null;
  format: string | null;
  file_path: string | null;
  size_bytes: number;
  duration_sec: number | null;
  sample_rate: number | null;
  channels: number | null;
  status: string;
  status_reason: string | null;
  synced_at: number | null;
  call_id: string | null;
  analyzable: number;
  sentiment_label?: string | null;
  sentiment_score?: number | null;
}

export interface DownloadedRecording {
  id: string;
  name: string;
  parsed: ParsedRecordingName;
  format: string;
  filePath: string;
  sizeBytes: number;
  durationSec?: number;
  sampleRate?: number;
  channels?: number;
  analyzable: boolean;
  unsupportedReason?: string;
  /** Last-Modified/ETag the server sent with the file, if any. */
  version?: string;
  /** Set when this replaces an earlier file of the same name that changed on the PBX. */
  replaced?: { fromBytes: number };
}

/** A stored recording to compare with the PBX (size, version stamp). */
export interface CheckCandidate {
  id: string;
  name: string;
  remote_size: number | null;
  size_bytes: number;
  remote_etag: string | null;
}

export interface ListFilter {
  text?: string;
  from?: string;
  to?: string;
  direction?: string;
  number?: string;
  sentiment?: SentimentLabel;
  limit?: number;
  offset?: number;
}

const SUMMARY_COLS = `r.id, r.name, r.direction, r.source, r.destination, r.started_at, r.unique_id, r.format, r.file_path, r.size_bytes,
  r.duration_sec, r.sample_rate, r.channels, r.status, r.status_reason, r.synced_at, r.call_id, r.analyzable,
  a.sentiment_label, a.sentiment_score`;

function toSummary(r: RecordingRow): RecordingSummary {
  const s: RecordingSummary = { id: r.id, name: r.name, sizeBytes: r.size_bytes, status: r.status as RecordingStatus };
  if (r.direction) s.direction = r.direction as RecordingSummary['direction'];
  if (r.source !== null) s.source = r.source;
  if (r.destination !== null) s.destination = r.destination;
  if (r.started_at !== null) s.startedAt = new Date(r.started_at).toISOString();
  if (r.unique_id) s.uniqueId = r.unique_id;
  if (r.duration_sec !== null) s.durationSec = r.duration_sec;
  if (r.sample_rate !== null) s.sampleRate = r.sample_rate;
  if (r.channels !== null) s.channels = r.channels;
  if (r.status_reason) s.statusReason = r.status_reason;
  if (r.sentiment_label) s.sentiment = r.sentiment_label as SentimentLabel;
  if (r.sentiment_score !== null && r.sentiment_score !== undefined) s.sentimentScore = r.sentiment_score;
  if (r.call_id) s.callId = r.call_id;
  return s;
}

/** Turns free text into an FTS5 query of quoted terms (no operator injection). */
function ftsQuery(text: string): string | undefined {
  const terms = text
    .split(/\s+/)
    .map((t) => t.replace(/"/g, '').trim())
    .filter((t) => t.length > 0)
    .slice(0, 16);
  if (terms.length === 0) return undefined;
  // Every term must match; the last one also as a prefix (search-as-you-type).
  return terms.map((t, i) => (i === terms.length - 1 ? `"${t}"*` : `"${t}"`)).join(' ');
}

export class RecordingsRepo {
  constructor(private readonly db: Db) {}

  /** name → what sync needs to decide new/changed. */
  localStates(): Map<string, { name: string; format: string | null; status: string; file_path: string | null }> {
    const rows = this.db.prepare('SELECT name, format, status, file_path FROM recordings').all() as { name: string; format: string | null; status: string; file_path: string | null }[];
    return new Map(rows.map((r) => [r.name, r]));
  }

  private linkCallId(uniqueId: string | undefined): string | null {
    if (!uniqueId) return null;
    const row = this.db.prepare('SELECT id FROM calls WHERE unique_id = ? OR linked_id = ? ORDER BY started_at LIMIT 1').get(uniqueId, uniqueId) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /** The file is in place: one transaction writes the row and queues its analysis. */
  saveDownloaded(d: DownloadedRecording, now = Date.now()): RecordingSummary {
    const f = d.parsed.freepbx;
    const status: RecordingStatus = d.analyzable ? 'downloaded' : 'unsupported';
    const startedAt = f?.startedAtMs ?? (d.parsed.folderDate ? Date.parse(`${d.parsed.folderDate}T00:00:00Z`) : null);
    const reason = d.unsupportedReason ?? (d.replaced ? `changed on the PBX (${d.replaced.fromBytes} → ${d.sizeBytes} bytes); the transcript is from the previous file until it is analysed again` : null);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO recordings (id, name, direction, source, destination, started_at, unique_id, format, file_path, size_bytes, duration_sec, sample_rate, channels,
             status, status_reason, synced_at, call_id, updated_at, download_attempts, analyzable, remote_size, remote_etag, checked_at)
           VALUES (@id, @name, @direction, @source, @destination, @started_at, @unique_id, @format, @file_path, @size_bytes, @duration_sec, @sample_rate, @channels,
             @status, @status_reason, @now, @call_id, @now, 1, @analyzable, @size_bytes, @version, @now)
           ON CONFLICT(name) DO UPDATE SET format = excluded.format, file_path = excluded.file_path, size_bytes = excluded.size_bytes,
             remote_size = excluded.remote_size, remote_etag = excluded.remote_etag, checked_at = excluded.checked_at,
             duration_sec = excluded.duration_sec, sample_rate = excluded.sample_rate, channels = excluded.channels, status = excluded.status,
             status_reason = excluded.status_reason, synced_at = excluded.synced_at, call_id = COALESCE(recordings.call_id, excluded.call_id),
             updated_at = excluded.updated_at, download_attempts = recordings.download_attempts + 1, analyzable = excluded.analyzable`,
        )
        .run({
          id: d.id,
          name: d.name,
          direction: f?.direction ?? null,
          source: f?.source ?? null,
          destination: f?.destination ?? null,
          started_at: startedAt,
          unique_id: f?.uniqueId ?? null,
          format: d.format,
          file_path: d.filePath,
          size_bytes: d.sizeBytes,
          duration_sec: d.durationSec ?? null,
          sample_rate: d.sampleRate ?? null,
          channels: d.channels ?? null,
          status,
          status_reason: reason,
          version: d.version ?? null,
          now,
          call_id: this.linkCallId(f?.uniqueId),
          analyzable: d.analyzable ? 1 : 0,
        });
      // An analysable file keeps its previous transcript until the new analysis replaces it (one
      // transaction, analysis-queue.ts); one that cannot be analysed loses it now.
      if (!d.analyzable) {
        this.db.prepare('DELETE FROM recording_analysis WHERE recording_id = ?').run(d.id);
        this.db.prepare('DELETE FROM recording_fts WHERE recording_id = ?').run(d.id);
      } else {
        this.db
          .prepare(
            `INSERT INTO jobs (kind, subject, state, attempts, next_run_at, last_error) VALUES ('analyze', ?, 'queued', 0, 0, NULL)
             ON CONFLICT(kind, subject) DO UPDATE SET state = 'queued', attempts = 0, next_run_at = 0, last_error = NULL`,
          )
          .run(d.id);
      }
    })();
    return this.summary(d.id)!;
  }

  /**
   * Stored recordings (file on disk, settled) to compare with the PBX this run, among `listed`:
   * first those synced or recorded in the last 24 h (a MixMonitor file may still grow after a
   * transfer), then the ones compared longest ago, `budget` in all.
   */
  checkCandidates(listed: ReadonlySet<string>, budget: number, now = Date.now()): CheckCandidate[] {
    if (budget <= 0) return [];
    const rows = this.db
      .prepare(
        `SELECT id, name, remote_size, size_bytes, remote_etag, (COALESCE(synced_at, 0) >= @recent OR COALESCE(started_at, 0) >= @recent) AS recent
         FROM recordings WHERE file_path IS NOT NULL AND status IN ('downloaded', 'analyzing', 'analyzed', 'unsupported')
         ORDER BY recent DESC, COALESCE(checked_at, 0), name`,
      )
      .iterate({ recent: now - 86_400_000 }) as IterableIterator<CheckCandidate & { recent: number }>;
    const out: CheckCandidate[] = [];
    for (const r of rows) {
      if (!listed.has(r.name)) continue;
      out.push({ id: r.id, name: r.name, remote_size: r.remote_size, size_bytes: r.size_bytes, remote_etag: r.remote_etag });
      if (out.length >= budget) break;
    }
    return out;
  }

  /** Records the comparisons that found no change, in one transaction. */
  markChecked(checked: { id: string; version?: string }[], now = Date.now()): void {
    if (checked.length === 0) return;
    const st = this.db.prepare('UPDATE recordings SET checked_at = ?, remote_etag = COALESCE(?, remote_etag) WHERE id = ?');
    this.db.transaction(() => {
      for (const c of checked) st.run(now, c.version ?? null, c.id);
    })();
  }

  /** A download failed: the row says why (no file, nothing queued). */
  saveFailed(id: string, name: string, parsed: ParsedRecordingName, format: string, reason: string, now = Date.now()): RecordingSummary {
    const f = parsed.freepbx;
    this.db
      .prepare(
        `INSERT INTO recordings (id, name, direction, source, destination, started_at, unique_id, format, status, status_reason, updated_at, download_attempts, call_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'failed', ?, ?, 1, ?)
         ON CONFLICT(name) DO UPDATE SET status = CASE WHEN recordings.file_path IS NULL THEN 'failed' ELSE recordings.status END,
           status_reason = excluded.status_reason, updated_at = excluded.updated_at, download_attempts = recordings.download_attempts + 1`,
      )
      .run(id, name, f?.direction ?? null, f?.source ?? null, f?.destination ?? null, f?.startedAtMs ?? null, f?.uniqueId ?? null, format, reason, now, this.linkCallId(f?.uniqueId));
    return this.summary(id)!;
  }

  /** Listed but not final yet (still recording): a row without a file, fetched again next time. */
  savePending(id: string, name: string, parsed: ParsedRecordingName, format: string, reason: string, now = Date.now()): RecordingSummary {
    const f = parsed.freepbx;
    this.db
      .prepare(
        `INSERT INTO recordings (id, name, direction, source, destination, started_at, unique_id, format, status, status_reason, updated_at, call_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET status = CASE WHEN recordings.file_path IS NULL THEN 'pending' ELSE recordings.status END,
           status_reason = excluded.status_reason, updated_at = excluded.updated_at`,
      )
      .run(id, name, f?.direction ?? null, f?.source ?? null, f?.destination ?? null, f?.startedAtMs ?? null, f?.uniqueId ?? null, format, reason, now, this.linkCallId(f?.uniqueId));
    return this.summary(id)!;
  }

  /** Links recordings to engine calls that appeared after they were synced (same Asterisk uniqueid). */
  linkCalls(): number {
    return this.db
      .prepare(
        `UPDATE recordings SET call_id = (SELECT c.id FROM calls c WHERE c.unique_id = recordings.unique_id OR c.linked_id = recordings.unique_id ORDER BY c.started_at LIMIT 1)
         WHERE call_id IS NULL AND unique_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM calls c WHERE c.unique_id = recordings.unique_id OR c.linked_id = recordings.unique_id)`,
      )
      .run().changes;
  }

  summary(id: string): RecordingSummary | undefined {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLS} FROM recordings r LEFT JOIN recording_analysis a ON a.recording_id = r.id WHERE r.id = ?`).get(id) as RecordingRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  row(id: string): RecordingRow | undefined {
    return this.db.prepare(`SELECT ${SUMMARY_COLS} FROM recordings r LEFT JOIN recording_analysis a ON a.recording_id = r.id WHERE r.id = ?`).get(id) as RecordingRow | undefined;
  }

  detail(id: string): RecordingDetail | undefined {
    const row = this.row(id);
    if (!row) return undefined;
    const a = this.db.prepare('SELECT segments_json, stats_json, summary, reasons_json FROM recording_analysis WHERE recording_id = ?').get(id) as
      | { segments_json: string | null; stats_json: string | null; summary: string | null; reasons_json: string | null }
      | undefined;
    const d: RecordingDetail = { ...toSummary(row), audioPath: `recordings/${id}/audio`, segments: a?.segments_json ? (JSON.parse(a.segments_json) as TranscriptSegment[]) : [] };
    if (a?.stats_json) d.stats = JSON.parse(a.stats_json) as ConversationStats;
    if (a?.summary) d.summary = a.summary;
    if (a?.reasons_json) d.reasons = JSON.parse(a.reasons_json) as string[];
    return d;
  }

  list(f: ListFilter): RecordingSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const q = f.text ? ftsQuery(f.text) : undefined;
    if (q) {
      where.push('r.id IN (SELECT recording_id FROM recording_fts WHERE recording_fts MATCH ?)');
      params.push(q);
    }
    if (f.from) {
      where.push('r.started_at >= ?');
      params.push(Date.parse(f.from));
    }
    if (f.to) {
      where.push('r.started_at <= ?');
      params.push(Date.parse(f.to));
    }
    if (f.direction) {
      where.push('r.direction = ?');
      params.push(f.direction);
    }
    if (f.number) {
      where.push("(r.source LIKE ? ESCAPE '\\' OR r.destination LIKE ? ESCAPE '\\')");
      const like = `%${f.number.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(like, like);
    }
    if (f.sentiment) {
      where.push('a.sentiment_label = ?');
      params.push(f.sentiment);
    }
    const sql = `SELECT ${SUMMARY_COLS} FROM recordings r LEFT JOIN recording_analysis a ON a.recording_id = r.id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY COALESCE(r.started_at, r.synced_at) DESC, r.name LIMIT ? OFFSET ?`;
    params.push(f.limit ?? 100, f.offset ?? 0);
    return (this.db.prepare(sql).all(...params) as RecordingRow[]).map(toSummary);
  }

  setStatus(id: string, status: RecordingStatus, reason: string | null): void {
    this.db.prepare('UPDATE recordings SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?').run(status, reason, Date.now(), id);
  }

  /** Rows synced before `cutoffMs` (retention). */
  olderThan(cutoffMs: number): { id: string; file_path: string | null }[] {
    return this.db.prepare('SELECT id, file_path FROM recordings WHERE COALESCE(started_at, synced_at) < ? AND synced_at IS NOT NULL').all(cutoffMs) as { id: string; file_path: string | null }[];
  }

  /** Forget a recording locally; it stays listed as 'expired' so sync does not fetch it again. */
  expire(id: string): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE recordings SET status = 'unsupported', status_reason = 'removed by retention', file_path = NULL, updated_at = ? WHERE id = ?").run(Date.now(), id);
      this.db.prepare('DELETE FROM recording_analysis WHERE recording_id = ?').run(id);
      this.db.prepare('DELETE FROM recording_fts WHERE recording_id = ?').run(id);
      this.db.prepare("DELETE FROM jobs WHERE kind = 'analyze' AND subject = ?").run(id);
    })();
  }

  saveSetting(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at')
      .run(key, JSON.stringify(value), Date.now());
  }

  setting<T>(key: string): T | undefined {
    const row = this.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined;
    return row ? (JSON.parse(row.value_json) as T) : undefined;
  }
}
