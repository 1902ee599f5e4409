/**
 * The control API over one WebSocket (`/api/ws`, see api/wire.ts): requests
 * and their responses by id, and every engine event pushed as `{event}`.
 * A slow client is skipped (4 MiB buffered), never waited for.
 */
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_WS_PATH, type WireRequest } from '../api/wire.js';
import type { EventBus } from '../observability/event-bus.js';
import type { ApiRouter } from './router.js';
import type { AccessCheck } from './api-token.js';
import { MAX_BODY } from './http-api.js';

const MAX_BUFFERED = 4 * 1024 * 1024;

export interface ApiWebSocket {
  /** Drops every client and stops accepting new ones. */
  close(): void;
}

function onRequest(ws: WebSocket, router: ApiRouter, data: unknown): void {
  let msg: WireRequest;
  try {
    msg = JSON.parse(String(data)) as WireRequest;
    if (typeof msg.id !== 'number' || typeof msg.method !== 'string') throw new Error('need {id:number, method:string}');
  } catch (err) {
    ws.send(JSON.stringify({ id: -1, ok: false, error: { code: 'bad_request', message: `bad message: ${(err as Error).message}` } }));
    return;
  }
  void router.invoke(msg.method, msg.args).then((out) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, ...out }));
  });
}

/** Serves the API's WebSocket on `server`'s upgrades to API_WS_PATH (others are refused). */
export function attachApiWebSocket(server: Server, deps: { router: ApiRouter; bus: EventBus; authorized: AccessCheck }): ApiWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== API_WS_PATH) {
      socket.destroy();
      return;
    }
    if (!deps.authorized(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    const unsubscribe = deps.bus.subscribe((event) => {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED) ws.send(JSON.stringify({ event }));
    });
    ws.on('message', (data) => onRequest(ws, deps.router, data));
    ws.on('close', () => {
      unsubscribe();
      clients.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  });
  return {
    close() {
      for (const ws of clients) ws.terminate();
      wss.close();
    },
  };
}
