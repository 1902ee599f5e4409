import type { ApiEvent, ArgsOf, MethodName, PreloadBridge, ResultOf } from './contract';
import { toApiError } from './errors';
import type { ConnectionState, DashboardClient } from './types';

/** Electron: the preload's window.aava, the same envelope over IPC. */
export function createIpcClient(bridge: PreloadBridge): DashboardClient {
  const base = bridge.mediaBase.endsWith('/') ? bridge.mediaBase : `${bridge.mediaBase}/`;
  return {
    kind: 'ipc',
    async invoke<M extends MethodName>(method: M, ...rest: [ArgsOf<M>?]): Promise<ResultOf<M>> {
      let envelope;
      try {
        envelope = await bridge.invoke(method, rest[0]);
      } catch (err) {
        throw toApiError({ code: 'disconnected', message: `${method}: ${(err as Error)?.message ?? String(err)}` }, method);
      }
      if (envelope.ok) return envelope.result as ResultOf<M>;
      throw toApiError(envelope.error, method);
    },
    subscribe(listener: (event: ApiEvent) => void) {
      return bridge.onEvent(listener);
    },
    mediaUrl(path: string) {
      return base + path.replace(/^\/+/, '');
    },
    connection(): ConnectionState {
      return { status: 'open' };
    },
    onConnection() {
      return () => {};
    },
    close() {},
  } as DashboardClient;
}
