/**
 * A provider that stays silent is a failed provider: no first agent audio
 * within `provider_timeout_s` after the caller's turn ended (measured from
 * the end-of-turn decision, a performance.now() mark on the engine's clock)
 * fires `expired`. The first agent audio, the caller speaking again, or a
 * turn the provider chose not to answer disarm it; while tools run the clock
 * stops and starts over when they are done (unless an after-action such as a
 * transfer takes over).
 */
import { performance } from 'node:perf_hooks';

export class ReplyWatchdog {
  private timer: NodeJS.Timeout | undefined;
  /** A caller turn is waiting for its first agent audio. */
  private waiting = false;
  private toolsRunning = 0;
  private stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly expired: (waitedMs: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The end-of-turn decision at `at` (performance.now() ms): the reply is due by at + timeout. */
  turnEnded(at: number): void {
    if (this.stopped) return;
    this.waiting = true;
    this.schedule(at);
  }

  /** Agent audio arrived from the provider. */
  agentAudio(): void {
    this.disarm();
  }

  /** The caller started speaking (a new turn follows) or the provider skipped this turn. */
  turnOver(): void {
    this.disarm();
  }

  /** Runs a tool with the clock stopped; after it, a turn still waiting gets the full timeout again, unless `handsOver(result)`. */
  async whileTool<T>(run: () => Promise<T>, handsOver: (result: T) => boolean): Promise<T> {
    this.toolsRunning++;
    this.clear();
    let over = false;
    try {
      const result = await run();
      over = handsOver(result);
      return result;
    } finally {
      this.toolsRunning--;
      if (over) this.waiting = false;
      if (this.waiting && this.toolsRunning === 0) this.schedule(this.now());
    }
  }

  /** The provider's session was replaced (reconnect): a turn still waiting gets the full timeout again. */
  restart(): void {
    if (this.waiting && this.toolsRunning === 0) this.schedule(this.now());
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private disarm(): void {
    this.waiting = false;
    this.clear();
  }

  private clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(from: number): void {
    this.clear();
    if (this.stopped || this.toolsRunning > 0) return;
    const due = from + this.timeoutMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.waiting || this.stopped) return;
      this.waiting = false;
      this.expired(this.now() - from);
    }, Math.max(0, due - this.now()));
    this.timer.unref();
  }
}
