import { createIpcClient } from '../../renderer/src/api/ipc-client';
import { createClient } from '../../renderer/src/api/client';
import { ApiError } from '../../renderer/src/api/errors';
import type { ApiEvent, Envelope, PreloadBridge } from '../../renderer/src/api/contract';

function bridge(answer: (method: string, args: unknown) => Envelope | Promise<Envelope>) {
  const listeners = new Set<(e: ApiEvent) => void>();
  const b: PreloadBridge & { emit(e: ApiEvent): void; seen: [string, unknown][] } = {
    seen: [],
    async invoke(method, args) {
      b.seen.push([method, args]);
      return answer(method, args);
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    mediaBase: 'aava-media://local/',
    platform: 'linux',
    emit(e) {
      for (const l of listeners) l(e);
    },
  };
  return b;
}

describe('Electron IPC client', () => {
  it('unwraps ok envelopes, throws typed ApiErrors, forwards events and builds aava-media URLs', async () => {
    const b = bridge((method) =>
      method === 'health.get'
        ? { ok: true, result: { status: 'healthy' } }
        : { ok: false, error: { code: 'invalid_config', message: 'contexts.x.provider: nope', path: 'contexts.x.provider' } },
    );
    const c = createIpcClient(b);
    expect(await c.invoke('health.get')).toEqual({ status: 'healthy' });
    const err = await c.invoke('config.saveContext', { name: 'x', context: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid_config', path: 'contexts.x.provider', method: 'config.saveContext' });
    expect(b.seen).toEqual([
      ['health.get', undefined],
      ['config.saveContext', { name: 'x', context: {} }],
    ]);
    const got: ApiEvent[] = [];
    const off = c.subscribe((e) => got.push(e));
    b.emit({ type: 'config.error', at: 't', message: 'm' });
    off();
    b.emit({ type: 'config.error', at: 't2', message: 'm' });
    expect(got).toHaveLength(1);
    expect(c.mediaUrl('recordings/r%2F1/audio')).toBe('aava-media://local/recordings/r%2F1/audio');
    expect(c.connection()).toEqual({ status: 'open' });
  });

  it('a rejected IPC call becomes a "disconnected" ApiError; window.aava picks the IPC client', async () => {
    const b = bridge(() => Promise.reject(new Error('Error invoking remote method: reply was never sent')));
    const c = createIpcClient(b);
    await expect(c.invoke('health.get')).rejects.toMatchObject({ code: 'disconnected' });
    const chosen = createClient({ aava: b, location: window.location } as unknown as Window & { aava: PreloadBridge });
    expect(chosen.kind).toBe('ipc');
  });
});
