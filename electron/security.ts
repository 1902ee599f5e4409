/**
 * The renderer's security policy, as pure functions plus small installers:
 * CSP, what counts as the app's own origin, navigation/new-window rules and
 * which permission requests are granted (microphone for the app page only).
 */
import { APP_SCHEME, APP_HOST, MEDIA_SCHEME } from './channels.js';

/** True for app://local/… — the only origin the window may show and the only one trusted over IPC. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The origin (scheme://host[:port]) of a softphone WebSocket URL, or undefined when it is not ws(s). */
export function socketOrigin(url: string | undefined | null): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'wss:' && u.protocol !== 'ws:') return undefined;
    if (!/^[a-z0-9.\-[\]:]+$/i.test(u.host)) return undefined;
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

export interface CspInputs {
  /** Softphone signalling servers (wss://pbx:8089/ws …); only their origins are allowed. */
  socketUrls?: readonly (string | undefined | null)[];
}

/**
 * No remote code: scripts only from the app's own origin, no eval, no inline
 * script. connect-src is 'self', the media scheme and the softphone's WSS
 * origin(s) — nothing else. Styles allow inline (<style> injected by the
 * waveform and chart libraries); that cannot run code.
 */
export function buildCsp(inp: CspInputs = {}): string {
  const sockets = [...new Set((inp.socketUrls ?? []).map(socketOrigin).filter((o): o is string => !!o))].sort();
  const media = `${MEDIA_SCHEME}:`;
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', media]],
    ['font-src', ["'self'", 'data:']],
    ['media-src', ["'self'", 'blob:', media]],
    ['connect-src', ["'self'", media, ...sockets]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}

/** Links the window may hand to the OS browser (never file:, javascript:, custom schemes). */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}

export interface PermissionRequest {
  permission: string;
  /** URL of the frame asking. */
  requestingUrl: string | undefined;
  isMainFrame: boolean;
  /** For 'media': which devices ('audio', 'video'). */
  mediaTypes?: readonly string[];
}

/**
 * Extra, harmless capabilities the dashboard uses on its own page: copying the dialplan snippet
 * (sanitized clipboard *write*, never read) and choosing the softphone's audio output device.
 */
const APP_PAGE_PERMISSIONS = new Set(['clipboard-sanitized-write', 'speaker-selection']);

/** Microphone (audio only) and the extras above for the app's own top-level page; everything else is denied. */
export function allowPermission(req: PermissionRequest): boolean {
  if (!req.isMainFrame || !isAppUrl(req.requestingUrl)) return false;
  if (APP_PAGE_PERMISSIONS.has(req.permission)) return true;
  if (req.permission !== 'media') return false;
  const types = req.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

/** Permission *checks* (no device list): the same set, from the app origin only. */
export function allowPermissionCheck(permission: string, origin: string | undefined): boolean {
  return (permission === 'media' || APP_PAGE_PERMISSIONS.has(permission)) && isAppUrl(origin);
}

/** The parts of webContents the guards need. */
export interface GuardableContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * New windows: always denied (https/mailto links go to the OS browser).
 * Navigation: only within the app origin; anything else is cancelled.
 */
export function installNavigationGuards(
  contents: GuardableContents,
  openExternal: (url: string) => void,
  allowNavigation: (url: string) => boolean = isAppUrl,
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (allowNavigation(url)) return;
    event.preventDefault();
    if (isExternalLink(url)) openExternal(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
