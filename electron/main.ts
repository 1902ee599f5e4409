/**
 * Electron main process: one instance, the engine in-process (same
 * createEngine as `serve`), the dashboard from app://, the contract over one
 * validated IPC channel, tray + notifications, and an orderly quit.
 * Everything with logic lives in the sibling modules (unit-tested with a
 * stubbed electron); this file only wires them together.
 */
import { app, type BrowserWindow, Menu, Notification, Tray, dialog, ipcMain, nativeImage, protocol, safeStorage, session, shell } from 'electron';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { createLogger, FileSecretStore, type SecretStore } from '../engine/src/index.js';
import type { Envelope } from '../engine/src/api/wire.js';
import type { ApiEvent } from '../engine/src/api/events.js';
import type { CallSummary } from '../engine/src/api/calls.js';
import { APP_SCHEME, MEDIA_SCHEME } from './channels.js';
import { resolveDesktopPaths, ensureUserConfig, type DesktopPaths } from './app-paths.js';
import { acquireSingleInstance, focusWindow } from './single-instance.js';
import { buildCsp, socketOrigin } from './security.js';
import { installSessionPolicy } from './session-policy.js';
import { registerInvokeHandler, forwardEvents } from './ipc.js';
import { SafeStorageSecretStore, SecretStoreUnavailableError } from './secrets/safe-storage-store.js';
import { PrefsFile, type NotificationKind } from './prefs.js';
import { NotificationPolicy, CallCounter, type DesktopNotification } from './notifications.js';
import { buildMenuTemplate } from './menu.js';
import { TrayController } from './tray.js';
import { checkForUpdates } from './updater.js';
import { getOpenAtLogin, setOpenAtLogin, HIDDEN_FLAG, type AutoLaunchEnv } from './auto-launch.js';
import { ShutdownCoordinator } from './shutdown.js';
import { TeeLogDestination } from './log-file.js';
import { startHostedEngine, portOwnersFrom, type HostedEngine } from './engine-host.js';
import {
  classifyStartupError,
  renderStartupErrorPage,
  transportPortProblems,
  type StartupAction,
  type StartupProblem,
} from './startup-error.js';
import { createMainWindow, START_URL, STARTUP_ERROR_PATH } from './main-window.js';
import { installCertificateTrust } from './certificate-prompt.js';

const here = dirname(fileURLToPath(import.meta.url)); // out/electron (built) or electron/ (tests run the source)
// The repo root in dev, app.asar when packaged.
const appRoot = basename(dirname(here)) === 'out' ? join(here, '..', '..') : join(here, '..');
const isDev = !app.isPackaged;
const logDestination = new TeeLogDestination();
const log = createLogger({ destination: logDestination });
const ENGINE_STOP_MS = 8000;
const HEALTH_POLL_MS = 5000;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);

let paths: DesktopPaths;
let prefs: PrefsFile;
let secrets: SecretStore | undefined;
let hosted: HostedEngine | undefined;
let problem: StartupProblem | undefined;
let mainWindow: BrowserWindow | undefined;
let saveWindowState: () => void = () => {};
let trayCtl: TrayController | undefined;
let softphoneSockets: string[] = [];
const counter = new CallCounter();
const detach: (() => void)[] = [];
let healthTimer: NodeJS.Timeout | undefined;
let quitting = false;
let starting = false;

const launchEnv = (): AutoLaunchEnv => ({ platform: process.platform, execPath: process.execPath, env: process.env, home: homedir() });
const policy = new NotificationPolicy(() => prefs.get().notifications);

const shutdown = new ShutdownCoordinator(
  {
    stopIpc: () => detachEngine(),
    stopTimers: () => {
      if (healthTimer) clearInterval(healthTimer);
      healthTimer = undefined;
    },
    saveWindowState: () => saveWindowState(),
    engine: () => hosted?.engine,
    destroyTray: () => trayCtl?.destroy(),
    exit: (code) => app.exit(code),
  },
  log,
  ENGINE_STOP_MS,
);

function invoke(method: string, args?: unknown): Promise<Envelope> {
  if (!hosted) return Promise.resolve({ ok: false, error: { code: 'not_available', message: problem?.message ?? 'the engine is not running' } });
  return hosted.engine.router.invoke(method, args);
}

function detachEngine(): void {
  while (detach.length) detach.pop()!();
}

const shownNotes = new Set<Notification>(); // referenced until closed, or a click may go nowhere

function notify(n: DesktopNotification): void {
  if (!Notification.isSupported()) return;
  const note = new Notification({ title: n.title, body: n.body, silent: n.kind === 'negativeRecording' });
  shownNotes.add(note);
  note.on('click', () => showWindow());
  note.on('close', () => shownNotes.delete(note));
  note.show();
}

function showWindow(): void {
  // While the engine starts there is nothing to show yet; startEngine opens the window when done.
  if (!focusWindow(mainWindow) && !starting && paths) openWindow(true);
}

function openDataFolder(): void {
  void shell.openPath(paths.dataDir);
}

function openConfig(): void {
  void shell.openPath(problem?.configPath ?? paths.configPath).then((err) => {
    if (err) shell.showItemInFolder(paths.configPath);
  });
}

async function syncRecordings(): Promise<void> {
  const r = await invoke('recordings.syncNow');
  if (!r.ok) void dialog.showMessageBox({ type: 'warning', message: 'Recordings sync', detail: r.error.message });
}

async function refreshSoftphoneOrigin(): Promise<boolean> {
  const r = await invoke('softphone.account');
  const url = r.ok ? (r.result as { wssUrl?: string } | null)?.wssUrl : undefined;
  const next = url && socketOrigin(url) ? [url] : [];
  const changed = next.map(socketOrigin).join() !== softphoneSockets.map(socketOrigin).join();
  softphoneSockets = next;
  return changed;
}

function onEngineEvent(e: ApiEvent): void {
  if (counter.apply(e)) trayCtl?.update({ calls: counter.count });
  for (const n of policy.event(e)) notify(n);
}

function pollHealth(): void {
  if (!hosted) return;
  const h = hosted.engine.health();
  trayCtl?.update({ ari: h.ari_connected });
  for (const n of policy.health(h)) notify(n);
  if (h.active_calls !== counter.count) {
    // Missed an event (or the engine ended calls itself): resync from the list, else trust /health's number.
    void invoke('calls.active').then((r) => {
      if (r.ok && Array.isArray(r.result)) counter.reset((r.result as CallSummary[]).map((c) => c.id));
      trayCtl?.update({ calls: r.ok ? counter.count : h.active_calls });
    });
  }
}

function openSecretStore(dataDir: string): SecretStore {
  try {
    const store = new SafeStorageSecretStore(join(dataDir, 'secrets.keychain.json'), safeStorage, (name, err) =>
      log.warn({ secret: name, err: err.message }, 'a keychain secret could not be decrypted; treating it as unset'),
    );
    if (store.weakBackend) log.warn('no OS keyring found (safeStorage backend "basic_text"): secrets are only obfuscated');
    return store;
  } catch (err) {
    // A corrupt keychain file is a start-up error (named); only a missing OS encryption falls back.
    if (!(err instanceof SecretStoreUnavailableError)) throw err;
    log.warn({ err: err.message }, 'OS keychain unavailable; using the 0600 file secret store');
    return new FileSecretStore(join(dataDir, 'secrets.json'));
  }
}

async function startEngine(): Promise<void> {
  starting = true;
  try {
    if (ensureUserConfig(paths)) log.info({ config: paths.configPath }, 'first run: copied the shipped config');
    secrets ??= openSecretStore(paths.dataDir);
    hosted = await startHostedEngine({ configPath: paths.configPath, dataDir: paths.dataDir, secrets });
  } catch (err) {
    starting = false;
    hosted = undefined;
    problem = classifyStartupError(err, paths.configPath, portOwnersFrom(paths.configPath));
    log.error({ kind: problem.kind, problem: problem.message }, 'engine start failed');
    openWindow(true);
    return;
  }
  starting = false;
  problem = undefined;
  const engine = hosted.engine;
  detach.push(
    registerInvokeHandler({
      ipcMain,
      getWindow: () => mainWindow,
      invoke,
      log,
      afterInvoke: (method) => {
        if (method !== 'softphone.saveAccount') return;
        // The CSP is fixed per document: a new softphone server needs a reload to be reachable.
        void refreshSoftphoneOrigin().then((changed) => {
          if (changed) mainWindow?.webContents.reload();
        });
      },
    }),
    forwardEvents(engine.ctx.bus, () => mainWindow),
    engine.ctx.bus.subscribe(onEngineEvent),
  );
  await refreshSoftphoneOrigin();
  healthTimer = setInterval(pollHealth, HEALTH_POLL_MS);
  pollHealth();
  openWindow(!prefs.get().startHidden && !process.argv.includes(HIDDEN_FLAG));
  const [portProblem] = transportPortProblems(engine.health().transports, paths.configPath, portOwnersFrom(paths.configPath));
  if (portProblem) void askAboutPort(portProblem);
}

/** A media port in use does not stop the dashboard (the port can be changed there), but the user must know. */
async function askAboutPort(p: StartupProblem): Promise<void> {
  log.error({ port: p.port, problem: p.message }, 'media transport port in use');
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: p.title,
    message: p.title,
    detail: `${p.message}\n\n${p.hint}`,
    buttons: ['Open config', 'Retry', 'Continue'],
    defaultId: 1,
    cancelId: 2,
  });
  if (response === 0) openConfig();
  if (response === 1) await restartEngine();
}

async function restartEngine(): Promise<void> {
  detachEngine();
  if (healthTimer) clearInterval(healthTimer);
  healthTimer = undefined;
  const old = hosted;
  hosted = undefined;
  await old?.engine.stop(ENGINE_STOP_MS);
  await startEngine();
}

async function onStartupAction(action: StartupAction): Promise<void> {
  if (action === 'open-config') return openConfig();
  if (action === 'open-data') return openDataFolder();
  if (action === 'quit') return app.quit();
  if (hosted || starting) return;
  await startEngine();
}

function openWindow(show: boolean): void {
  const url = problem ? `${APP_SCHEME}://local${STARTUP_ERROR_PATH}` : START_URL;
  if (mainWindow && !mainWindow.isDestroyed()) {
    void mainWindow.loadURL(url);
    if (show) focusWindow(mainWindow);
    return;
  }
  const created = createMainWindow({
    preload: join(here, 'preload.cjs'),
    icon: join(appRoot, 'assets', 'icons', '512x512.png'),
    isDev,
    stateFile: join(paths.dataDir, 'window-state.json'),
    show,
    onStartupAction: (a) => void onStartupAction(a),
  });
  mainWindow = created.win;
  saveWindowState = created.saveState;
  mainWindow.on('close', (e) => {
    if (!quitting && trayCtl && prefs.get().closeToTray && !problem) {
      e.preventDefault();
      mainWindow?.hide();
    }
  });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  void mainWindow.loadURL(url);
}

function buildMenus(): void {
  const p = prefs.get();
  const toggleNotification = (kind: NotificationKind, on: boolean) => {
    prefs.update((x) => {
      x.notifications[kind] = on;
    });
    buildMenus();
  };
  const openAtLogin = getOpenAtLogin(app, launchEnv());
  const template = buildMenuTemplate({
    appName: app.getName(),
    isMac: process.platform === 'darwin',
    isDev,
    prefs: p,
    openAtLogin,
    actions: {
      syncRecordings: () => void syncRecordings(),
      openDataFolder,
      openConfig,
      reloadConfig: () =>
        void invoke('config.reload').then((r) => {
          if (!r.ok) void dialog.showMessageBox({ type: 'error', message: 'The config was not reloaded', detail: r.error.message });
        }),
      checkForUpdates: () =>
        void checkForUpdates({ isPackaged: app.isPackaged, currentVersion: app.getVersion() }).then((r) =>
          dialog.showMessageBox({ type: r.status === 'error' ? 'warning' : 'info', message: 'Check for updates', detail: r.message }),
        ),
      toggleNotification,
      setOpenAtLogin: (on) => {
        setOpenAtLogin(app, launchEnv(), on);
        buildMenus();
      },
      setCloseToTray: (on) => {
        prefs.update((x) => {
          x.closeToTray = on;
        });
        buildMenus();
      },
      showAbout: () => app.showAboutPanel(),
      openDocs: () => void shell.openExternal('https://github.com/hkjarral/Asterisk-AI-Voice-Agent'),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  trayCtl?.render();
}

function createTray(): void {
  try {
    const image = nativeImage.createFromPath(join(appRoot, 'assets', 'tray', 'tray.png'));
    const tray = new Tray(image);
    trayCtl = new TrayController(
      tray,
      (t) => Menu.buildFromTemplate(t),
      () => prefs.get(),
      {
        showWindow,
        syncRecordings: () => void syncRecordings(),
        openDataFolder,
        toggleNotification: (kind, on) => {
          prefs.update((x) => {
            x.notifications[kind] = on;
          });
          buildMenus();
        },
        quit: () => app.quit(),
      },
      process.platform === 'darwin',
    );
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'no tray on this desktop');
  }
}

async function boot(): Promise<void> {
  paths = resolveDesktopPaths({
    argv: process.argv,
    env: process.env,
    userData: app.getPath('userData'),
    resourcesPath: process.resourcesPath,
    appRoot,
    isPackaged: app.isPackaged,
  });
  logDestination.attach(join(paths.dataDir, 'logs', 'desktop.log'));
  prefs = new PrefsFile(join(paths.dataDir, 'desktop-prefs.json'));
  if (process.platform === 'win32') app.setAppUserModelId('com.aava.desktop'); // toasts need it (matches appId)
  app.setAboutPanelOptions({ applicationName: 'AAVA Desktop', applicationVersion: app.getVersion() });
  installSessionPolicy(session.defaultSession, {
    rendererDir: join(appRoot, 'out', 'renderer'),
    csp: () => buildCsp({ socketUrls: softphoneSockets }),
    page: (p) => (p === STARTUP_ERROR_PATH && problem ? renderStartupErrorPage(problem) : undefined),
    resolveMedia: (p) => hosted?.resolveMedia(p),
    onAction: (a) => void onStartupAction(a),
  });
  installCertificateTrust({ prefs: () => prefs, softphoneUrls: () => softphoneSockets, window: () => mainWindow, warn: (hostPort, message) => log.warn({ hostPort }, message) });
  createTray();
  buildMenus();
  await startEngine();
}

if (acquireSingleInstance(app, showWindow)) {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('before-quit', (e) => {
    quitting = true;
    shutdown.onBeforeQuit(e);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showWindow());
  app
    .whenReady()
    .then(boot)
    .catch((err: unknown) => {
      log.error({ err: (err as Error)?.message }, 'desktop start-up failed');
      dialog.showErrorBox('AAVA Desktop could not start', (err as Error)?.message ?? String(err));
      app.exit(1);
    });
}
