/**
 * SQL for calls, turns, transcript lines (+ FTS5) and tool calls
 * (tables from migration 001). Times are epoch ms in the database and ISO
 * strings in the API. Writes are synchronous here; on the call path they go
 * through the write-behind queue of call-store.ts.
 */
import type { Db } from '../store/database.js';
import type { CallDetail, CallListFilter, CallOutcome, CallState, CallSummary, LatencyPoint, ProviderFailureReason, ToolCallRecord, TranscriptLine, TransportKind, TurnLatency, ValueSource } from '../api/calls.js';
import { turnTotalMs } from './latency-tracker.js';

export interface NewCallRow {
  id: string;
  channelId: string;
  uniqueId?: string;
  callerName?: string;
  callerNumber?: string;
  context: string;
  provider: string;
  transport: TransportKind;
  greeting: string;
  prompt: string;
  sources: CallDetail['sources'];
  startedAt: number;
}

/** How a call ended (its final row). */
export interface FinishedCall {
  endedAt: number;
  outcome: CallOutcome;
  transferTarget?: string;
  error?: string;
  /** With outcome provider_error: why the provider failed. */
  failureReason?: ProviderFailureReason;
}

interface CallRow {
  id: string;
  channel_id: string;
  unique_id: string | null;
  caller_name: string | null;
  caller_number: string | null;
  context: string;
  provider: string;
  transport: string;
  greeting: string | null;
  prompt: string | null;
  sources_json: string | null;
  state: string;
  started_at: number;
  ended_at: number | null;
  outcome: string | null;
  transfer_target: string | null;
  error: string | null;
  failure_reason: string | null;
  turns: number;
  last_turn_ms: number | null;
}

const SUMMARY_SELECT = `SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.call_id = c.id) AS turns,
  (SELECT COALESCE(t.first_audio_ms, t.provider_audio_ms, t.tts_first_byte_ms, t.llm_first_token_ms, t.stt_final_ms, t.end_of_turn_ms) FROM turns t WHERE t.call_id = c.id ORDER BY t.turn DESC LIMIT 1) AS last_turn_ms
  FROM calls c`;

function toSummary(r: CallRow): CallSummary {
  const s: CallSummary = {
    id: r.id,
    channelId: r.channel_id,
    context: r.context,
    provider: r.provider,
    transport: r.transport as TransportKind,
    state: (r.ended_at ? 'ended' : r.state) as CallState,
    startedAt: new Date(r.started_at).toISOString(),
    turns: r.turns,
  };
  if (r.unique_id) s.uniqueId = r.unique_id;
  if (r.caller_name) s.callerName = r.caller_name;
  if (r.caller_number) s.callerNumber = r.caller_number;
  if (r.ended_at) s.endedAt = new Date(r.ended_at).toISOString();
  if (r.outcome) s.outcome = r.outcome as CallOutcome;
  if (r.failure_reason) s.failureReason = r.failure_reason as ProviderFailureReason;
  if (r.transfer_target) s.transferTarget = r.transfer_target;
  if (r.last_turn_ms !== null) s.lastTurnLatencyMs = r.last_turn_ms;
  return s;
}

/** FTS5 query from free text: each word as a quoted prefix term, ANDed. */
function ftsQuery(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words.slice(0, 10).map((w) => `"${w}"*`).join(' ');
}

export class CallsRepository {
  /** Statements of the call path, prepared once (preparing per write cost as much as the write). */
  private readonly st: ReturnType<typeof prepareWrites>;

  constructor(private readonly db: Db) {
    this.st = prepareWrites(db);
  }

  insertCall(c: NewCallRow): void {
    this.st.insertCall.run(c.id, c.channelId, c.uniqueId ?? c.channelId, c.callerName ?? null, c.callerNumber ?? null, c.context, c.provider, c.transport, c.greeting, c.prompt, JSON.stringify(c.sources), c.startedAt);
  }

  setState(id: string, state: CallState): void {
    this.st.setState.run(state, id);
  }

  finishCall(id: string, f: FinishedCall): void {
    this.st.finishCall.run(f.endedAt, f.outcome, f.transferTarget ?? null, f.error ?? null, f.failureReason ?? null, id);
  }

  /** Calls a previous run left open (crash, kill): closed as errors. */
  closeOrphans(now: number): number {
    return this.db.prepare("UPDATE calls SET state = 'ended', ended_at = ?, outcome = 'error', error = 'engine stopped during the call' WHERE ended_at IS NULL").run(now).changes;
  }

  /** One transcript line with its sequence number (given by the caller, see call-store.ts). */
  insertTranscript(l: { callId: string; seq: number; role: TranscriptLine['role']; text: string; at: number }): void {
    this.st.insertLine.run(l.callId, l.seq, l.role, l.text, l.at);
    this.st.insertFts.run(l.text, l.callId, l.role);
  }

  /** Highest transcript seq stored for a call (0 when none). */
  maxSeq(callId: string): number {
    const r = this.st.maxSeq.get(callId) as { m: number | null };
    return r.m ?? 0;
  }

  addTurn(t: TurnLatency): void {
    this.st.addTurn.run(t.callId, t.turn, t.provider, t.endOfSpeechAt, t.endOfTurnMs ?? null, t.sttFinalMs, t.llmFirstTokenMs, t.ttsFirstByteMs, t.providerAudioMs ?? null, t.firstAudioMs, t.bargeInReactionMs);
  }

  addTool(r: ToolCallRecord): void {
    this.st.addTool.run(r.callId, r.name, JSON.stringify(r.args ?? null), JSON.stringify(r.result ?? null), r.ok ? 1 : 0, Date.parse(r.at), r.durationMs ?? null, r.error ?? null, r.kind ?? null);
  }

  list(f: CallListFilter): CallSummary[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.from) {
      where.push('c.started_at >= ?');
      args.push(Date.parse(f.from));
    }
    if (f.to) {
      where.push('c.started_at <= ?');
      args.push(Date.parse(f.to));
    }
    if (f.caller) {
      where.push("(c.caller_number LIKE ? ESCAPE '\\' OR c.caller_name LIKE ? ESCAPE '\\')");
      const like = `%${f.caller.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      args.push(like, like);
    }
    if (f.context) {
      where.push('c.context = ?');
      args.push(f.context);
    }
    if (f.provider) {
      where.push('c.provider = ?');
      args.push(f.provider);
    }
    if (f.outcome) {
      where.push('c.outcome = ?');
      args.push(f.outcome);
    }
    if (f.text) {
      const q = ftsQuery(f.text);
      if (!q) return [];
      where.push('c.id IN (SELECT call_id FROM transcript_fts WHERE transcript_fts MATCH ?)');
      args.push(q);
    }
    const sql = `${SUMMARY_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.started_at DESC LIMIT ? OFFSET ?`;
    args.push(f.limit ?? 100, f.offset ?? 0);
    return (this.db.prepare(sql).all(...args) as CallRow[]).map(toSummary);
  }

  get(id: string): CallDetail | null {
    const r = this.db.prepare(`${SUMMARY_SELECT} WHERE c.id = ?`).get(id) as CallRow | undefined;
    if (!r) return null;
    const transcript = (this.db.prepare('SELECT * FROM transcript_lines WHERE call_id = ? ORDER BY seq').all(id) as { seq: number; role: string; text: string; at: number }[]).map(
      (l): TranscriptLine => ({ callId: id, seq: l.seq, role: l.role as TranscriptLine['role'], text: l.text, at: new Date(l.at).toISOString() }),
    );
    const turnLatencies = (this.db.prepare('SELECT * FROM turns WHERE call_id = ? ORDER BY turn').all(id) as TurnRow[]).map(toTurnLatency);
    const toolCalls = (this.db.prepare('SELECT * FROM tool_calls WHERE call_id = ? ORDER BY id').all(id) as ToolRow[]).map(toToolCall);
    const sources = (parse(r.sources_json) ?? {}) as Record<'provider' | 'context' | 'greeting' | 'prompt' | 'persona', ValueSource>;
    const d: CallDetail = { ...toSummary(r), greeting: r.greeting ?? '', prompt: r.prompt ?? '', sources, transcript, turnLatencies, toolCalls };
    if (r.error) d.error = r.error;
    const rec = this.db.prepare('SELECT id FROM recordings WHERE call_id = ? OR (unique_id IS NOT NULL AND unique_id = ?) LIMIT 1').get(id, r.unique_id) as { id: string } | undefined;
    if (rec) d.recordingId = rec.id;
    return d;
  }

  latencyPoints(sinceMs: number, provider?: string): LatencyPoint[] {
    const rows = this.db
      .prepare(`SELECT * FROM turns WHERE end_of_speech_at >= ?${provider ? ' AND provider = ?' : ''} ORDER BY end_of_speech_at LIMIT 5000`)
      .all(...(provider ? [sinceMs, provider] : [sinceMs])) as TurnRow[];
    const out: LatencyPoint[] = [];
    for (const t of rows) {
      const lat = toTurnLatency(t);
      const total = turnTotalMs(lat);
      if (total === null) continue;
      out.push({
        at: lat.endOfSpeechAt,
        provider: lat.provider,
        totalMs: total,
        endOfTurnMs: lat.endOfTurnMs ?? null,
        sttFinalMs: lat.sttFinalMs,
        llmFirstTokenMs: lat.llmFirstTokenMs,
        ttsFirstByteMs: lat.ttsFirstByteMs,
        providerAudioMs: lat.providerAudioMs ?? null,
        firstAudioMs: lat.firstAudioMs,
      });
    }
    return out;
  }
}

function parse(s: string | null): unknown {
  if (s === null) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

type TurnRow = Record<string, number | string | null>;

interface ToolRow {
  call_id: string;
  name: string;
  args_json: string | null;
  result_json: string | null;
  ok: number;
  at: number;
  duration_ms: number | null;
  error: string | null;
  kind: ToolCallRecord['kind'] | null;
}

function toToolCall(t: ToolRow): ToolCallRecord {
  const r: ToolCallRecord = { callId: t.call_id, name: t.name, args: parse(t.args_json), result: parse(t.result_json), ok: t.ok === 1, at: new Date(t.at).toISOString() };
  if (t.kind) r.kind = t.kind;
  if (t.duration_ms !== null) r.durationMs = t.duration_ms;
  if (t.error) r.error = t.error;
  return r;
}

/** A `turns` row as the contract's TurnLatency. */
function toTurnLatency(t: TurnRow): TurnLatency {
  return {
    callId: t.call_id as string,
    turn: t.turn as number,
    provider: t.provider as string,
    endOfSpeechAt: t.end_of_speech_at as number,
    endOfTurnMs: (t.end_of_turn_ms ?? null) as number | null,
    sttFinalMs: t.stt_final_ms as number | null,
    llmFirstTokenMs: t.llm_first_token_ms as number | null,
    ttsFirstByteMs: t.tts_first_byte_ms as number | null,
    providerAudioMs: (t.provider_audio_ms ?? null) as number | null,
    firstAudioMs: t.first_audio_ms as number | null,
    bargeInReactionMs: t.barge_in_reaction_ms as number | null,
  };
}

function prepareWrites(db: Db) {
  return {
    insertCall: db.prepare(
      `INSERT INTO calls (id, channel_id, unique_id, caller_name, caller_number, context, provider, transport, greeting, prompt, sources_json, state, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'setup', ?)`,
    ),
    setState: db.prepare('UPDATE calls SET state = ? WHERE id = ?'),
    finishCall: db.prepare("UPDATE calls SET state = 'ended', ended_at = ?, outcome = ?, transfer_target = ?, error = ?, failure_reason = ? WHERE id = ?"),
    insertLine: db.prepare('INSERT INTO transcript_lines (call_id, seq, role, text, at) VALUES (?, ?, ?, ?, ?)'),
    insertFts: db.prepare('INSERT INTO transcript_fts (text, call_id, role) VALUES (?, ?, ?)'),
    maxSeq: db.prepare('SELECT MAX(seq) AS m FROM transcript_lines WHERE call_id = ?'),
    addTurn: db.prepare(
      `INSERT OR REPLACE INTO turns (call_id, turn, provider, end_of_speech_at, end_of_turn_ms, stt_final_ms, llm_first_token_ms, tts_first_byte_ms, provider_audio_ms, first_audio_ms, barge_in_reaction_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    addTool: db.prepare('INSERT INTO tool_calls (call_id, name, args_json, result_json, ok, at, duration_ms, error, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
  };
}
