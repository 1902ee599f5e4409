/**
 * No-input watchdog: after `timeout_s` without caller speech (and while the
 * agent is not talking) → check-in prompt; after `grace_s` more → final
 * message, then hang up. Any caller speech re-arms it from the start.
 */
export interface WatchdogSettings {
  timeout_s: number;
  grace_s: number;
}

export interface WatchdogActions {
  checkIn(): void;
  giveUp(): void;
}

export class NoInputWatchdog {
  private timer?: NodeJS.Timeout;
  private stage: 'idle' | 'waiting' | 'checked_in' | 'done' = 'idle';
  private paused = false;

  constructor(
    private readonly settings: WatchdogSettings,
    private readonly actions: WatchdogActions,
  ) {}

  /** Caller activity: start over. */
  activity(): void {
    if (this.stage === 'done') return;
    this.stage = 'waiting';
    this.arm(this.settings.timeout_s);
  }

  /** While the agent speaks, the clock does not run. */
  pause(): void {
    this.paused = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    if (!this.paused || this.stage === 'done') return;
    this.paused = false;
    if (this.stage === 'idle') this.stage = 'waiting';
    this.arm(this.stage === 'checked_in' ? this.settings.grace_s : this.settings.timeout_s);
  }

  stop(): void {
    this.stage = 'done';
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get state(): string {
    return this.stage;
  }

  private arm(seconds: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.paused) return;
    this.timer = setTimeout(() => this.fire(), seconds * 1000);
  }

  private fire(): void {
    this.timer = undefined;
    if (this.stage === 'waiting') {
      this.stage = 'checked_in';
      this.actions.checkIn();
      this.arm(this.settings.grace_s);
    } else if (this.stage === 'checked_in') {
      this.stage = 'done';
      this.actions.giveUp();
    }
  }
}
