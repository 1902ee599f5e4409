/** Desktop-only preferences (notifications, tray, login item), persisted as JSON in the data dir. */
import { readFileSync } from 'node:fs';
import { writeJsonAtomic } from './atomic-file.js';

export const NOTIFICATION_KINDS = ['ariConnection', 'providerNotReady', 'syncFailed', 'negativeRecording'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  ariConnection: 'ARI disconnected / reconnected',
  providerNotReady: 'Provider not ready',
  syncFailed: 'Recordings sync failed',
  negativeRecording: 'Negative-sentiment recording analyzed',
};

export interface DesktopPrefs {
  notifications: Record<NotificationKind, boolean>;
  /** Closing the window hides it to the tray; the engine keeps answering calls. */
  closeToTray: boolean;
  /** Start hidden in the tray (used with open-at-login). */
  startHidden: boolean;
  /** Softphone PBX certificates the admin accepted: host:port → Chromium fingerprint ("sha256/…"). */
  trustedCertificates: Record<string, string>;
}

export function defaultPrefs(platform: string = process.platform): DesktopPrefs {
  return {
    notifications: { ariConnection: true, providerNotReady: true, syncFailed: true, negativeRecording: true },
    // Several Linux desktops hide tray icons: closing must not make the app unreachable there.
    closeToTray: platform !== 'linux',
    startHidden: false,
    trustedCertificates: {},
  };
}

export function parsePrefs(raw: unknown, platform: string = process.platform): DesktopPrefs {
  const out = defaultPrefs(platform);
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  const n = r.notifications as Record<string, unknown> | undefined;
  if (n && typeof n === 'object') for (const k of NOTIFICATION_KINDS) if (typeof n[k] === 'boolean') out.notifications[k] = n[k] as boolean;
  if (typeof r.closeToTray === 'boolean') out.closeToTray = r.closeToTray;
  if (typeof r.startHidden === 'boolean') out.startHidden = r.startHidden;
  const t = r.trustedCertificates as Record<string, unknown> | undefined;
  if (t && typeof t === 'object') for (const [k, v] of Object.entries(t)) if (typeof v === 'string') out.trustedCertificates[k] = v;
  return out;
}

export class PrefsFile {
  private prefs: DesktopPrefs;
  constructor(
    readonly file: string,
    platform: string = process.platform,
  ) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      raw = undefined;
    }
    this.prefs = parsePrefs(raw, platform);
  }

  get(): DesktopPrefs {
    return structuredClone(this.prefs);
  }

  update(change: (p: DesktopPrefs) => void): DesktopPrefs {
    const next = structuredClone(this.prefs);
    change(next);
    this.prefs = next;
    writeJsonAtomic(this.file, next);
    return this.get();
  }
}
