import { describe, it, expect, beforeAll, vi } from 'vitest';
vi.mock('electron', () => import('./stubs/electron.js'));
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { exposed, ipcRenderer } from './stubs/electron.js';
import { API_METHOD_NAMES } from '../../engine/src/api/method-names.js';
import { apiMethods } from '../../engine/src/api/index.js';
import type { PreloadBridge } from '../../engine/src/api/wire.js';
import type { ApiEvent } from '../../engine/src/api/events.js';

function surface(bridge: Record<string, unknown>) {
  return Object.fromEntries(
    Object.keys(bridge)
      .sort()
      .map((k) => [k, typeof bridge[k] === 'function' ? 'function' : bridge[k]]),
  );
}

describe('preload: window.aava is exactly the PreloadBridge', () => {
  let bridge: PreloadBridge;
  beforeAll(async () => {
    await import('../../electron/preload.js');
    bridge = exposed.aava as PreloadBridge;
  });

  it('exposes one global with invoke/onEvent/mediaBase/platform and nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['aava']);
    expect(surface(bridge as unknown as Record<string, unknown>)).toMatchInlineSnapshot(`
      {
        "invoke": "function",
        "mediaBase": "aava-media://local/",
        "onEvent": "function",
        "platform": "${process.platform}",
      }
    `);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('sends allow-listed methods over aava:invoke and refuses the rest locally', async () => {
    ipcRenderer.invocations.length = 0;
    ipcRenderer.reply = () => ({ ok: true, result: { status: 'degraded' } });
    await expect(bridge.invoke('health.get')).resolves.toEqual({ ok: true, result: { status: 'degraded' } });
    await bridge.invoke('calls.get', { id: 'a' });
    const refused = await bridge.invoke('shell.openExternal', 'file:///etc/passwd');
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await bridge.invoke('toString');
    expect(ipcRenderer.invocations).toEqual([
      { channel: 'aava:invoke', args: ['health.get', undefined] },
      { channel: 'aava:invoke', args: ['calls.get', { id: 'a' }] },
    ]);
  });

  it('forwards every contract method and nothing else', async () => {
    ipcRenderer.invocations.length = 0;
    for (const m of API_METHOD_NAMES) await bridge.invoke(m, {});
    for (const m of ['', 'health', 'health.get ', 'HEALTH.GET', 'hasOwnProperty', '__proto__']) await bridge.invoke(m, {});
    expect(ipcRenderer.invocations.map((i) => i.args[0])).toEqual([...API_METHOD_NAMES]);
  });

  it('delivers events without the IpcRendererEvent, and unsubscribes', () => {
    const got: ApiEvent[] = [];
    const off = bridge.onEvent((e) => got.push(e));
    const ev: ApiEvent = { type: 'config.error', at: 'now', message: 'x' };
    ipcRenderer.emit('aava:event', { sender: ipcRenderer, ports: [] }, ev);
    off();
    ipcRenderer.emit('aava:event', { sender: ipcRenderer, ports: [] }, ev);
    expect(got).toEqual([ev]);
    expect(ipcRenderer.listenerCount('aava:event')).toBe(0);
  });

  it('allow-list (zod-free) equals the contract: API_METHOD_NAMES === Object.keys(apiMethods)', () => {
    expect([...API_METHOD_NAMES].sort()).toEqual(Object.keys(apiMethods).sort());
    expect(new Set(API_METHOD_NAMES).size).toBe(API_METHOD_NAMES.length);
  });

  it('bundles to one CommonJS file that needs only `electron` and exposes the same surface in a sandbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aava-preload-'));
    try {
      const { buildPreload } = (await import('../../electron/scripts/build.mjs' as string)) as { buildPreload(out: string): Promise<string> };
      const file = await buildPreload(join(dir, 'preload.cjs'));
      const code = readFileSync(file, 'utf8');
      const required: string[] = [];
      const got: Record<string, unknown> = {};
      const fakeElectron = {
        contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (got[k] = v) },
        ipcRenderer: { invoke: async () => ({ ok: true, result: 1 }), on() {}, removeListener() {} },
      };
      const module = { exports: {} };
      runInNewContext(code, {
        module,
        exports: module.exports,
        process: { platform: 'sandbox-os' },
        require: (id: string) => {
          required.push(id);
          if (id === 'electron') return fakeElectron;
          throw new Error(`sandboxed preload cannot require ${id}`);
        },
      });
      expect([...new Set(required)]).toEqual(['electron']);
      expect(Object.keys(got)).toEqual(['aava']);
      const b = got.aava as Record<string, unknown>;
      expect(Object.keys(b).sort()).toEqual(['invoke', 'mediaBase', 'onEvent', 'platform']);
      expect(b.platform).toBe('sandbox-os');
      expect(code).not.toMatch(/require\(["'](zod|node:|fs|path)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
