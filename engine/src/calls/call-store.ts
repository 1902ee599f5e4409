/**
 * The calls' persistence as the call path sees it: the call row is written at
 * once (before the call is answered), everything after it — state changes,
 * transcript lines, turns (with their stage columns), tool records, the
 * integrations' per-call rows (`defer`), the final row — goes through the
 * write-behind queue (written every 250 ms, in ~2 ms transactions). Transcript
 * sequence numbers are handed out here, in memory, so the `call.transcript`
 * event carries its seq before the line is on disk. Reads flush first, so
 * the API always sees every write made so far.
 */
import type { Db } from '../store/database.js';
import type { Logger } from '../observability/logger.js';
import { WriteBehind } from '../store/write-behind.js';
import type { CallDetail, CallListFilter, CallState, CallSummary, LatencyPoint, ToolCallRecord, TranscriptLine, TurnLatency } from '../api/calls.js';
import { CallsRepository, type FinishedCall, type NewCallRow } from './calls-repository.js';

export interface CallStoreOptions {
  log?: Logger;
  /** Longest a write waits in memory, ms (default 250). */
  maxDelayMs?: number;
}

export class CallStore {
  readonly repo: CallsRepository;
  readonly queue: WriteBehind;
  /** Last transcript seq per live call. */
  private readonly seq = new Map<string, number>();

  constructor(db: Db, opts: CallStoreOptions = {}) {
    this.repo = new CallsRepository(db);
    this.queue = new WriteBehind(db, { maxDelayMs: opts.maxDelayMs, log: opts.log });
  }

  /** Synchronous: the row exists before the call is answered. */
  insertCall(c: NewCallRow): void {
    this.repo.insertCall(c);
    this.seq.set(c.id, 0);
  }

  setState(id: string, state: CallState): void {
    this.queue.enqueue(() => this.repo.setState(id, state), `state:${id}`);
  }

  addTranscript(callId: string, role: TranscriptLine['role'], text: string, at: number): TranscriptLine {
    const seq = (this.seq.get(callId) ?? this.storedSeq(callId)) + 1;
    this.seq.set(callId, seq);
    this.queue.enqueue(() => this.repo.insertTranscript({ callId, seq, role, text, at }));
    return { callId, seq, role, text, at: new Date(at).toISOString() };
  }

  addTurn(t: TurnLatency): void {
    this.queue.enqueue(() => this.repo.addTurn(t));
  }

  addTool(r: ToolCallRecord): void {
    this.queue.enqueue(() => this.repo.addTool(r));
  }

  /** Any other per-call write (pre-call data, the post-call document): queued, in order with the rest. */
  defer(write: () => void): void {
    this.queue.enqueue(write);
  }

  finishCall(id: string, f: FinishedCall): void {
    this.seq.delete(id);
    this.queue.enqueue(() => this.repo.finishCall(id, f));
  }

  closeOrphans(now: number): number {
    return this.repo.closeOrphans(now);
  }

  // ---- reads (read-through) ---------------------------------------------------

  list(f: CallListFilter): CallSummary[] {
    this.queue.flush();
    return this.repo.list(f);
  }

  get(id: string): CallDetail | null {
    this.queue.flush();
    return this.repo.get(id);
  }

  latencyPoints(sinceMs: number, provider?: string): LatencyPoint[] {
    this.queue.flush();
    return this.repo.latencyPoints(sinceMs, provider);
  }

  flush(): number {
    return this.queue.flush();
  }

  /** Shutdown: everything queued is written; later writes go straight to the database. */
  close(): void {
    this.queue.close();
  }

  /** A line for a call this store has not seen start (not expected): continue after what is stored. */
  private storedSeq(callId: string): number {
    this.queue.flush();
    return this.repo.maxSeq(callId);
  }
}
