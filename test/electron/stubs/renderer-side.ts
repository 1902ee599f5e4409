/** The stubbed renderer side of Electron: contextBridge (records what the preload exposed) and ipcRenderer. */
import { Emitter } from './emitter.js';

export const exposed: Record<string, unknown> = {};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    if (key in exposed) throw new Error(`exposeInMainWorld: "${key}" already exposed`);
    exposed[key] = api;
  },
};

class IpcRendererStub extends Emitter {
  readonly invocations: { channel: string; args: unknown[] }[] = [];
  reply: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, result: null });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return Promise.resolve(this.reply(channel, ...args));
  }
}
export const ipcRenderer = new IpcRendererStub();
