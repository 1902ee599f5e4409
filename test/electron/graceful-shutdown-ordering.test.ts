import { describe, it, expect } from 'vitest';
import { ShutdownCoordinator, type ShutdownSteps, type StoppableEngine } from '../../electron/shutdown.js';

function harness(engine: StoppableEngine | undefined, timeoutMs = 5000, graceMs = 1000) {
  const order: string[] = [];
  const exits: number[] = [];
  const steps: ShutdownSteps = {
    stopIpc: () => order.push('ipc'),
    stopTimers: () => order.push('timers'),
    saveWindowState: () => order.push('window-state'),
    engine: () => engine,
    destroyTray: () => order.push('tray'),
    exit: (code) => {
      order.push('exit');
      exits.push(code);
    },
  };
  const logs: string[] = [];
  const log = { info: (_o: object, m: string) => logs.push(m), warn: (_o: object, m: string) => logs.push(m), error: (_o: object, m: string) => logs.push(m) };
  return { order, exits, logs, sd: new ShutdownCoordinator(steps, log, timeoutMs, graceMs) };
}

function fakeEngine(order: () => string[], behaviour: 'ok' | 'throw' | 'hang' = 'ok') {
  const timeouts: (number | undefined)[] = [];
  const engine: StoppableEngine = {
    async stop(timeoutMs) {
      timeouts.push(timeoutMs);
      order().push('engine:stop-begin');
      if (behaviour === 'hang') return new Promise<void>(() => {});
      await new Promise((r) => setImmediate(r));
      if (behaviour === 'throw') throw new Error('db close failed');
      order().push('engine:stopped');
    },
  };
  return { engine, timeouts };
}

describe('graceful quit', () => {
  it('holds the quit, stops IPC before the engine, the engine before the tray, then exits 0', async () => {
    let order: string[] = [];
    const { engine, timeouts } = fakeEngine(() => order);
    const h = harness(engine, 7000);
    order = h.order;
    let prevented = 0;
    const ev = { preventDefault: () => prevented++ };
    h.sd.onBeforeQuit(ev);
    h.sd.onBeforeQuit(ev); // user hits Quit again while stopping
    expect(h.sd.inProgress).toBe(true);
    expect(await h.sd.run()).toBe('clean');
    expect(h.order).toEqual(['ipc', 'timers', 'window-state', 'engine:stop-begin', 'engine:stopped', 'tray', 'exit']);
    expect(timeouts).toEqual([7000]);
    expect(h.exits).toEqual([0]);
    expect(prevented).toBe(2);
    // the app.exit() that follows emits no before-quit, but if anything does, it passes through
    h.sd.onBeforeQuit(ev);
    expect(prevented).toBe(2);
    expect(h.sd.isFinished).toBe(true);
  });

  it('an engine that fails to stop still ends with the tray gone and a non-zero exit', async () => {
    let order: string[] = [];
    const { engine } = fakeEngine(() => order, 'throw');
    const h = harness(engine);
    order = h.order;
    expect(await h.sd.run()).toBe('engine-error');
    expect(h.order.slice(-2)).toEqual(['tray', 'exit']);
    expect(h.exits).toEqual([1]);
    expect(h.logs).toContain('engine stop failed');
  });

  it('an engine that never stops is abandoned after its budget plus grace', async () => {
    let order: string[] = [];
    const { engine } = fakeEngine(() => order, 'hang');
    const h = harness(engine, 20, 20);
    order = h.order;
    expect(await h.sd.run()).toBe('timeout');
    expect(h.order).toEqual(['ipc', 'timers', 'window-state', 'engine:stop-begin', 'tray', 'exit']);
    expect(h.exits).toEqual([1]);
  });

  it('quits straight away when the engine never started (start-up error window)', async () => {
    const h = harness(undefined);
    expect(await h.sd.run()).toBe('clean');
    expect(h.order).toEqual(['ipc', 'timers', 'window-state', 'tray', 'exit']);
  });

  it('a failing step does not stop the sequence', async () => {
    const h = harness(undefined);
    const sd = new ShutdownCoordinator(
      {
        stopIpc: () => {
          throw new Error('already removed');
        },
        stopTimers: () => h.order.push('timers'),
        saveWindowState: () => h.order.push('window-state'),
        engine: () => undefined,
        destroyTray: () => h.order.push('tray'),
        exit: () => h.order.push('exit'),
      },
      { info() {}, warn: (_o, m) => h.logs.push(m), error() {} },
    );
    await sd.run();
    expect(h.order).toEqual(['timers', 'window-state', 'tray', 'exit']);
    expect(h.logs).toEqual(['shutdown step failed']);
  });
});
