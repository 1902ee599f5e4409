import type { PreloadBridge } from './contract';
import { createIpcClient } from './ipc-client';
import { createWsClient } from './ws-client';
import type { DashboardClient } from './types';

const TOKEN_KEY = 'aava.apiToken';

/** The serve API token: `?token=` on the page URL (kept for the session), else what the session remembered. */
function readToken(loc: Location = window.location, storage: Storage | undefined = safeSession()): string | undefined {
  const fromUrl = new URLSearchParams(loc.search).get('token') ?? undefined;
  if (fromUrl) {
    storage?.setItem(TOKEN_KEY, fromUrl);
    // Keep it out of the address bar, bookmarks and screenshots once remembered.
    if (storage && loc === window.location) {
      const u = new URL(loc.href);
      u.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', u.toString());
    }
    return fromUrl;
  }
  return storage?.getItem(TOKEN_KEY) ?? undefined;
}

function safeSession(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** Chosen once at start-up: Electron's preload bridge when present, otherwise serve's WebSocket. */
export function createClient(win: Window & { aava?: PreloadBridge } = window): DashboardClient {
  if (win.aava) return createIpcClient(win.aava);
  const loc = win.location;
  const wsScheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = readToken(loc);
  return createWsClient({
    url: `${wsScheme}//${loc.host}/api/ws`,
    httpBase: `${loc.protocol}//${loc.host}/`,
    ...(token ? { token } : {}),
  });
}

export type { DashboardClient, ConnectionState } from './types';
export { ApiError, toApiError, isNotAvailable } from './errors';
