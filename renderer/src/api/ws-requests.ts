/**
 * The requests of the WebSocket client, correlated by id: each waits until it is sent on an open socket,
 * until its answer, its time limit or the socket's loss (a request already sent may or may not have run, so
 * it fails; one not yet sent waits for the next socket).
 */
import type { WireResponse } from './contract';
import { ApiError, toApiError } from './errors';

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: ApiError): void;
  timer: ReturnType<typeof setTimeout>;
  payload: string;
  sent: boolean;
}

export class WsRequests {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly timeoutMs: number) {}

  /** A new request; `send` is tried at once (and again by flush() when a socket opens). */
  add<T>(method: string, args: unknown, send: () => void): Promise<T> {
    const id = this.nextId++;
    const payload = JSON.stringify(args === undefined ? { id, method } : { id, method, args });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError({ code: 'timeout', message: `${method}: no answer from the engine within ${Math.round(this.timeoutMs / 1000)} s` }, method));
      }, this.timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer, payload, sent: false });
      send();
    });
  }

  /** Sends every request not sent yet. */
  flush(send: (payload: string) => void): void {
    for (const p of this.pending.values()) {
      if (!p.sent) {
        send(p.payload);
        p.sent = true;
      }
    }
  }

  /** An answer: settles its request (unknown ids are ignored). */
  answer(res: WireResponse): void {
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    clearTimeout(p.timer);
    if (res.ok) p.resolve(res.result);
    else p.reject(toApiError(res.error, p.method));
  }

  /** The socket was lost: requests on the wire fail, unsent ones stay. */
  lost(): void {
    for (const [id, p] of this.pending) {
      if (p.sent) {
        this.pending.delete(id);
        clearTimeout(p.timer);
        p.reject(new ApiError({ code: 'disconnected', message: `${p.method}: connection to the engine was lost` }, p.method));
      }
    }
  }

  /** The client closed: every request fails. */
  closeAll(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ApiError({ code: 'disconnected', message: `${p.method}: client closed` }, p.method));
    }
    this.pending.clear();
  }
}
