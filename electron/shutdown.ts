/**
 * Quit, in order and within a bounded time: stop taking IPC calls and
 * forwarding events, stop timers, save the window state, then stop the
 * engine (active calls get the configured farewell/hangup, sockets and the DB
 * close) with a deadline, destroy the tray, and exit. A second quit request
 * while this runs is absorbed; if the engine overruns, the app exits anyway.
 */

export interface StoppableEngine {
  stop(timeoutMs?: number): Promise<void>;
}

export interface ShutdownLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShutdownSteps {
  /** Remove the IPC handler and the event forwarding. */
  stopIpc(): void;
  /** Health poll, tray refresh … */
  stopTimers(): void;
  saveWindowState(): void;
  engine(): StoppableEngine | undefined;
  destroyTray(): void;
  exit(code: number): void;
}

export type ShutdownOutcome = 'clean' | 'engine-error' | 'timeout';

export class ShutdownCoordinator {
  private running?: Promise<ShutdownOutcome>;
  private finished = false;

  constructor(
    private readonly steps: ShutdownSteps,
    private readonly log: ShutdownLog,
    /** Engine stop budget; the app exits at most `graceMs` after it even if the engine hangs. */
    private readonly timeoutMs = 8000,
    private readonly graceMs = 2000,
  ) {}

  get inProgress(): boolean {
    return this.running !== undefined && !this.finished;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** For app.on('before-quit'): holds the quit until the engine stopped, then exits. */
  onBeforeQuit = (event: { preventDefault(): void }): void => {
    if (this.finished) return;
    event.preventDefault();
    void this.run();
  };

  run(): Promise<ShutdownOutcome> {
    this.running ??= this.sequence();
    return this.running;
  }

  private safe(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.warn({ step: name, err: (err as Error)?.message }, 'shutdown step failed');
    }
  }

  private async sequence(): Promise<ShutdownOutcome> {
    this.log.info({ timeoutMs: this.timeoutMs }, 'quitting: stopping the engine');
    this.safe('stopIpc', () => this.steps.stopIpc());
    this.safe('stopTimers', () => this.steps.stopTimers());
    this.safe('saveWindowState', () => this.steps.saveWindowState());
    let outcome: ShutdownOutcome = 'clean';
    const engine = this.steps.engine();
    if (engine) {
      let timer: NodeJS.Timeout | undefined;
      const overrun = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.timeoutMs + this.graceMs);
      });
      try {
        const r = await Promise.race([engine.stop(this.timeoutMs).then(() => 'clean' as const), overrun]);
        outcome = r;
        if (r === 'timeout') this.log.warn({ timeoutMs: this.timeoutMs }, 'engine did not stop in time; exiting anyway');
      } catch (err) {
        outcome = 'engine-error';
        this.log.error({ err: (err as Error)?.message }, 'engine stop failed');
      } finally {
        if (timer) clearTimeout(timer);
      }
    }
    this.safe('destroyTray', () => this.steps.destroyTray());
    this.finished = true;
    this.log.info({ outcome }, 'quit');
    this.steps.exit(outcome === 'clean' ? 0 : 1);
    return outcome;
  }
}
