/**
 * "Check for updates": uses electron-updater when it is installed and the app
 * was packaged with a publish target (electron-builder writes app-update.yml);
 * otherwise, and whenever the network is down, it answers with a status
 * instead of failing.
 */

export type UpdateStatus =
  | { status: 'unavailable'; message: string }
  | { status: 'up-to-date'; message: string }
  | { status: 'available'; version: string; message: string }
  | { status: 'error'; message: string };

interface UpdaterLike {
  autoDownload: boolean;
  checkForUpdates(): Promise<{ updateInfo?: { version?: string } } | null>;
}

export interface UpdateCheckOptions {
  isPackaged: boolean;
  currentVersion: string;
  /** Loads electron-updater's autoUpdater; injectable for tests. */
  load?: () => Promise<UpdaterLike | undefined>;
}

async function loadElectronUpdater(): Promise<UpdaterLike | undefined> {
  const name = 'electron-updater';
  try {
    const mod = (await import(/* @vite-ignore */ name)) as { autoUpdater?: UpdaterLike; default?: { autoUpdater?: UpdaterLike } };
    return mod.autoUpdater ?? mod.default?.autoUpdater;
  } catch {
    return undefined;
  }
}

const OFFLINE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ERR_INTERNET_DISCONNECTED|net::ERR_/;

export async function checkForUpdates(opts: UpdateCheckOptions): Promise<UpdateStatus> {
  if (!opts.isPackaged) return { status: 'unavailable', message: 'Updates are checked only in the packaged app.' };
  const updater = await (opts.load ?? loadElectronUpdater)();
  if (!updater) return { status: 'unavailable', message: 'This build has no update channel configured (electron-updater is not bundled).' };
  try {
    updater.autoDownload = false;
    const r = await updater.checkForUpdates();
    const v = r?.updateInfo?.version;
    if (!v || v === opts.currentVersion) return { status: 'up-to-date', message: `AAVA Desktop ${opts.currentVersion} is the latest version.` };
    return { status: 'available', version: v, message: `Version ${v} is available (you have ${opts.currentVersion}).` };
  } catch (err) {
    const msg = (err as Error)?.message ?? String(err);
    if (OFFLINE.test(msg)) return { status: 'error', message: 'Could not reach the update server (offline?). Try again later.' };
    if (/app-update\.yml/.test(msg)) return { status: 'unavailable', message: 'This build has no publish target configured.' };
    return { status: 'error', message: `Update check failed: ${msg.split('\n')[0]}` };
  }
}
