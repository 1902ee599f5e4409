/**
 * A hand-written stand-in for the `electron` module (its binary cannot run in
 * CI). Tests load it with `vi.mock('electron', () => import('./stubs/electron.js'))`.
 * It records what the code under test did (exposed globals, IPC handlers,
 * created windows, sent events) and behaves like Electron where that matters:
 * safeStorage's ciphertext is not the plain text, frames have URLs and parents,
 * windows have normal bounds and maximize state.
 */
import { exposed, contextBridge, ipcRenderer } from './renderer-side.js';
import { BrowserWindow } from './windows.js';
import { ipcMain, app, safeStorage, screen, shell, protocol, session } from './main-process.js';
import { Menu, Tray, Notification, nativeImage, dialog } from './desktop-ui.js';

export { exposed, contextBridge, ipcRenderer } from './renderer-side.js';
export { WebFrameMain, WebContents, BrowserWindow, type Bounds } from './windows.js';
export { ipcMain, app, safeStorage, screen, shell, protocol, session, type StubInvokeEvent } from './main-process.js';
export { Menu, Tray, Notification, nativeImage, dialog } from './desktop-ui.js';

export function resetStub(): void {
  for (const k of Object.keys(exposed)) delete exposed[k];
  ipcRenderer.invocations.length = 0;
  ipcMain.handlers.clear();
  BrowserWindow.created.length = 0;
  app.lockAvailable = true;
  app.quitCalls = 0;
  app.exitCodes.length = 0;
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  shell.opened.length = 0;
  dialog.boxes.length = 0;
  dialog.response = 0;
  Tray.created.length = 0;
  Notification.shown.length = 0;
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
};
