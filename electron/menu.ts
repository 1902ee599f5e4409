/** The native menu: standard roles plus the app's own actions. A pure template builder. */
import type { MenuItemConstructorOptions } from 'electron';
import { NOTIFICATION_KINDS, NOTIFICATION_LABELS, type DesktopPrefs, type NotificationKind } from './prefs.js';

export interface MenuActions {
  syncRecordings(): void;
  openDataFolder(): void;
  openConfig(): void;
  reloadConfig(): void;
  checkForUpdates(): void;
  toggleNotification(kind: NotificationKind, on: boolean): void;
  setOpenAtLogin(on: boolean): void;
  setCloseToTray(on: boolean): void;
  showAbout(): void;
  openDocs(): void;
}

export interface MenuInputs {
  appName: string;
  isMac: boolean;
  isDev: boolean;
  prefs: DesktopPrefs;
  openAtLogin: boolean;
  actions: MenuActions;
}

export function notificationsSubmenu(prefs: DesktopPrefs, actions: Pick<MenuActions, 'toggleNotification'>): MenuItemConstructorOptions[] {
  return NOTIFICATION_KINDS.map((kind) => ({
    id: `notify-${kind}`,
    label: NOTIFICATION_LABELS[kind],
    type: 'checkbox' as const,
    checked: prefs.notifications[kind],
    click: (item: { checked: boolean }) => actions.toggleNotification(kind, item.checked),
  }));
}

export function buildMenuTemplate(m: MenuInputs): MenuItemConstructorOptions[] {
  const a = m.actions;
  const appItems: MenuItemConstructorOptions[] = [
    { id: 'sync-now', label: 'Sync Recordings Now', accelerator: 'CmdOrCtrl+Shift+S', click: () => a.syncRecordings() },
    { type: 'separator' },
    { id: 'open-config', label: 'Open Config File', click: () => a.openConfig() },
    { id: 'reload-config', label: 'Reload Config', click: () => a.reloadConfig() },
    { id: 'open-data', label: 'Open Data Folder', click: () => a.openDataFolder() },
    { type: 'separator' },
    { id: 'notifications', label: 'Notifications', submenu: notificationsSubmenu(m.prefs, a) },
    {
      id: 'open-at-login',
      label: 'Open at Login',
      type: 'checkbox',
      checked: m.openAtLogin,
      click: (item) => a.setOpenAtLogin(item.checked),
    },
    {
      id: 'close-to-tray',
      label: 'Keep Running in Tray When Closed',
      type: 'checkbox',
      checked: m.prefs.closeToTray,
      click: (item) => a.setCloseToTray(item.checked),
    },
  ];
  const template: MenuItemConstructorOptions[] = [];
  if (m.isMac) {
    template.push({
      label: m.appName,
      submenu: [
        { role: 'about' },
        { id: 'check-updates', label: 'Check for Updates…', click: () => a.checkForUpdates() },
        { type: 'separator' },
        ...appItems,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  } else {
    template.push({ label: '&File', submenu: [...appItems, { type: 'separator' }, { role: 'quit' }] });
  }
  template.push({ role: 'editMenu' });
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(m.isDev ? [{ id: 'toggle-devtools', role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  template.push({ label: 'View', submenu: view });
  template.push({ role: 'windowMenu' });
  template.push({
    role: 'help',
    submenu: [
      { id: 'docs', label: 'Documentation', click: () => a.openDocs() },
      ...(m.isMac ? [] : [{ id: 'check-updates', label: 'Check for Updates…', click: () => a.checkForUpdates() } as MenuItemConstructorOptions]),
      ...(m.isMac ? [] : [{ id: 'about', label: `About ${m.appName}`, click: () => a.showAbout() } as MenuItemConstructorOptions]),
    ],
  });
  return template;
}
