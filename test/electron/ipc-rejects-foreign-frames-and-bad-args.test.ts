import { describe, it, expect, beforeEach, vi } from 'vitest';
vi.mock('electron', () => import('./stubs/electron.js'));
import { BrowserWindow, WebFrameMain, WebContents, ipcMain, resetStub } from './stubs/electron.js';
import { registerInvokeHandler, forwardEvents, checkSender, type InvokeEventLike } from '../../electron/ipc.js';
import { INVOKE_CHANNEL, EVENT_CHANNEL } from '../../electron/channels.js';
import { ApiRouter } from '../../engine/src/api-server/router.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import type { Envelope } from '../../engine/src/api/wire.js';

function setup() {
  const win = new BrowserWindow();
  const router = new ApiRouter();
  const calls: unknown[] = [];
  router.handle('calls.get', (args) => {
    calls.push(args);
    return null;
  });
  const warnings: object[] = [];
  const after: string[] = [];
  const dispose = registerInvokeHandler({
    ipcMain,
    getWindow: () => win,
    invoke: (m, a) => router.invoke(m, a),
    log: { warn: (o) => warnings.push(o) },
    afterInvoke: (m) => after.push(m),
  });
  const handler = ipcMain.handlers.get(INVOKE_CHANNEL)!;
  const call = (event: InvokeEventLike, method: unknown, args?: unknown) => handler(event, method, args) as Promise<Envelope>;
  return { win, router, calls, warnings, after, dispose, call };
}

describe('IPC bridge: sender frame and argument validation', () => {
  beforeEach(() => resetStub());

  it('answers the app page in the main window top frame, after zod validation', async () => {
    const { win, calls, call, after } = setup();
    const r = await call({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'calls.get', { id: 'c-1' });
    expect(r).toEqual({ ok: true, result: null });
    expect(calls).toEqual([{ id: 'c-1' }]);
    expect(after).toEqual(['calls.get']);
  });

  it('refuses a subframe, another window, a foreign origin and a vanished frame — without running the handler', async () => {
    const { win, calls, call, warnings } = setup();
    const sub = new WebFrameMain('app://local/index.html', win.webContents.mainFrame);
    const other = new WebContents();
    const cases: InvokeEventLike[] = [
      { sender: win.webContents, senderFrame: sub },
      { sender: other, senderFrame: other.mainFrame },
      { sender: win.webContents, senderFrame: null },
    ];
    for (const ev of cases) {
      const r = await call(ev, 'calls.get', { id: 'c-1' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('unauthorized');
    }
    win.webContents.mainFrame.url = 'https://evil.example/phish.html';
    const r = await call({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'calls.get', { id: 'c-1' });
    expect(r.ok || r.error.message).toMatch(/not on the app origin/);
    win.webContents.mainFrame.url = 'app://local.evil.example/index.html';
    expect(checkSender({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, win)).toEqual({ ok: false, reason: 'sender frame is not on the app origin' });
    win.destroyed = true;
    expect(checkSender({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, win).ok).toBe(false);
    expect(calls).toEqual([]);
    expect(warnings.length).toBe(4);
  });

  it('refuses method names outside the contract and malformed arguments, naming the field', async () => {
    const { win, calls, call } = setup();
    const ev = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    for (const m of ['fs.readFile', '__proto__', 'constructor', 42, null]) {
      const r = await call(ev, m, {});
      expect(r.ok ? 'ok' : r.error.code).toBe('not_found');
    }
    const wrongType = await call(ev, 'calls.get', { id: 5 });
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) {
      expect(wrongType.error.code).toBe('bad_request');
      expect(wrongType.error.issues?.[0]?.path).toBe('id');
    }
    const extraKey = await call(ev, 'calls.get', { id: 'x', shell: 'rm -rf /' });
    expect(extraKey.ok ? 'ok' : extraKey.error.code).toBe('bad_request');
    const missing = await call(ev, 'calls.get', undefined);
    expect(missing.ok ? 'ok' : missing.error.code).toBe('bad_request');
    // allow-listed but no service registered it: not_available, never a crash
    const unregistered = await call(ev, 'doctor.run', {});
    expect(unregistered.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('turns a throwing invoke into an internal error envelope and unregisters on dispose', async () => {
    const win = new BrowserWindow();
    const dispose = registerInvokeHandler({ ipcMain, getWindow: () => win, invoke: () => Promise.reject(new Error('db closed')) });
    const r = (await ipcMain.handlers.get(INVOKE_CHANNEL)!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'health.get')) as Envelope;
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'db closed' } });
    dispose();
    expect(ipcMain.handlers.has(INVOKE_CHANNEL)).toBe(false);
  });

  it('forwards bus events to the live main window only', () => {
    const bus = new EventBus();
    let win: BrowserWindow | undefined = new BrowserWindow();
    const first = win;
    const stop = forwardEvents(bus, () => win);
    bus.publish({ type: 'config.reloaded', at: '2026-01-01T00:00:00Z', path: '/x.yaml' });
    expect(first.webContents.sent).toEqual([{ channel: EVENT_CHANNEL, args: [{ type: 'config.reloaded', at: '2026-01-01T00:00:00Z', path: '/x.yaml' }] }]);
    first.destroyed = true;
    bus.publish({ type: 'config.error', at: 'now', message: 'bad' });
    win = undefined;
    bus.publish({ type: 'config.error', at: 'now', message: 'bad' });
    expect(first.webContents.sent.length).toBe(1);
    stop();
    expect(bus.size).toBe(0);
  });
});
