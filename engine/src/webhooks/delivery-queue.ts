/**
 * The durable queue of post-call documents. A document is stored before the
 * first attempt (so an engine restart loses nothing), POSTed signed, and
 * retried with exponential backoff until it is accepted (2xx) or has used
 * `max_attempts`; then it is a dead letter until someone resends it. One
 * attempt per document at a time: a receiver sees each document once per
 * accepted delivery (X-AAVA-Delivery carries its id for deduplication).
 */
import type { z } from 'zod';
import type { postCallSchema } from '../config/integrations-schema.js';
import type { Logger } from '../observability/logger.js';
import type { WebhookQueueView } from '../api/integrations.js';
import type { WebhooksRepository, DeliveryRow } from './webhooks-repository.js';
import { webhookHeaders } from './signature.js';
import { describeFetchError, readCapped } from '../util/http-body.js';

export type PostCallConfig = z.infer<typeof postCallSchema>;

export interface DeliveryQueueOptions {
  repo: WebhooksRepository;
  /** The post-call settings now (secret, backoff, timeout); undefined when not configured. */
  config(): PostCallConfig | undefined;
  log: Logger;
  observe?(result: 'delivered' | 'retry' | 'dead'): void;
  now?: () => number;
}

/** Delay before attempt n+1 after n failed attempts: initial · 2^(n-1), capped, ±20 % jitter. */
export function backoffMs(failedAttempts: number, initialMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Longest wait between two looks at the queue (a clock change or a missed timer costs at most this). */
const IDLE_CHECK_MS = 60_000;

export class DeliveryQueue {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopped = true;
  private readonly inFlight = new Set<number>();
  private readonly abort = new AbortController();
  private readonly now: () => number;

  constructor(private readonly o: DeliveryQueueOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Resumes whatever a previous run left pending. */
  start(): void {
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  /** Stores a document for delivery and tries it right away. */
  enqueue(callId: string | undefined, url: string, body: string): number {
    const id = this.o.repo.enqueue(callId, url, body, this.now());
    this.kick();
    return id;
  }

  /** A dead letter goes out again (to the URL configured now). */
  resend(id: number): boolean {
    const row = this.o.repo.get(id);
    if (!row || row.state !== 'dead') return false;
    const ok = this.o.repo.resend(id, this.o.config()?.url || row.url, this.now());
    if (ok) this.kick();
    return ok;
  }

  view(): WebhookQueueView {
    return { configured: !!this.o.config()?.url, ...this.o.repo.counts(), deadLetters: this.o.repo.deadLetters() };
  }

  /** Processes every due delivery now; resolves when the pass is over (tests, shutdown). */
  runDue(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.rerun = false;
        for (const row of this.o.repo.due(this.now())) {
          if (this.stopped) break;
          if (this.inFlight.has(row.id)) continue;
          await this.attempt(row);
        }
      } while (this.rerun && !this.stopped);
    })().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  private kick(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runDue(), 0);
    this.timer.unref();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const next = this.o.repo.nextDueAt();
    const wait = next === undefined ? IDLE_CHECK_MS : Math.min(IDLE_CHECK_MS, Math.max(0, next - this.now()));
    this.timer = setTimeout(() => void this.runDue(), wait);
    this.timer.unref();
  }

  private async attempt(row: DeliveryRow): Promise<void> {
    const cfg = this.o.config();
    const secret = cfg?.secret ?? '';
    const maxAttempts = cfg?.max_attempts ?? 10;
    const attempts = row.attempts + 1;
    this.inFlight.add(row.id);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const timeoutMs = cfg?.timeout_ms ?? 10_000;
      const res = await fetch(row.url, {
        method: 'POST',
        headers: webhookHeaders(row.body, secret, { ...cfg?.headers, 'x-aava-delivery': String(row.id), 'x-aava-attempt': String(attempts), 'x-aava-event': 'call.ended' }),
        body: row.body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs)]),
      }).catch((err: unknown) => {
        error = describeFetchError(err, timeoutMs);
        return undefined;
      });
      if (res) {
        status = res.status;
        await readCapped(res, 4096).catch(() => undefined);
        if (!res.ok) error = `HTTP ${res.status}`;
      }
    } finally {
      this.inFlight.delete(row.id);
    }
    if (this.abort.signal.aborted && error) return; // shutdown: the row stays pending for the next run
    if (!error) {
      this.o.repo.delivered(row.id, attempts, status ?? 0, this.now());
      this.o.observe?.('delivered');
      this.o.log.info({ delivery: row.id, callId: row.call_id, attempts }, 'post-call webhook delivered');
      return;
    }
    const dead = attempts >= maxAttempts;
    const nextAt = this.now() + backoffMs(attempts, cfg?.retry_initial_ms ?? 5000, cfg?.retry_max_ms ?? 600_000);
    this.o.repo.failed(row.id, { attempts, status, error, nextAt, dead });
    this.o.observe?.(dead ? 'dead' : 'retry');
    this.o.log.warn({ delivery: row.id, callId: row.call_id, attempts, err: error, dead }, dead ? 'post-call webhook gave up (dead letter)' : 'post-call webhook failed; will retry');
  }
}
