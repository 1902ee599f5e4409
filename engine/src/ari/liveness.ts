/**
 * Finds a silently dead ARI link: a WebSocket ping every `intervalMs`
 * (5 s); when nothing has answered for `timeoutMs` (10 s) — no pong to the
 * pings sent meanwhile, no event — the link is declared dead even though TCP
 * never closed (a hung Asterisk, a NAT that dropped the flow, a cable pulled
 * between two switches). Any frame from Asterisk counts as an answer. A
 * healthy link answers every ping, so its silence never exceeds one interval
 * plus the round trip. Detection: `timeoutMs` plus one check step (≤ 1 s)
 * after the last sign of life. Time is the monotonic clock.
 */
import { performance } from 'node:perf_hooks';

export interface LivenessOptions {
  /** Ping period, ms (default 5000). */
  intervalMs?: number;
  /** No answer for this long (pings going out meanwhile) means the link is dead, ms (default 10000). */
  timeoutMs?: number;
  /** Monotonic clock, ms (tests). */
  now?: () => number;
}

const DEFAULT_PING_MS = 5_000;
const DEFAULT_PING_TIMEOUT_MS = 10_000;

export class LinkLiveness {
  private timer?: NodeJS.Timeout;
  /** Last sign of life (or the start). */
  private lastAnswer = 0;
  private lastTick = 0;
  private nextPingAt = 0;
  private readonly intervalMs: number;
  /** Check period: at most 1 s, so the link is called dead ≤ 1 s after `timeoutMs` of silence. */
  readonly stepMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly sendPing: () => void,
    private readonly onDead: (silentMs: number) => void,
    opts: LivenessOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_PING_MS;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    this.now = opts.now ?? (() => performance.now());
    this.stepMs = Math.max(10, Math.min(1000, Math.floor(this.timeoutMs / 10)));
  }

  start(): void {
    this.stop();
    this.lastAnswer = this.now();
    this.lastTick = this.lastAnswer;
    this.nextPingAt = this.lastAnswer + this.intervalMs;
    this.timer = setInterval(() => this.tick(), this.stepMs);
    this.timer.unref();
  }

  /** One check (run by the timer every `stepMs`): declare the link dead, or ping when due. */
  tick(): void {
    const now = this.now();
    // After our own event loop was blocked, timers run before the socket is read:
    // a pong may be waiting unread, so judge only on a tick that came on time.
    const late = now - this.lastTick > 2 * this.stepMs + 100;
    this.lastTick = now;
    const silent = now - this.lastAnswer;
    if (silent >= this.timeoutMs && !late) {
      this.stop();
      this.onDead(Math.round(silent));
      return;
    }
    if (now >= this.nextPingAt) {
      this.nextPingAt = now + this.intervalMs;
      try {
        this.sendPing();
      } catch {
        // a socket that cannot even take a ping frame is judged by the timeout
      }
    }
  }

  /** Something arrived from the peer (pong or any frame). */
  answered(): void {
    this.lastAnswer = this.now();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
