/**
 * The analysis queue: one `analyze` job per recording in the jobs table,
 * worked one at a time, resumable after a restart (running → queued), retried
 * with exponential backoff. A job transcribes, scores sentiment, computes the
 * conversation stats and indexes the text for search in one transaction.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../store/database.js';
import type { Logger } from '../observability/logger.js';
import type { RecordingStatus, RecordingSummary, TranscriptSegment } from '../api/recordings.js';
import { parseWavHeader } from '../media/wav.js';
import type { Transcriber } from './transcribers.js';
import { conversationStats } from './conversation-stats.js';
import { callSentiment, labelOf, textSentiment } from './lexicon-sentiment.js';
import { llmReview, type LlmOptions } from './llm-summary.js';

/** What the queue needs of the recordings it analyses (the recordings repo is one). */
export interface AnalysedRecordings {
  row(id: string): { analyzable: number; file_path: string | null } | undefined;
  summary(id: string): RecordingSummary | undefined;
  setStatus(id: string, status: RecordingStatus, reason: string | null): void;
}

export interface AnalysisDeps {
  db: Db;
  repo: AnalysedRecordings;
  log: Logger;
  /** Recordings dir (file_path is relative to it). */
  dir: string;
  /** The transcriber to use now (settings may change), or undefined when transcription is off (jobs then wait). */
  transcriber(): Transcriber | undefined;
  /** LLM review options when enabled. */
  llm?(): LlmOptions | undefined;
  updated?(r: RecordingSummary): void;
  maxAttempts?: number;
  /** Delay before retry n (1-based), ms. */
  backoffMs?(attempt: number): number;
  now?(): number;
}

interface JobRow {
  id: number;
  subject: string;
  attempts: number;
  next_run_at: number;
}

const defaultBackoffMs = (attempt: number): number => Math.min(3_600_000, 30_000 * 2 ** (attempt - 1));

export class AnalysisQueue {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private abort = new AbortController();
  private stopped = true;

  constructor(private readonly d: AnalysisDeps) {}

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  /** Jobs a killed process left running go back to the queue. */
  start(): void {
    this.stopped = false;
    this.abort = new AbortController();
    this.d.db.prepare("UPDATE jobs SET state = 'queued' WHERE kind = 'analyze' AND state = 'running'").run();
    this.d.db.prepare("UPDATE recordings SET status = 'downloaded' WHERE status = 'analyzing'").run();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  /** Work due jobs soon (after a download, or at start). */
  kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), 0);
  }

  counts(): Record<string, number> {
    const rows = this.d.db.prepare("SELECT state, COUNT(*) AS n FROM jobs WHERE kind = 'analyze' GROUP BY state").all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        while (!this.stopped && (await this.runNext())) {
          /* keep going while jobs are due */
        }
      } catch (err) {
        // e.g. the database closed under a job at shutdown: the job stays 'running' and is requeued at next start
        if (!this.stopped) this.d.log.error({ err: (err as Error).message }, 'analysis queue error');
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.stopped) return;
    const next = this.d.db.prepare("SELECT MIN(next_run_at) AS t FROM jobs WHERE kind = 'analyze' AND state = 'queued'").get() as { t: number | null };
    if (next.t !== null) {
      // Transcription off: look again now and then (a config reload may switch it on).
      const wait = this.d.transcriber() ? Math.max(1000, next.t - this.now()) : 60_000;
      this.timer = setTimeout(() => void this.loop(), wait);
      this.timer.unref?.();
    }
  }

  /** Runs every due job now, one after another (CLI and tests). Returns how many ran. */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.runNext()) n++;
    return n;
  }

  /** Takes one due job and works it. False when none is due. */
  async runNext(): Promise<boolean> {
    // With transcription off the jobs wait: switching a transcriber on later works off the backlog.
    if (!this.d.transcriber()) return false;
    const job = this.d.db
      .prepare("SELECT id, subject, attempts, next_run_at FROM jobs WHERE kind = 'analyze' AND state = 'queued' AND next_run_at <= ? ORDER BY next_run_at, id LIMIT 1")
      .get(this.now()) as JobRow | undefined;
    if (!job) return false;
    this.d.db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1 WHERE id = ?").run(job.id);
    const attempt = job.attempts + 1;
    try {
      await this.analyze(job.subject);
      this.d.db.prepare("UPDATE jobs SET state = 'done', last_error = NULL WHERE id = ?").run(job.id);
    } catch (err) {
      const msg = (err as Error).message;
      const max = this.d.maxAttempts ?? 5;
      const permanent = /ENOENT|no such file|not supported|expected 16-bit PCM/.test(msg);
      const final = attempt >= max || permanent;
      if (this.abort.signal.aborted) {
        this.d.db.prepare("UPDATE jobs SET state = 'queued', attempts = attempts - 1 WHERE id = ?").run(job.id);
        this.d.repo.setStatus(job.subject, 'downloaded', null);
        return false;
      }
      const delay = (this.d.backoffMs ?? defaultBackoffMs)(attempt);
      this.d.db
        .prepare('UPDATE jobs SET state = ?, next_run_at = ?, last_error = ? WHERE id = ?')
        .run(final ? 'failed' : 'queued', this.now() + delay, msg.slice(0, 2000), job.id);
      const reason = final ? `analysis failed after ${attempt} attempt(s): ${msg}` : `analysis attempt ${attempt} failed, retrying: ${msg}`;
      this.d.repo.setStatus(job.subject, 'downloaded', reason.slice(0, 2000));
      this.d.log.warn({ recordingId: job.subject, attempt, final, err: msg }, 'recording analysis failed');
      const s = this.d.repo.summary(job.subject);
      if (s) this.d.updated?.(s);
    }
    return true;
  }

  private async analyze(id: string): Promise<void> {
    const row = this.d.repo.row(id);
    if (!row) return; // the recording is gone; nothing to do
    if (!row.analyzable || !row.file_path) return;
    this.d.repo.setStatus(id, 'analyzing', null);
    const s0 = this.d.repo.summary(id);
    if (s0) this.d.updated?.(s0);
    const wav = await readFile(join(this.d.dir, row.file_path));
    const info = parseWavHeader(wav);
    const transcriber = this.d.transcriber();
    if (!transcriber) throw new Error('transcription was switched off');
    const segments: TranscriptSegment[] = await transcriber.transcribe({ wav, info }, this.abort.signal);
    for (const s of segments) s.sentiment = textSentiment(s.text).score;
    const lexicon = callSentiment(segments.map((s) => s.text));
    let score = lexicon.score;
    let reasons = lexicon.reasons;
    let summary: string | null = null;
    let note: string | null = null;
    try {
      const llm = this.d.llm?.();
      if (llm && segments.length > 0) {
        const review = await llmReview(llm, segments, this.abort.signal);
        score = review.sentiment_score;
        reasons = review.reasons;
        summary = review.summary;
      }
    } catch (err) {
      if (this.abort.signal.aborted) throw err;
      // The transcript is the costly part: keep it with the lexicon sentiment rather than redo it for the review.
      note = `LLM review failed, lexicon sentiment kept: ${(err as Error).message}`.slice(0, 2000);
    }
    const stats = conversationStats(segments, info.durationSec);
    const text = segments.map((s) => s.text).join('\n');
    this.d.db.transaction(() => {
      this.d.db
        .prepare(
          `INSERT INTO recording_analysis (recording_id, transcriber, segments_json, sentiment_label, sentiment_score, stats_json, summary, reasons_json, analyzed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(recording_id) DO UPDATE SET transcriber = excluded.transcriber, segments_json = excluded.segments_json, sentiment_label = excluded.sentiment_label,
             sentiment_score = excluded.sentiment_score, stats_json = excluded.stats_json, summary = excluded.summary, reasons_json = excluded.reasons_json, analyzed_at = excluded.analyzed_at`,
        )
        .run(id, transcriber.name, JSON.stringify(segments), labelOf(score), score, JSON.stringify(stats), summary, JSON.stringify(reasons), this.now());
      this.d.db.prepare('DELETE FROM recording_fts WHERE recording_id = ?').run(id);
      if (text) this.d.db.prepare('INSERT INTO recording_fts (text, recording_id) VALUES (?, ?)').run(text, id);
      this.d.db.prepare("UPDATE recordings SET status = 'analyzed', status_reason = ?, updated_at = ? WHERE id = ?").run(note, this.now(), id);
    })();
    const s1 = this.d.repo.summary(id);
    if (s1) this.d.updated?.(s1);
    this.d.log.info({ recordingId: id, segments: segments.length, transcriber: transcriber.name }, 'recording analyzed');
  }
}
