/**
 * Runs sandboxed in the window (bundled to out/electron/preload.cjs). Exposes
 * exactly PreloadBridge as `window.aava`: invoke (allow-listed method names
 * only), onEvent, mediaBase, platform. Nothing of ipcRenderer leaks out.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHOD_NAMES } from '../engine/src/api/method-names.js';
import type { PreloadBridge, Envelope } from '../engine/src/api/wire.js';
import type { ApiEvent } from '../engine/src/api/events.js';
import { INVOKE_CHANNEL, EVENT_CHANNEL, MEDIA_BASE } from './channels.js';

export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

export function createBridge(ipc: RendererIpc, platform: string): PreloadBridge {
  const allowed = new Set<string>(API_METHOD_NAMES);
  return Object.freeze({
    invoke(method: string, args?: unknown): Promise<Envelope> {
      if (typeof method !== 'string' || !allowed.has(method)) {
        return Promise.resolve({ ok: false, error: { code: 'not_found', message: `unknown method "${String(method).slice(0, 64)}"` } });
      }
      return ipc.invoke(INVOKE_CHANNEL, method, args) as Promise<Envelope>;
    },
    onEvent(listener: (event: ApiEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
      const wrapped = (_e: IpcRendererEvent, event: unknown) => listener(event as ApiEvent);
      ipc.on(EVENT_CHANNEL, wrapped);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, wrapped);
      };
    },
    mediaBase: MEDIA_BASE,
    platform,
  });
}

contextBridge.exposeInMainWorld('aava', createBridge(ipcRenderer, process.platform));
