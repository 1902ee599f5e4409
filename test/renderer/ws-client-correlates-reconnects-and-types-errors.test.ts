import { WebSocketServer, WebSocket as NodeWebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { createWsClient } from '../../renderer/src/api/ws-client';
import { ApiError } from '../../renderer/src/api/errors';
import type { ApiEvent } from '../../renderer/src/api/contract';
import type { DashboardClient } from '../../renderer/src/api/types';

let wss: WebSocketServer;
let client: DashboardClient | undefined;
const seenUrls: string[] = [];

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (check()) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
}

beforeEach(async () => {
  seenUrls.length = 0;
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws, req: IncomingMessage) => {
    seenUrls.push(req.url ?? '');
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { id: number; method: string; args?: { id?: string } };
      if (msg.method === 'health.get') ws.send(JSON.stringify({ id: msg.id, ok: true, result: { status: 'healthy' } }));
      else if (msg.method === 'config.saveContext')
        ws.send(
          JSON.stringify({
            id: msg.id,
            ok: false,
            error: { code: 'invalid_config', message: 'contexts.sales.provider: bad', path: 'contexts.sales.provider', issues: [{ path: 'contexts.sales.provider', message: 'bad' }] },
          }),
        );
      else if (msg.method === 'calls.get') {
        // Answer out of order: the later request first.
        setTimeout(() => ws.send(JSON.stringify({ id: msg.id, ok: true, result: { id: msg.args?.id } })), msg.args?.id === 'a' ? 30 : 0);
      }
      // calls.hangup: never answered (the test drops the connection meanwhile).
    });
  });
});

afterEach(async () => {
  client?.close();
  client = undefined;
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

function connect(token?: string) {
  const port = (wss.address() as AddressInfo).port;
  client = createWsClient({
    url: `ws://127.0.0.1:${port}/api/ws`,
    httpBase: `http://127.0.0.1:${port}/`,
    ...(token ? { token } : {}),
    WebSocketImpl: NodeWebSocket as unknown as typeof WebSocket,
    minRetryMs: 20,
    maxRetryMs: 50,
  });
  return client;
}

describe('WebSocket API client', () => {
  it('correlates answers by id, even out of order, and sends the token', async () => {
    const c = connect('s3cret');
    const [a, b, h] = await Promise.all([c.invoke('calls.get', { id: 'a' }), c.invoke('calls.get', { id: 'b' }), c.invoke('health.get')]);
    expect(a).toEqual({ id: 'a' });
    expect(b).toEqual({ id: 'b' });
    expect(h).toEqual({ status: 'healthy' });
    expect(seenUrls[0]).toBe('/api/ws?token=s3cret');
    expect(c.mediaUrl('recordings/r1/audio')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/recordings\/r1\/audio\?token=s3cret$/);
  });

  it('turns error envelopes into ApiError with code, path and issues', async () => {
    const c = connect();
    const err = await c.invoke('config.saveContext', { name: 'sales', context: { provider: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid_config', path: 'contexts.sales.provider', issues: [{ path: 'contexts.sales.provider', message: 'bad' }], method: 'config.saveContext' });
  });

  it('delivers pushed events to subscribers', async () => {
    const c = connect();
    const got: ApiEvent[] = [];
    c.subscribe((e) => got.push(e));
    await c.invoke('health.get');
    const ev: ApiEvent = { type: 'config.reloaded', at: '2026-11-21T07:00:00Z', path: '/x.yaml' };
    for (const ws of wss.clients) ws.send(JSON.stringify({ event: ev }));
    await until(() => got.length === 1);
    expect(got).toEqual([ev]);
  });

  it('fails in-flight requests as disconnected, reconnects, and sends requests queued while down', async () => {
    const c = connect();
    const states: string[] = [];
    c.onConnection((s) => states.push(s.status));
    await c.invoke('health.get');
    const inflight = c.invoke('calls.hangup', { id: 'x' }).catch((e: unknown) => e);
    await until(() => wss.clients.size === 1);
    for (const ws of wss.clients) ws.terminate();
    const err = await inflight;
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('disconnected');
    // Asked while the socket is down: waits, then goes out on the new socket.
    const queued = c.invoke('health.get');
    await expect(queued).resolves.toEqual({ status: 'healthy' });
    expect(states).toContain('closed');
    expect(states.at(-1)).toBe('open');
    expect(seenUrls.length).toBeGreaterThanOrEqual(2);
  });
});
