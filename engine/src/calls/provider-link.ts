/**
 * The call's link to its provider session. It creates the session, hands it
 * a sink that forwards to the conversation and keeps the conversation so far
 * (final caller and agent lines), and decides what a fatal error means: a
 * realtime socket that dropped mid-call is reconnected once, with the
 * instructions and that history (no second greeting); anything else, or a
 * reconnect that fails, is the provider failing (`failed`, once). A session
 * that was replaced, failed or closed can no longer reach the call.
 */
import type { Logger } from '../observability/logger.js';
import type { HistoryItem, Provider, ProviderSession, SessionInit, SessionSink } from '../providers/provider.js';
import { ProviderError, asProviderError, errorText } from '../providers/provider-errors.js';
import { unavailableSession } from '../providers/unavailable-provider.js';
import { withTimeout } from '../util/async.js';

export interface ProviderLinkHost {
  provider: Provider;
  init: Omit<SessionInit, 'sink' | 'history'>;
  /** Where the live session's events go (its errors stay here). */
  sink: Omit<SessionSink, 'error'>;
  /** The provider failed for good (called once). */
  failed(err: ProviderError): void;
  /** A dropped socket is being reconnected (`started`), or the reconnect came back (`ok`) or not (`failed`). */
  reconnect(stage: 'started' | 'ok' | 'failed'): void;
  log: Logger;
}

/** How long a reconnect may take before the call fails over instead. */
const RECONNECT_TIMEOUT_MS = 5000;
/** Lines of history a resumed session gets (the most recent). */
const HISTORY_MAX = 60;

export class ProviderLink {
  private current: ProviderSession;
  private gen = 0;
  private started = false;
  private reconnected = false;
  private dead = false;
  private readonly lines: HistoryItem[] = [];

  constructor(private readonly host: ProviderLinkHost) {
    this.current = this.create();
  }

  /** The live session (a new one after a reconnect). */
  get session(): ProviderSession {
    return this.current;
  }

  /** The conversation so far, as the provider reported it. */
  get history(): HistoryItem[] {
    return [...this.lines];
  }

  async start(): Promise<void> {
    await this.current.start();
    this.started = true;
  }

  /** The engine gave up on the provider (e.g. no first audio in time): report it once and stop listening. */
  fail(err: ProviderError): void {
    if (this.dead) return;
    this.dead = true;
    this.host.failed(err);
  }

  /** Stops listening to the provider and closes its session (failure or call end). */
  async close(): Promise<void> {
    this.dead = true;
    await this.current.close();
  }

  private create(history?: HistoryItem[]): ProviderSession {
    const gen = ++this.gen;
    const init: SessionInit = { ...this.host.init, ...(history ? { greeting: '', history } : {}), sink: this.sinkFor(gen) };
    try {
      return this.host.provider.createSession(init);
    } catch (err) {
      return unavailableSession(err);
    }
  }

  private sinkFor(gen: number): SessionSink {
    const live = () => gen === this.gen && !this.dead;
    const s = this.host.sink;
    return {
      audio: (chunk) => {
        if (live()) s.audio(chunk);
      },
      transcript: (role, text, final) => {
        if (!live()) return;
        if (final && text.trim()) this.remember({ role, text: text.trim() });
        s.transcript(role, text, final);
      },
      mark: (mark, at) => {
        if (live()) s.mark(mark, at);
      },
      bargeIn: () => {
        if (live()) s.bargeIn();
      },
      agentDone: () => {
        if (live()) s.agentDone();
      },
      callTool: (name, args) => (live() ? s.callTool(name, args) : Promise.resolve({ ok: false, output: { error: 'the provider session was replaced' } })),
      turnSkipped: () => {
        if (live()) s.turnSkipped?.();
      },
      error: (err, fatal) => {
        if (live()) this.onError(err, fatal);
      },
    };
  }

  private remember(item: HistoryItem): void {
    this.lines.push(item);
    if (this.lines.length > HISTORY_MAX) this.lines.splice(0, this.lines.length - HISTORY_MAX);
  }

  private onError(err: Error, fatal: boolean): void {
    this.host.log.warn({ err: err.message, fatal }, 'provider error');
    if (!fatal) return;
    const failure = asProviderError(err, this.started ? 'socket_drop' : 'connect_failed');
    const dropped = err instanceof ProviderError && err.reason === 'socket_drop';
    if (dropped && this.started && !this.reconnected) void this.reconnect(failure);
    else this.fail(failure);
  }

  /** Once per call: a new session with the conversation so far; the old one can no longer reach the call. */
  private async reconnect(cause: ProviderError): Promise<void> {
    this.reconnected = true;
    const old = this.current;
    this.current = this.create(this.history);
    void old.close().catch(() => undefined);
    this.host.reconnect('started');
    try {
      await withTimeout(this.current.start(), RECONNECT_TIMEOUT_MS, 'reconnected provider session');
      if (this.dead) return;
      this.host.reconnect('ok');
    } catch (err) {
      if (this.dead) return;
      this.host.reconnect('failed');
      this.fail(new ProviderError(cause.reason, `${cause.message}; reconnecting failed: ${errorText(err)}`, cause.status));
    }
  }
}
