/**
 * A fake ApiClient for renderer tests: per-method handlers (unhandled methods
 * answer `not_available`, like the real router), a call log, and events pushed
 * by the test. No canned data lives here: each test states what the engine says.
 */
import type { ApiEvent, ArgsOf, MethodName, ResultOf } from '../../../renderer/src/api/contract';
import { ApiError, toApiError } from '../../../renderer/src/api/errors';
import type { ConnectionState, DashboardClient } from '../../../renderer/src/api/types';

type Handler<M extends MethodName> = (args: ArgsOf<M>) => ResultOf<M> | Promise<ResultOf<M>>;

export class FakeClient implements DashboardClient {
  readonly kind = 'fake' as const;
  readonly calls: { method: MethodName; args: unknown }[] = [];
  private handlers = new Map<MethodName, Handler<MethodName>>();
  private listeners = new Set<(e: ApiEvent) => void>();
  private connListeners = new Set<(s: ConnectionState) => void>();
  private state: ConnectionState = { status: 'open' };

  handle<M extends MethodName>(method: M, fn: Handler<M>): this {
    this.handlers.set(method, fn as unknown as Handler<MethodName>);
    return this;
  }

  /** Makes `method` fail with the given error body. */
  fail(method: MethodName, body: { code: ApiError['code']; message: string; path?: string; issues?: { path: string; message: string }[] }): this {
    this.handlers.set(method, () => {
      throw toApiError(body, method);
    });
    return this;
  }

  invoke = (async (method: MethodName, args?: unknown) => {
    this.calls.push({ method, args });
    const h = this.handlers.get(method);
    if (!h) throw new ApiError({ code: 'not_available', message: `${method} is not available in this engine` }, method);
    return h(args as never);
  }) as DashboardClient['invoke'];

  callsOf(method: MethodName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ApiEvent): void {
    for (const l of this.listeners) l(event);
  }

  mediaUrl(path: string): string {
    return `http://engine.test/media/${path}`;
  }

  connection(): ConnectionState {
    return this.state;
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.connListeners.add(listener);
    return () => this.connListeners.delete(listener);
  }

  setConnection(s: ConnectionState): void {
    this.state = s;
    for (const l of this.connListeners) l(s);
  }

  close(): void {}
}
