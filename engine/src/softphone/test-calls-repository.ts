/**
 * test_calls rows (caller-side test-call reports) and their link to the
 * engine's call record for the same call.
 */
import type { Db } from '../store/database.js';
import type { TestCallReport } from '../api/softphone.js';

/** How far apart the softphone's INVITE and the engine's StasisStart may be. */
const MATCH_WINDOW_BEFORE_MS = 5_000;
const MATCH_WINDOW_AFTER_MS = 30_000;

interface Row {
  id: string;
  report_json: string;
  engine_call_id: string | null;
}

/** Digits/user part for comparing caller numbers: "sip:1001@pbx" → "1001", "+1 (555) 0100" → "15550100". */
function callerKey(s: string): string {
  const user = s.replace(/^sips?:/i, '').split('@')[0] ?? '';
  const digits = user.replace(/[^0-9]/g, '');
  return digits || user.toLowerCase();
}

export class TestCallsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The engine call that is this test call: same caller number, started
   * closest to the INVITE within the window. Undefined when none.
   */
  matchEngineCall(startedAtMs: number, caller: string | undefined): string | undefined {
    if (!caller) return undefined;
    const want = callerKey(caller);
    if (!want) return undefined;
    const rows = this.db
      .prepare('SELECT id, caller_number, started_at FROM calls WHERE started_at BETWEEN ? AND ? ORDER BY started_at')
      .all(startedAtMs - MATCH_WINDOW_BEFORE_MS, startedAtMs + MATCH_WINDOW_AFTER_MS) as { id: string; caller_number: string | null; started_at: number }[];
    let best: { id: string; d: number } | undefined;
    for (const r of rows) {
      if (!r.caller_number || callerKey(r.caller_number) !== want) continue;
      const d = Math.abs(r.started_at - startedAtMs);
      if (!best || d < best.d) best = { id: r.id, d };
    }
    return best?.id;
  }

  insert(report: TestCallReport): void {
    this.db
      .prepare('INSERT INTO test_calls (id, context, destination, started_at, report_json, engine_call_id) VALUES (?, ?, ?, ?, ?, ?)')
      .run(report.id, report.context ?? null, report.destination, Date.parse(report.startedAt), JSON.stringify(report), report.engineCallId ?? null);
  }

  /** Links reports saved before the engine had recorded the call. */
  relink(caller: string | undefined, limit = 50): void {
    const rows = this.db
      .prepare('SELECT id, started_at FROM test_calls WHERE engine_call_id IS NULL ORDER BY started_at DESC LIMIT ?')
      .all(limit) as { id: string; started_at: number }[];
    const update = this.db.prepare('UPDATE test_calls SET engine_call_id = ? WHERE id = ?');
    for (const r of rows) {
      const match = this.matchEngineCall(r.started_at, caller);
      if (match) update.run(match, r.id);
    }
  }

  list(limit = 200): TestCallReport[] {
    const rows = this.db
      .prepare('SELECT id, report_json, engine_call_id FROM test_calls ORDER BY started_at DESC LIMIT ?')
      .all(limit) as Row[];
    return rows.map((r) => {
      const report = JSON.parse(r.report_json) as TestCallReport;
      const out: TestCallReport = { ...report, id: r.id };
      if (r.engine_call_id) out.engineCallId = r.engine_call_id;
      return out;
    });
  }
}
