import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { NotificationPolicy, CallCounter } from '../../electron/notifications.js';
import { PrefsFile, defaultPrefs, parsePrefs, type NotificationKind } from '../../electron/prefs.js';
import { TrayController, callCountLabel, type TrayLike } from '../../electron/tray.js';
import { buildMenuTemplate, type MenuActions } from '../../electron/menu.js';
import { checkForUpdates } from '../../electron/updater.js';
import { getOpenAtLogin, setOpenAtLogin, linuxAutostartEntry } from '../../electron/auto-launch.js';
import type { HealthReport } from '../../engine/src/api/health.js';
import type { CallSummary } from '../../engine/src/api/calls.js';
import type { RecordingSummary } from '../../engine/src/api/recordings.js';

const health = (over: Partial<HealthReport> = {}): HealthReport => ({
  status: 'degraded',
  ari_connected: false,
  transports: {},
  providers: { openai_realtime: { ready: true, kind: 'provider', type: 'openai_realtime' } },
  active_calls: 0,
  uptime_seconds: 1,
  config_loaded_at: '2026-01-01T00:00:00Z',
  config_path: '/c.yaml',
  secret_store: 'keychain',
  version: '0.1.0',
  ...over,
});
const call = (id: string) => ({ id, channelId: `PJSIP/${id}`, context: 'default' }) as CallSummary;
const rec = (id: string, sentiment?: RecordingSummary['sentiment']) => ({ id, name: `in-1001-${id}.wav`, sentiment }) as RecordingSummary;

describe('notifications', () => {
  let enabled: Record<NotificationKind, boolean>;
  let policy: NotificationPolicy;
  beforeEach(() => {
    enabled = { ...defaultPrefs('linux').notifications };
    policy = new NotificationPolicy(() => enabled);
  });

  it('ARI: only disconnect after a connection, and reconnect after a notified disconnect', () => {
    expect(policy.health(health({ ari_connected: false }))).toEqual([]); // starting up
    expect(policy.health(health({ ari_connected: true }))).toEqual([]); // first connect is not news
    const lost = policy.health(health({ ari_connected: false, ari_reason: 'ECONNREFUSED 10.0.0.2:8088' }));
    expect(lost).toEqual([{ kind: 'ariConnection', title: 'Asterisk ARI disconnected', body: 'ECONNREFUSED 10.0.0.2:8088' }]);
    expect(policy.health(health({ ari_connected: false }))).toEqual([]); // polling repeats nothing
    expect(policy.health(health({ ari_connected: true }))[0]?.title).toBe('Asterisk ARI reconnected');
    expect(policy.health(health({ ari_connected: true }))).toEqual([]);
  });

  it('providers: once when they go (or start) not ready, again only after recovering', () => {
    const down = { openai_realtime: { ready: false, reason: 'OPENAI_API_KEY is not set', kind: 'provider' as const, type: 'openai_realtime' } };
    expect(policy.health(health({ providers: down }))).toEqual([{ kind: 'providerNotReady', title: 'Provider not ready', body: 'openai_realtime: OPENAI_API_KEY is not set' }]);
    expect(policy.health(health({ providers: down }))).toEqual([]);
    policy.health(health());
    expect(policy.health(health({ providers: down }))).toHaveLength(1);
  });

  it('sync failures once per run; negative recordings once each; toggles respected', () => {
    const failed = policy.event({ type: 'sync.progress', progress: { phase: 'failed', found: 0, downloaded: 0, failed: 0, bytes: 0, reason: 'ssh: auth failed' } });
    expect(failed).toEqual([{ kind: 'syncFailed', title: 'Recordings sync failed', body: 'ssh: auth failed' }]);
    const summary = { found: 0, downloaded: 0, skipped: 0, failed: 0, bytes: 0, startedAt: 'x', error: 'ssh: auth failed' };
    expect(policy.event({ type: 'sync.finished', summary })).toEqual([]);
    expect(policy.event({ type: 'sync.finished', summary })).toHaveLength(1);
    expect(policy.event({ type: 'recording.updated', recording: rec('a', 'neutral') })).toEqual([]);
    expect(policy.event({ type: 'recording.updated', recording: rec('a', 'negative') })[0]?.kind).toBe('negativeRecording');
    expect(policy.event({ type: 'recording.updated', recording: rec('a', 'negative') })).toEqual([]);
    enabled.negativeRecording = false;
    expect(policy.event({ type: 'recording.updated', recording: rec('b', 'negative') })).toEqual([]);
    enabled.ariConnection = false;
    policy.health(health({ ari_connected: true }));
    expect(policy.health(health({ ari_connected: false }))).toEqual([]);
  });

  it('counts live calls by id from call.started / call.ended', () => {
    const c = new CallCounter();
    expect(c.apply({ type: 'call.started', call: call('1') })).toBe(true);
    expect(c.apply({ type: 'call.started', call: call('1') })).toBe(false);
    c.apply({ type: 'call.started', call: call('2') });
    expect(c.apply({ type: 'call.updated', call: call('2') })).toBe(false);
    expect(c.count).toBe(2);
    c.apply({ type: 'call.ended', call: call('1') });
    expect(c.count).toBe(1);
    c.reset([]);
    expect(c.count).toBe(0);
  });
});

describe('tray', () => {
  it('shows the live call count and ARI state, rebuilding its menu only on change', () => {
    const calls: string[] = [];
    const tray: TrayLike & { tip: string; title: string; menus: MenuItemConstructorOptions[][] } = {
      tip: '',
      title: '',
      menus: [],
      setToolTip(t) {
        this.tip = t;
      },
      setTitle(t) {
        this.title = t;
      },
      setContextMenu(m) {
        this.menus.push(m as MenuItemConstructorOptions[]);
      },
      on: (_e, l) => calls.push(String(l.length)),
      destroy() {},
      isDestroyed: () => false,
    };
    const actions = { showWindow() {}, syncRecordings() {}, openDataFolder() {}, toggleNotification() {}, quit() {} };
    const ctl = new TrayController(tray, (t) => t, () => defaultPrefs('darwin'), actions, true);
    expect(tray.tip).toBe('AAVA Desktop — No active calls');
    ctl.update({ calls: 2, ari: true });
    expect(tray.tip).toBe('AAVA Desktop — 2 active calls');
    expect(tray.title).toBe('2');
    const menu = tray.menus.at(-1)!;
    expect(menu.map((i) => i.label ?? i.type)).toEqual(['2 active calls', 'ARI: connected', 'separator', 'Show AAVA Desktop', 'Sync Recordings Now', 'Open Data Folder', 'Notifications', 'separator', 'Quit']);
    const n = tray.menus.length;
    ctl.update({ calls: 2, ari: true });
    expect(tray.menus.length).toBe(n);
    expect(callCountLabel(1)).toBe('1 active call');
  });
});

describe('menu', () => {
  const actions = new Proxy({}, { get: () => () => {} }) as MenuActions;
  const ids = (items: MenuItemConstructorOptions[]): string[] =>
    items.flatMap((i) => [...(i.id ? [i.id] : []), ...(i.role ? [`role:${i.role}`] : []), ...(Array.isArray(i.submenu) ? ids(i.submenu) : [])]);

  it('has standard Edit/View/Window/Help roles and the app items; DevTools only in dev', () => {
    const prod = ids(buildMenuTemplate({ appName: 'AAVA Desktop', isMac: false, isDev: false, prefs: defaultPrefs('linux'), openAtLogin: false, actions }));
    expect(prod).toEqual(expect.arrayContaining(['role:editMenu', 'role:windowMenu', 'role:help', 'sync-now', 'open-data', 'open-config', 'check-updates', 'open-at-login', 'notify-syncFailed']));
    expect(prod).not.toContain('toggle-devtools');
    const dev = ids(buildMenuTemplate({ appName: 'AAVA Desktop', isMac: true, isDev: true, prefs: defaultPrefs('darwin'), openAtLogin: true, actions }));
    expect(dev).toContain('toggle-devtools');
    expect(dev).toContain('role:quit');
  });
});

describe('prefs, auto-launch, updates', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aava-prefs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('persists notification toggles', () => {
    const file = join(dir, 'desktop-prefs.json');
    const p = new PrefsFile(file, 'linux');
    expect(p.get().closeToTray).toBe(false);
    p.update((x) => {
      x.notifications.syncFailed = false;
    });
    expect(new PrefsFile(file, 'linux').get().notifications).toMatchObject({ syncFailed: false, ariConnection: true });
    writeFileSync(file, '[1,2');
    expect(new PrefsFile(file, 'win32').get()).toEqual(defaultPrefs('win32'));
    expect(parsePrefs({ notifications: { syncFailed: 'no' }, closeToTray: 1 }, 'darwin')).toEqual(defaultPrefs('darwin'));
  });

  it('writes and removes an XDG autostart entry on Linux (AppImage path when run from one)', () => {
    const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/home/a/Apps/AAVA Desktop.AppImage' };
    const e = { platform: 'linux', execPath: '/opt/aava/aava-desktop', env, home: '/home/a' };
    const app = { getLoginItemSettings: () => ({ openAtLogin: false }), setLoginItemSettings: () => {} };
    expect(getOpenAtLogin(app, e)).toBe(false);
    setOpenAtLogin(app, e, true);
    const file = join(dir, 'autostart', 'aava-desktop.desktop');
    expect(readFileSync(file, 'utf8')).toContain('Exec="/home/a/Apps/AAVA Desktop.AppImage" --hidden');
    expect(getOpenAtLogin(app, e)).toBe(true);
    setOpenAtLogin(app, e, false);
    expect(existsSync(file)).toBe(false);
    expect(linuxAutostartEntry({ env: {}, execPath: '/usr/bin/aava-desktop' })).toContain('Exec=/usr/bin/aava-desktop --hidden');
    let settings: unknown;
    setOpenAtLogin({ getLoginItemSettings: () => ({ openAtLogin: true }), setLoginItemSettings: (s) => (settings = s) }, { ...e, platform: 'win32' }, true);
    expect(settings).toEqual({ openAtLogin: true, openAsHidden: true, args: ['--hidden'] });
  });

  it('update checks never throw: dev, no updater, offline, up to date, available', async () => {
    expect((await checkForUpdates({ isPackaged: false, currentVersion: '0.1.0' })).status).toBe('unavailable');
    expect((await checkForUpdates({ isPackaged: true, currentVersion: '0.1.0' })).status).toBe('unavailable'); // electron-updater not installed
    const updater = (impl: () => Promise<{ updateInfo?: { version?: string } } | null>) => async () => ({ autoDownload: true, checkForUpdates: impl });
    const offline = await checkForUpdates({ isPackaged: true, currentVersion: '0.1.0', load: updater(() => Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED'))) });
    expect(offline).toEqual({ status: 'error', message: 'Could not reach the update server (offline?). Try again later.' });
    const noYml = await checkForUpdates({ isPackaged: true, currentVersion: '0.1.0', load: updater(() => Promise.reject(new Error("ENOENT: no such file, open '/opt/app/resources/app-update.yml'"))) });
    expect(noYml.status).toBe('unavailable');
    expect((await checkForUpdates({ isPackaged: true, currentVersion: '0.1.0', load: updater(async () => ({ updateInfo: { version: '0.1.0' } })) })).status).toBe('up-to-date');
    expect(await checkForUpdates({ isPackaged: true, currentVersion: '0.1.0', load: updater(async () => ({ updateInfo: { version: '0.2.0' } })) })).toMatchObject({ status: 'available', version: '0.2.0' });
  });
});
