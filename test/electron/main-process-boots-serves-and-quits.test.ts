/**
 * electron/main.ts end to end against the stubbed electron module: the real
 * engine (DEFAULT_SERVICES, real sockets on port 0, no Asterisk), the app://
 * protocol, the IPC bridge, and an orderly quit; then a bad config that must
 * end in the start-up error page rather than a crash.
 */
import { describe, it, expect, afterEach, beforeEach, vi } from 'vitest';
vi.mock('electron', () => import('./stubs/electron.js'));
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Stub from './stubs/electron.js';
import type { Envelope } from '../../engine/src/api/wire.js';

const CONFIG = [
  'default_provider: openai_realtime',
  'asterisk: { host: 127.0.0.1, port: 1, username: aava, password: "" }',
  'audiosocket: { host: 127.0.0.1, port: 0 }',
  'health: { host: 127.0.0.1, port: 0 }',
  'providers:',
  '  openai_realtime: { type: openai_realtime }',
  '',
].join('\n');

let dir: string;
let stub: typeof Stub;

async function bootMain(configText: string, before?: () => void, whileStarting?: () => void): Promise<void> {
  vi.resetModules();
  // the very module main.ts receives for `electron`
  stub = (await import('electron')) as unknown as typeof Stub;
  stub.resetStub();
  if (dir) rmSync(dir, { recursive: true, force: true }); // a previous boot in the same test
  dir = mkdtempSync(join(tmpdir(), 'aava-main-'));
  mkdirSync(join(dir, 'renderer'));
  stub.app.userDataDir = join(dir, 'userData');
  writeFileSync(join(dir, 'ai-agent.yaml'), configText);
  vi.stubEnv('AI_AGENT_CONFIG', join(dir, 'ai-agent.yaml'));
  vi.stubEnv('AI_ENGINE_DATA_DIR', join(dir, 'data'));
  vi.stubEnv('AAVA_LOG_LEVEL', 'fatal');
  before?.();
  await import('../../electron/main.js');
  whileStarting?.();
  await vi.waitFor(() => expect(stub.BrowserWindow.created.length).toBe(1), { timeout: 15_000, interval: 20 });
}

async function quit(): Promise<void> {
  let prevented = false;
  stub.app.emit('before-quit', { preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  await vi.waitFor(() => expect(stub.app.exitCodes.length).toBe(1), { timeout: 15_000, interval: 20 });
}

beforeEach(() => {
  dir = '';
});
afterEach(() => {
  vi.unstubAllEnvs();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('main process', { timeout: 90_000 }, () => {
  it('boots the engine, opens the hardened window on app://, answers IPC, and quits cleanly', async () => {
    // the dock icon / a second launch while the engine is still starting must not open a half-ready window
    await bootMain(CONFIG, undefined, () => {
      stub.app.emit('activate');
      stub.app.emit('second-instance', {}, [], '/');
    });
    expect(stub.BrowserWindow.created).toHaveLength(1);
    const win = stub.BrowserWindow.created[0]!;
    expect(win.loaded).toEqual(['app://local/index.html']);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(stub.protocol.privileged.map((p) => p.scheme)).toEqual(['app', 'aava-media']);
    expect([...stub.protocol.handlers.keys()].sort()).toEqual(['aava-action', 'aava-media', 'app']);
    expect(stub.Tray.created).toHaveLength(1);
    expect(stub.Tray.created[0]!.tooltip).toBe('AAVA Desktop — No active calls');
    // the first health poll: the provider has no key → one OS notification naming it
    expect(stub.Notification.shown).toEqual([{ title: 'Provider not ready', body: expect.stringContaining('openai_realtime: ') }]);
    // toggling it off in the menu persists the choice
    type Item = { id?: string; submenu?: Item[]; click?: (item: { checked: boolean }) => void };
    const find = (items: Item[], id: string): Item | undefined => {
      for (const i of items) {
        if (i.id === id) return i;
        const sub = i.submenu && find(i.submenu, id);
        if (sub) return sub;
      }
      return undefined;
    };
    find((stub.Menu.applied as { template: Item[] }).template, 'notify-providerNotReady')!.click!({ checked: false });
    expect(JSON.parse(readFileSync(join(dir, 'data', 'desktop-prefs.json'), 'utf8')).notifications.providerNotReady).toBe(false);
    expect(find((stub.Menu.applied as { template: Item[] }).template, 'toggle-devtools')).toBeDefined(); // not packaged = dev

    // the app page asks for health over the one IPC channel
    const handler = stub.ipcMain.handlers.get('aava:invoke')!;
    const ev = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const health = (await handler(ev, 'health.get', undefined)) as Envelope;
    expect(health.ok).toBe(true);
    expect(health.ok && (health.result as { ari_connected: boolean; secret_store: string })).toMatchObject({ ari_connected: false, secret_store: 'keychain' });
    const foreign = (await handler({ sender: win.webContents, senderFrame: new stub.WebFrameMain('https://evil.example/') }, 'health.get')) as Envelope;
    expect(foreign.ok).toBe(false);

    // the renderer is served with the CSP (here: the "not built" answer still carries it)
    const res = await stub.protocol.handlers.get('app')!(new Request('app://local/index.html'));
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    // the microphone only for the app page
    const grants: boolean[] = [];
    stub.session.defaultSession.permissionRequest!(win.webContents, 'media', (g) => grants.push(g), { requestingUrl: 'app://local/index.html', isMainFrame: true, mediaTypes: ['audio'] });
    stub.session.defaultSession.permissionRequest!(win.webContents, 'media', (g) => grants.push(g), { requestingUrl: 'https://x.example/', isMainFrame: true, mediaTypes: ['audio'] });
    expect(grants).toEqual([true, false]);

    // secrets go to the keychain file, set through the contract
    const set = (await handler(ev, 'secrets.set', { name: 'OPENAI_API_KEY', value: 'sk-main-proc-secret' })) as Envelope;
    expect(set.ok).toBe(true);
    expect(readFileSync(join(dir, 'data', 'secrets.keychain.json'), 'utf8')).not.toContain('sk-main-proc-secret');

    // a softphone account opens connect-src to its WSS origin (and only it); the page reloads to apply it
    const before = await stub.protocol.handlers.get('app')!(new Request('app://local/index.html'));
    expect(before.headers.get('content-security-policy')).not.toMatch(/wss:/);
    const saved = (await handler(ev, 'softphone.saveAccount', { wssUrl: 'wss://pbx.example.test:8089/ws', sipUri: 'sip:1001@pbx.example.test', authUser: '1001' })) as Envelope;
    expect(saved.ok).toBe(true);
    await vi.waitFor(() => expect(win.webContents.reloads).toBe(1), { timeout: 10_000, interval: 20 });
    const after = await stub.protocol.handlers.get('app')!(new Request('app://local/index.html'));
    expect(after.headers.get('content-security-policy')).toMatch(/connect-src 'self' aava-media: wss:\/\/pbx\.example\.test:8089;/);
    await handler(ev, 'softphone.saveAccount', { wssUrl: 'wss://pbx.example.test:8089/other', sipUri: 'sip:1001@pbx.example.test', authUser: '1001' });
    await new Promise((r) => setImmediate(r)); // the refresh is promise-chained on synchronous DB reads
    expect(win.webContents.reloads).toBe(1); // same origin: no reload

    await quit();
    expect(stub.app.exitCodes).toEqual([0]);
    expect(stub.ipcMain.handlers.has('aava:invoke')).toBe(false);
    expect(stub.Tray.created[0]!.destroyed).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'data', 'window-state.json'), 'utf8'))).toMatchObject({ width: 1280, maximized: false });
  });

  it('shows the start-up error page for a bad config, and Retry recovers once it is fixed', async () => {
    await bootMain('default_provider: nope\n', () => vi.stubEnv('AAVA_LOG_LEVEL', 'error'));
    const win = stub.BrowserWindow.created[0]!;
    expect(win.loaded).toEqual(['app://local/__startup-error']);
    const page = await (await stub.protocol.handlers.get('app')!(new Request('app://local/__startup-error'))).text();
    expect(page).toContain('The configuration file has errors');
    expect(page).toContain(join(dir, 'ai-agent.yaml'));
    expect(page).toMatch(/asterisk: is required/);
    // no IPC handler while broken; the failure is in the desktop log file
    expect(stub.ipcMain.handlers.has('aava:invoke')).toBe(false);
    expect(readFileSync(join(dir, 'data', 'logs', 'desktop.log'), 'utf8')).toMatch(/engine start failed/);

    writeFileSync(join(dir, 'ai-agent.yaml'), CONFIG);
    win.webContents.emit('will-navigate', { preventDefault() {} }, 'aava-action:retry');
    await vi.waitFor(() => expect(win.loaded.at(-1)).toBe('app://local/index.html'), { timeout: 15_000, interval: 20 });
    expect(stub.ipcMain.handlers.has('aava:invoke')).toBe(true);
    win.webContents.emit('will-navigate', { preventDefault() {} }, 'aava-action:open-config');
    expect(stub.shell.opened).toContain(join(dir, 'ai-agent.yaml'));
    await quit();
    expect(stub.app.exitCodes).toEqual([0]);
  });

  it('a media port in use keeps the dashboard but says which port and key, with Open config', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await bootMain(CONFIG.replace('audiosocket: { host: 127.0.0.1, port: 0 }', `audiosocket: { host: 127.0.0.1, port: ${port} }`));
      const win = stub.BrowserWindow.created[0]!;
      expect(win.loaded).toEqual(['app://local/index.html']);
      await vi.waitFor(() => expect(stub.dialog.boxes).toHaveLength(1), { timeout: 15_000, interval: 20 });
      const box = stub.dialog.boxes[0] as { title: string; detail: string; buttons: string[] };
      expect(box.title).toBe(`Port ${port} is already in use — audiosocket calls cannot be answered`);
      expect(box.detail).toContain(`${join(dir, 'ai-agent.yaml')}: audiosocket.port: port ${port} is in use`);
      expect(box.buttons).toEqual(['Open config', 'Retry', 'Continue']);
      await vi.waitFor(() => expect(stub.shell.opened).toContain(join(dir, 'ai-agent.yaml')));
      await quit();
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('without OS encryption falls back to the 0600 file store (and /health says so); a corrupt keychain file is a named error', async () => {
    await bootMain(CONFIG, () => {
      stub.safeStorage.available = false;
    });
    const win = stub.BrowserWindow.created[0]!;
    const handler = stub.ipcMain.handlers.get('aava:invoke')!;
    const health = (await handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'health.get')) as Envelope;
    expect(health.ok && (health.result as { secret_store: string }).secret_store).toBe('file');
    await quit();

    await bootMain(CONFIG, () => {
      mkdirSync(join(dir, 'data'), { recursive: true });
      writeFileSync(join(dir, 'data', 'secrets.keychain.json'), '{"version":1,');
    });
    const win2 = stub.BrowserWindow.created[0]!;
    expect(win2.loaded).toEqual(['app://local/__startup-error']);
    const page = await (await stub.protocol.handlers.get('app')!(new Request('app://local/__startup-error'))).text();
    expect(page).toContain(`${join(dir, 'data', 'secrets.keychain.json')}: keychain secret store is not valid JSON`);
    await quit();
  });
});
