/**
 * The closest we get to launching the app without Electron's binary: the real
 * dashboard bundle, served by the app:// handler code with the desktop CSP,
 * in Debian's Chromium; `window.aava` comes from the real preload bundle; its
 * IPC lands in the real `aava:invoke` handler (as the main window's top frame)
 * which calls a real engine. Every page must render with no CSP violation and
 * no page error; a remote fetch/socket must be blocked; the softphone's WSS
 * origin must not be.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
vi.mock('electron', () => import('./stubs/electron.js'));
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { BrowserWindow, ipcMain, resetStub } from './stubs/electron.js';
import { createAppHandler } from '../../electron/protocols.js';
import { buildCsp } from '../../electron/security.js';
import { registerInvokeHandler, forwardEvents } from '../../electron/ipc.js';
import { INVOKE_CHANNEL, EVENT_CHANNEL } from '../../electron/channels.js';
import { startHostedEngine, type HostedEngine } from '../../electron/engine-host.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { createEngine } from '../../engine/src/engine.js';

const root = resolve(__dirname, '..', '..');
const CHROMIUM = process.env.AAVA_CHROMIUM ?? '/usr/bin/chromium';
const canRun = existsSync(CHROMIUM) && existsSync(join(root, 'renderer', 'vite.config.ts'));
const SOFTPHONE_WSS = 'wss://pbx.example.test:8089/ws';
const PAGES = ['calls', 'latency', 'contexts', 'history', 'recordings', 'softphone', 'settings', 'doctor'];

let dir: string;
let server: Server;
let hosted: HostedEngine;
let context: BrowserContext;
let page: Page;
let inFlight = 0;
const pageErrors: string[] = [];

async function settle(): Promise<void> {
  await vi.waitFor(() => expect(inFlight).toBe(0), { timeout: 20_000, interval: 25 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  await vi.waitFor(() => expect(inFlight).toBe(0), { timeout: 20_000, interval: 25 });
}

const violations = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp.slice());

describe.skipIf(!canRun)('dashboard in Chromium under the desktop CSP, through the real preload and IPC handler', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    resetStub();
    dir = mkdtempSync(join(tmpdir(), 'aava-desktop-e2e-'));
    // 1. the real bundles: dashboard (vite) and preload (esbuild)
    const { build } = await import('vite');
    const outDir = join(dir, 'renderer');
    await build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
    const { buildPreload } = (await import('../../electron/scripts/build.mjs' as string)) as { buildPreload(out: string): Promise<string> };
    const preload = readFileSync(await buildPreload(join(dir, 'preload.cjs')), 'utf8');

    // 2. a real engine (no Asterisk reachable) behind the real IPC handler
    writeFileSync(
      join(dir, 'ai-agent.yaml'),
      [
        'default_provider: openai_realtime',
        'asterisk: { host: 127.0.0.1, port: 1, username: aava, password: "" }',
        'audiosocket: { host: 127.0.0.1, port: 0 }',
        'providers:',
        '  openai_realtime: { type: openai_realtime }',
        '',
      ].join('\n'),
    );
    hosted = await startHostedEngine({
      configPath: join(dir, 'ai-agent.yaml'),
      dataDir: join(dir, 'data'),
      secrets: new MemorySecretStore(),
      http: false,
      create: (o) => createEngine({ ...o, log: silentLogger(), watchConfig: false }),
    });
    const win = new BrowserWindow();
    registerInvokeHandler({ ipcMain, getWindow: () => win, invoke: (m, a) => hosted.engine.router.invoke(m, a) });
    const handler = ipcMain.handlers.get(INVOKE_CHANNEL)!;

    // 3. the app:// handler code, over HTTP for Chromium, with the CSP the app sends
    const csp = buildCsp({ socketUrls: [SOFTPHONE_WSS] });
    const app = createAppHandler({ rendererDir: outDir, csp: () => csp });
    server = createServer((req, res) => {
      const r = app(new Request(`app://local${req.url ?? '/'}`));
      res.writeHead(r.status, Object.fromEntries(r.headers));
      void r.arrayBuffer().then((b) => res.end(Buffer.from(b)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;

    const { chromium } = await import('playwright-core');
    const profile = join(dir, 'profile');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.exposeFunction('__aavaIpcInvoke', async (channel: string, method: unknown, args: unknown) => {
      inFlight++;
      try {
        if (channel !== INVOKE_CHANNEL) throw new Error(`unexpected channel ${channel}`);
        return await handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, method, args);
      } finally {
        inFlight--;
      }
    });
    // engine events → the page's ipcRenderer listeners (what webContents.send does)
    forwardEvents(hosted.engine.ctx.bus, () => win);
    const origSend = win.webContents.send.bind(win.webContents);
    win.webContents.send = (ch: string, ...a: unknown[]) => {
      origSend(ch, ...a);
      void page.evaluate(([c, e]) => (window as unknown as { __aavaEmit(c: string, e: unknown): void }).__aavaEmit(c, e), [ch, a[0]] as const).catch(() => {});
    };
    // The sandboxed preload environment: require('electron') → contextBridge + ipcRenderer, nothing else.
    await page.addInitScript(
      `(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));
        const listeners = new Map();
        window.__aavaEmit = (ch, ev) => (listeners.get(ch) || []).forEach((l) => l({ sender: null }, ev));
        const electron = {
          contextBridge: { exposeInMainWorld: (k, v) => Object.defineProperty(window, k, { value: v, enumerable: true }) },
          ipcRenderer: {
            invoke: (ch, ...a) => window.__aavaIpcInvoke(ch, ...a),
            on: (ch, l) => listeners.set(ch, [...(listeners.get(ch) || []), l]),
            removeListener: (ch, l) => listeners.set(ch, (listeners.get(ch) || []).filter((x) => x !== l)),
          },
        };
        const module = { exports: {} };
        const require = (id) => { if (id === 'electron') return electron; throw new Error('sandbox: ' + id); };
        const process = { platform: 'linux' };
        ${preload}
      })();`,
    );
    await page.goto(`http://127.0.0.1:${port}/index.html`);
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await hosted?.engine.stop(2000);
    ipcMain.removeHandler(INVOKE_CHANNEL);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the preload bridge is there and the IPC client talks to the engine', async () => {
    expect(await page.evaluate(() => Object.keys((window as unknown as { aava: object }).aava).sort())).toEqual(['invoke', 'mediaBase', 'onEvent', 'platform']);
    const health = await page.evaluate(() => (window as unknown as { aava: { invoke(m: string): Promise<unknown> } }).aava.invoke('health.get'));
    expect(health).toMatchObject({ ok: true, result: { ari_connected: false } });
    const refused = await page.evaluate(() => (window as unknown as { aava: { invoke(m: string): Promise<unknown> } }).aava.invoke('fs.readFile'));
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(EVENT_CHANNEL).toBe('aava:event');
  });

  it('every page renders with no CSP violation and no page error', async () => {
    for (const p of PAGES) {
      await page.evaluate((h) => (window.location.hash = h), `#/${p}`);
      await settle();
      // lazily loaded page chunks arrive over the app handler, then the page's own IPC queries
      await page.waitForFunction(() => !document.getElementById('root')?.innerText.includes('Loading…'), undefined, { timeout: 15_000 });
      await settle();
      const rootHtml = await page.evaluate(() => document.getElementById('root')?.innerText ?? '');
      // the header's health came from the real engine over the IPC path
      expect(rootHtml, `#/${p}`).toContain('ARI disconnected');
      expect(await violations(), `#/${p}`).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
  });

  it('blocks remote connections and scripts, allows the softphone WSS origin', async () => {
    await page.evaluate(() => {
      void fetch('https://example.com/exfil').catch(() => {});
      try {
        new WebSocket('wss://evil.example/ws').onerror = () => {};
      } catch {
        /* blocked synchronously in some versions */
      }
      try {
        new WebSocket('wss://pbx.example.test:8089/ws').onerror = () => {};
      } catch {
        /* never for the allowed origin */
      }
      const s = document.createElement('script');
      s.src = 'https://cdn.example.com/x.js';
      document.head.appendChild(s);
    });
    await vi.waitFor(async () => expect((await violations()).length).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 50 });
    const v = (await violations()).join('\n');
    expect(v).toMatch(/connect-src https:\/\/example\.com/);
    expect(v).toMatch(/connect-src wss:\/\/evil\.example/);
    expect(v).toMatch(/script-src-elem https:\/\/cdn\.example\.com/);
    expect(v).not.toMatch(/pbx\.example\.test/);
  });
});
