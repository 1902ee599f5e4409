import { describe, it, expect, beforeEach, vi } from 'vitest';
vi.mock('electron', () => import('./stubs/electron.js'));
import { type BrowserWindow, WebContents, shell, resetStub } from './stubs/electron.js';
import { buildCsp, socketOrigin, isAppUrl, allowPermission, allowPermissionCheck, installNavigationGuards, type GuardableContents } from '../../electron/security.js';
import { createMainWindow, secureWebPreferences } from '../../electron/main-window.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
}

function navigate(contents: WebContents, event: 'will-navigate' | 'will-redirect', url: string): boolean {
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('CSP', () => {
  it('allows no remote scripts and connects only to self, media and the softphone WSS origin', () => {
    const d = directives(buildCsp({ socketUrls: ['wss://pbx.example.com:8089/ws', 'wss://pbx.example.com:8089/other', 'https://evil.example', 'javascript:alert(1)', null] }));
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['default-src']).toEqual(["'self'"]);
    expect(d['connect-src']).toEqual(["'self'", 'aava-media:', 'wss://pbx.example.com:8089']);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['base-uri']).toEqual(["'none'"]);
    const all = Object.values(d).flat();
    expect(all).not.toContain("'unsafe-eval'");
    expect(all.filter((s) => s === "'unsafe-inline'")).toHaveLength(1); // style-src only
    expect(d['style-src']).toContain("'unsafe-inline'");
    expect(all.some((s) => s === '*' || s === 'https:' || s === 'wss:' || s === 'http:')).toBe(false);
  });

  it('without a softphone account connect-src is only self and media', () => {
    expect(directives(buildCsp())['connect-src']).toEqual(["'self'", 'aava-media:']);
  });

  it.each([
    ['wss://pbx.lan:8089/ws', 'wss://pbx.lan:8089'],
    ['ws://10.0.0.5:8088/ws', 'ws://10.0.0.5:8088'],
    ['wss://[fd00::1]:8089/ws', 'wss://[fd00::1]:8089'],
    ['https://pbx.lan', undefined],
    ["wss://pbx.lan';script-src *", undefined],
    ['not a url', undefined],
  ])('socketOrigin(%s) = %s', (url, origin) => {
    expect(socketOrigin(url)).toBe(origin);
  });
});

describe('app origin, permissions', () => {
  it.each([
    ['app://local/index.html', true],
    ['app://local/#/softphone', true],
    ['app://localhost/index.html', false],
    ['app://user:pw@local/', false],
    ['https://local/index.html', false],
    ['file:///index.html', false],
    [undefined, false],
  ])('isAppUrl(%s) = %s', (url, ok) => {
    expect(isAppUrl(url)).toBe(ok);
  });

  it('grants the microphone (and clipboard write, speaker choice) to the app page only, nothing else', () => {
    const ok = { permission: 'media', requestingUrl: 'app://local/index.html', isMainFrame: true, mediaTypes: ['audio'] };
    expect(allowPermission(ok)).toBe(true);
    expect(allowPermission({ ...ok, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(allowPermission({ ...ok, mediaTypes: [] })).toBe(false);
    expect(allowPermission({ ...ok, isMainFrame: false })).toBe(false);
    expect(allowPermission({ ...ok, requestingUrl: 'https://pbx.example.com/' })).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'midi', 'hid', 'serial', 'display-capture', 'pointerLock']) {
      expect(allowPermission({ ...ok, permission: p })).toBe(false);
    }
    // the dialplan "Copy" button and the softphone's output-device picker, on the app page only
    expect(allowPermission({ ...ok, permission: 'clipboard-sanitized-write', mediaTypes: undefined })).toBe(true);
    expect(allowPermission({ ...ok, permission: 'speaker-selection', mediaTypes: undefined })).toBe(true);
    expect(allowPermission({ ...ok, permission: 'clipboard-sanitized-write', requestingUrl: 'https://x.example/' })).toBe(false);
    expect(allowPermission({ ...ok, permission: 'speaker-selection', isMainFrame: false })).toBe(false);
    expect(allowPermissionCheck('media', 'app://local')).toBe(true);
    expect(allowPermissionCheck('media', 'https://evil.example')).toBe(false);
    expect(allowPermissionCheck('geolocation', 'app://local')).toBe(false);
  });
});

describe('navigation and new windows', () => {
  beforeEach(() => resetStub());

  it('denies every new window, handing only https/mailto links to the OS browser', () => {
    const c = new WebContents();
    const opened: string[] = [];
    installNavigationGuards(c as unknown as GuardableContents, (u) => opened.push(u));
    for (const url of ['https://docs.example.com/', 'mailto:ops@example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'app://local/x', 'smb://share']) {
      expect(c.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://docs.example.com/', 'mailto:ops@example.com']);
  });

  it('keeps navigation on the app origin', () => {
    const c = new WebContents();
    const opened: string[] = [];
    installNavigationGuards(c as unknown as GuardableContents, (u) => opened.push(u));
    expect(navigate(c, 'will-navigate', 'app://local/index.html#/calls')).toBe(false);
    expect(navigate(c, 'will-navigate', 'https://phish.example/login')).toBe(true);
    expect(navigate(c, 'will-redirect', 'http://169.254.169.254/')).toBe(true);
    expect(navigate(c, 'will-navigate', 'file:///home/user/.ssh/id_rsa')).toBe(true);
    expect(opened).toEqual(['https://phish.example/login']);
    let webview = false;
    c.emit('will-attach-webview', { preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
  });

  it('creates the main window sandboxed, isolated, without Node, DevTools only in dev', () => {
    expect(secureWebPreferences('/p.cjs', false)).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    expect(secureWebPreferences(undefined, true).devTools).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'aava-win-'));
    try {
      const actions: string[] = [];
      const { win } = createMainWindow({ preload: '/p.cjs', isDev: false, stateFile: join(dir, 'w.json'), show: true, onStartupAction: (a) => actions.push(a) });
      const stub = win as unknown as BrowserWindow;
      expect(stub.options.webPreferences).toEqual(secureWebPreferences('/p.cjs', false));
      // the start-up error page's buttons: handled, never navigated
      expect(navigate(stub.webContents, 'will-navigate', 'aava-action:retry')).toBe(true);
      expect(navigate(stub.webContents, 'will-navigate', 'aava-action:open-config')).toBe(true);
      expect(actions).toEqual(['retry', 'open-config']);
      expect(navigate(stub.webContents, 'will-navigate', 'https://x.example/')).toBe(true);
      expect(shell.opened).toEqual(['https://x.example/']);
      stub.emit('ready-to-show');
      expect(stub.visible).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
