/** The app window: hardened webPreferences, restored bounds, navigation guards. */
import { BrowserWindow, screen, shell, type BrowserWindowConstructorOptions } from 'electron';
import { APP_ORIGIN } from './channels.js';
import { fitToDisplays, loadWindowState, trackWindowState, MIN_WIDTH, MIN_HEIGHT } from './window-state.js';
import { installNavigationGuards, isExternalLink, type GuardableContents } from './security.js';
import { parseStartupAction, type StartupAction } from './startup-error.js';

export const START_URL = `${APP_ORIGIN}/index.html`;
export const STARTUP_ERROR_PATH = '/__startup-error';

/** The webPreferences every window of the app gets (tested: they must stay this strict). */
export function secureWebPreferences(preload: string | undefined, isDev: boolean): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    ...(preload ? { preload } : {}),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: isDev,
  };
}

export interface MainWindowOptions {
  preload: string;
  icon?: string;
  isDev: boolean;
  stateFile: string;
  show: boolean;
  onStartupAction(action: StartupAction): void;
}

export function createMainWindow(o: MainWindowOptions): { win: BrowserWindow; saveState: () => void } {
  const state = fitToDisplays(
    loadWindowState(o.stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : { center: true }),
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'AAVA Desktop',
    backgroundColor: '#0f172a',
    ...(o.icon ? { icon: o.icon } : {}),
    webPreferences: secureWebPreferences(o.preload, o.isDev),
  });
  if (state.maximized) win.maximize();
  const saveState = trackWindowState(win, o.stateFile);
  const contents = win.webContents;
  // The start-up error page's buttons are aava-action: links; they never navigate.
  contents.on('will-navigate', (event, url) => {
    const action = parseStartupAction(url);
    if (action) {
      event.preventDefault();
      o.onStartupAction(action);
    }
  });
  installNavigationGuards(contents as unknown as GuardableContents, (url) => {
    if (isExternalLink(url)) void shell.openExternal(url);
  });
  win.once('ready-to-show', () => {
    if (o.show) win.show();
  });
  return { win, saveState };
}
