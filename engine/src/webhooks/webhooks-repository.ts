/**
 * SQL of the integrations (tables from migration 040): each call's pre-call
 * lookup, and the post-call delivery queue. Times are epoch ms in the
 * database and ISO strings in the API.
 */
import type { Db } from '../store/database.js';
import type { DeadLetter, PreCallRecord } from '../api/integrations.js';

export interface DeliveryRow {
  id: number;
  call_id: string | null;
  url: string;
  body: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export class WebhooksRepository {
  constructor(private readonly db: Db) {}

  savePreCall(callId: string, r: PreCallRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO call_precall (call_id, status, variables_json, duration_ms, error, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(callId, r.status, JSON.stringify(r.variables), r.durationMs, r.error ?? null, Date.parse(r.at));
  }

  preCall(callId: string): PreCallRecord | undefined {
    const r = this.db.prepare('SELECT * FROM call_precall WHERE call_id = ?').get(callId) as
      | { status: PreCallRecord['status']; variables_json: string; duration_ms: number | null; error: string | null; at: number }
      | undefined;
    if (!r) return undefined;
    let variables: Record<string, string> = {};
    try {
      variables = JSON.parse(r.variables_json) as Record<string, string>;
    } catch {
      // a damaged row shows no variables
    }
    return { status: r.status, variables, durationMs: r.duration_ms ?? 0, ...(r.error ? { error: r.error } : {}), at: new Date(r.at).toISOString() };
  }

  /** The greeting and prompt a call actually used, once the lookup's variables are in (calls table). */
  fillCallTexts(callId: string, greeting: string, prompt: string): void {
    this.db.prepare('UPDATE calls SET greeting = ?, prompt = ? WHERE id = ?').run(greeting, prompt, callId);
  }

  enqueue(callId: string | undefined, url: string, body: string, now: number): number {
    const r = this.db
      .prepare("INSERT INTO webhook_deliveries (call_id, url, body, state, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)")
      .run(callId ?? null, url, body, now, now);
    return Number(r.lastInsertRowid);
  }

  /** Pending deliveries whose time has come, oldest first. */
  due(now: number, limit = 20): DeliveryRow[] {
    return this.db.prepare("SELECT * FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?").all(now, limit) as DeliveryRow[];
  }

  /** When the next pending delivery is due (undefined when none is pending). */
  nextDueAt(): number | undefined {
    const r = this.db.prepare("SELECT MIN(next_attempt_at) AS t FROM webhook_deliveries WHERE state = 'pending'").get() as { t: number | null };
    return r.t ?? undefined;
  }

  delivered(id: number, attempts: number, status: number, now: number): void {
    this.db.prepare("UPDATE webhook_deliveries SET state = 'delivered', attempts = ?, last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ?").run(attempts, status, now, id);
  }

  failed(id: number, f: { attempts: number; status: number | null; error: string; nextAt: number; dead: boolean }): void {
    this.db
      .prepare('UPDATE webhook_deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(f.dead ? 'dead' : 'pending', f.attempts, f.status, f.error, f.nextAt, id);
  }

  /** A dead letter back into the queue (to `url`, now). False when there is no such dead letter. */
  resend(id: number, url: string, now: number): boolean {
    return this.db.prepare("UPDATE webhook_deliveries SET state = 'pending', attempts = 0, url = ?, next_attempt_at = ? WHERE id = ? AND state = 'dead'").run(url, now, id).changes === 1;
  }

  get(id: number): DeliveryRow | undefined {
    return this.db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
  }

  counts(): { pending: number; delivered: number; dead: number } {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM webhook_deliveries GROUP BY state').all() as { state: string; n: number }[];
    const c = { pending: 0, delivered: 0, dead: 0 };
    for (const r of rows) if (r.state in c) c[r.state as keyof typeof c] = r.n;
    return c;
  }

  deadLetters(limit = 100): DeadLetter[] {
    const rows = this.db.prepare("SELECT * FROM webhook_deliveries WHERE state = 'dead' ORDER BY created_at DESC, id DESC LIMIT ?").all(limit) as DeliveryRow[];
    return rows.map((r) => ({
      id: r.id,
      ...(r.call_id ? { callId: r.call_id } : {}),
      url: r.url,
      attempts: r.attempts,
      ...(r.last_status !== null ? { lastStatus: r.last_status } : {}),
      ...(r.last_error ? { lastError: r.last_error } : {}),
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }
}
