import type { ApiEvent, ArgsOf, MethodName, ResultOf, WireEvent, WireResponse } from './contract';
import { ApiError } from './errors';
import type { ConnectionState, DashboardClient } from './types';
import { WsRequests } from './ws-requests';

export interface WsClientOptions {
  /** ws://host:port/api/ws (the token is appended here). */
  url: string;
  /** http://host:port/ — media URLs are built from it. */
  httpBase: string;
  token?: string;
  /** Per-request time limit, ms (default 60 s; doctor runs can be slow). */
  requestTimeoutMs?: number;
  WebSocketImpl?: typeof WebSocket;
  /** Reconnect backoff bounds, ms. */
  minRetryMs?: number;
  maxRetryMs?: number;
  /** After a failed connect, ask GET /api/health.get whether the token was refused (default on). */
  probe?: boolean;
}

const UNAUTHORIZED = 'unauthorized: the engine requires its API token; open the dashboard with ?token=<api.token>';

/** Backoff before reconnect attempt `attempt` (1-based): doubling from minRetry up to maxRetry, ±20 % jitter. */
function retryDelayMs(attempt: number, minRetry: number, maxRetry: number): number {
  const base = Math.min(maxRetry, minRetry * 2 ** Math.min(attempt - 1, 8));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** A refused upgrade looks like 1006 to a browser: ask over HTTP whether the token is the reason. */
async function tokenRefused(httpBase: string, token: string | undefined): Promise<boolean> {
  try {
    const res = await fetch(new URL('api/health.get', httpBase), token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    return res.status === 401;
  } catch {
    return false;
  }
}

/** serve mode: one WebSocket, requests correlated by id, events pushed, reconnects with backoff. */
export function createWsClient(opts: WsClientOptions): DashboardClient {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const timeoutMs = opts.requestTimeoutMs ?? 60_000;
  const minRetry = opts.minRetryMs ?? 500;
  const maxRetry = opts.maxRetryMs ?? 10_000;
  const listeners = new Set<(e: ApiEvent) => void>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  const requests = new WsRequests(timeoutMs);
  let attempt = 0;
  let ws: WebSocket | undefined;
  let state: ConnectionState = { status: 'connecting', attempt: 0 };
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of connListeners) l(s);
  };

  const wsUrl = () => {
    if (!opts.token) return opts.url;
    const u = new URL(opts.url);
    u.searchParams.set('token', opts.token);
    return u.toString();
  };

  const flush = () => {
    const open = ws && ws.readyState === WS.OPEN ? ws : undefined;
    if (open) requests.flush((payload) => open.send(payload));
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let msg: Partial<WireResponse & WireEvent>;
    try {
      msg = JSON.parse(data) as Partial<WireResponse & WireEvent>;
    } catch {
      return;
    }
    if (msg.event) {
      for (const l of listeners) {
        try {
          l(msg.event);
        } catch (err) {
          console.error('event listener failed', err);
        }
      }
      return;
    }
    if (typeof msg.id !== 'number') return;
    requests.answer(msg as WireResponse);
  };

  const connect = () => {
    if (closed) return;
    setState({ status: 'connecting', attempt });
    let sock: WebSocket;
    try {
      sock = new WS(wsUrl());
    } catch (err) {
      scheduleRetry((err as Error).message);
      return;
    }
    ws = sock;
    let opened = false;
    sock.onopen = () => {
      opened = true;
      attempt = 0;
      setState({ status: 'open' });
      flush();
    };
    sock.onmessage = (ev: MessageEvent) => onMessage(ev.data);
    sock.onclose = (ev: CloseEvent) => {
      if (ws !== sock) return;
      ws = undefined;
      requests.lost();
      const reason = ev.code === 4401 ? UNAUTHORIZED : ev.reason || `connection closed (${ev.code})`;
      if (!opened && opts.probe !== false && typeof fetch === 'function') {
        void tokenRefused(opts.httpBase, opts.token).then((unauthorized) => scheduleRetry(unauthorized ? UNAUTHORIZED : reason));
      } else scheduleRetry(reason);
    };
    sock.onerror = () => {
      // onclose follows; nothing else to do here.
    };
  };

  const scheduleRetry = (reason: string) => {
    if (closed) return;
    attempt += 1;
    const retryInMs = retryDelayMs(attempt, minRetry, maxRetry);
    setState({ status: 'closed', attempt, retryInMs, reason });
    retryTimer = setTimeout(connect, retryInMs);
  };

  connect();

  return {
    kind: 'ws',
    invoke<M extends MethodName>(method: M, ...rest: [ArgsOf<M>?]): Promise<ResultOf<M>> {
      if (closed) return Promise.reject(new ApiError({ code: 'disconnected', message: `${method}: client closed` }, method));
      return requests.add<ResultOf<M>>(method, rest[0], flush);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mediaUrl(path: string) {
      const u = new URL(`media/${path.replace(/^\/+/, '')}`, opts.httpBase);
      if (opts.token) u.searchParams.set('token', opts.token);
      return u.toString();
    },
    connection: () => state,
    onConnection(listener) {
      connListeners.add(listener);
      return () => connListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      requests.closeAll();
      ws?.close();
      ws = undefined;
    },
  } as DashboardClient;
}
