/** Tray icon with the live call count and quick actions. */
import type { MenuItemConstructorOptions } from 'electron';
import { notificationsSubmenu } from './menu.js';
import type { DesktopPrefs, NotificationKind } from './prefs.js';

export interface TrayLike {
  setToolTip(text: string): void;
  setTitle?(title: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
  isDestroyed(): boolean;
}

export interface TrayActions {
  showWindow(): void;
  syncRecordings(): void;
  openDataFolder(): void;
  toggleNotification(kind: NotificationKind, on: boolean): void;
  quit(): void;
}

export function callCountLabel(n: number): string {
  return n === 0 ? 'No active calls' : n === 1 ? '1 active call' : `${n} active calls`;
}

function trayTemplate(calls: number, ari: boolean | undefined, prefs: DesktopPrefs, a: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'calls', label: callCountLabel(calls), enabled: false },
    { id: 'ari', label: ari === undefined ? 'ARI: starting…' : ari ? 'ARI: connected' : 'ARI: disconnected', enabled: false },
    { type: 'separator' },
    { id: 'show', label: 'Show AAVA Desktop', click: () => a.showWindow() },
    { id: 'sync-now', label: 'Sync Recordings Now', click: () => a.syncRecordings() },
    { id: 'open-data', label: 'Open Data Folder', click: () => a.openDataFolder() },
    { id: 'notifications', label: 'Notifications', submenu: notificationsSubmenu(prefs, a) },
    { type: 'separator' },
    { id: 'quit', label: 'Quit', click: () => a.quit() },
  ];
}

export class TrayController {
  private calls = 0;
  private ari: boolean | undefined;

  constructor(
    private readonly tray: TrayLike,
    private readonly buildMenu: (template: MenuItemConstructorOptions[]) => unknown,
    private readonly prefs: () => DesktopPrefs,
    private readonly actions: TrayActions,
    private readonly showCountInTitle: boolean,
  ) {
    tray.on('click', () => actions.showWindow());
    this.render();
  }

  update(state: { calls?: number; ari?: boolean }): void {
    const changed = (state.calls !== undefined && state.calls !== this.calls) || (state.ari !== undefined && state.ari !== this.ari);
    if (state.calls !== undefined) this.calls = state.calls;
    if (state.ari !== undefined) this.ari = state.ari;
    if (changed) this.render();
  }

  render(): void {
    if (this.tray.isDestroyed()) return;
    this.tray.setToolTip(`AAVA Desktop — ${callCountLabel(this.calls)}`);
    if (this.showCountInTitle) this.tray.setTitle?.(this.calls > 0 ? String(this.calls) : '');
    this.tray.setContextMenu(this.buildMenu(trayTemplate(this.calls, this.ari, this.prefs(), this.actions)));
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }
}
