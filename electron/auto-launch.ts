/**
 * Open at login. macOS/Windows: Electron's login item settings. Linux: an
 * XDG autostart entry (~/.config/autostart/aava-desktop.desktop), pointing at
 * the AppImage when run from one.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
}

export interface AutoLaunchEnv {
  platform: string;
  execPath: string;
  env: NodeJS.ProcessEnv;
  home: string;
}

export const HIDDEN_FLAG = '--hidden';

function linuxAutostartFile(e: Pick<AutoLaunchEnv, 'env' | 'home'>): string {
  const base = e.env.XDG_CONFIG_HOME || join(e.home, '.config');
  return join(base, 'autostart', 'aava-desktop.desktop');
}

function quoteExec(p: string): string {
  return /[\s"'\\$`]/.test(p) ? `"${p.replace(/(["\\$`])/g, '\\$1')}"` : p;
}

export function linuxAutostartEntry(e: Pick<AutoLaunchEnv, 'env' | 'execPath'>): string {
  const exec = e.env.APPIMAGE || e.execPath;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=AAVA Desktop',
    'Comment=AI voice agent for FreePBX/Asterisk',
    `Exec=${quoteExec(exec)} ${HIDDEN_FLAG}`,
    'Icon=aava-desktop',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function getOpenAtLogin(app: LoginItemApp, e: AutoLaunchEnv): boolean {
  if (e.platform === 'linux') return existsSync(linuxAutostartFile(e));
  try {
    return app.getLoginItemSettings().openAtLogin;
  } catch {
    return false;
  }
}

export function setOpenAtLogin(app: LoginItemApp, e: AutoLaunchEnv, on: boolean): void {
  if (e.platform === 'linux') {
    const file = linuxAutostartFile(e);
    if (on) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, linuxAutostartEntry(e));
    } else {
      rmSync(file, { force: true });
    }
    return;
  }
  app.setLoginItemSettings({ openAtLogin: on, openAsHidden: true, args: [HIDDEN_FLAG] });
}
