/**
 * The WebSocket transport on its own, against the fake Asterisk (ws) and a
 * small TLS server (wss): it connects out right after the externalMedia
 * response, is ready at MEDIA_START, explains every refusal, and leaves no
 * socket or timer behind.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { FakeAsterisk, until } from '../fakes/asterisk/index.js';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createWebSocketTransport, type WebSocketTransport } from '../../engine/src/media/websocket/websocket-transport.js';
import type { MediaLeg } from '../../engine/src/media/transport.js';

const log = createLogger({ level: 'silent' });
const CERTS = join(import.meta.dirname, '..', 'fakes', 'certs');
const AUTH = { authorization: `Basic ${Buffer.from('aiagent:aiagentpass').toString('base64')}` };

let fake: FakeAsterisk | undefined;
let t: WebSocketTransport | undefined;
let tls: Server | undefined;
afterEach(async () => {
  await t?.stop();
  await fake?.stop();
  await new Promise((r) => (tls ? tls.close(r) : r(undefined)));
  fake = undefined;
  t = undefined;
  tls = undefined;
});

async function externalMedia(query: Record<string, string | undefined>): Promise<{ id: string; channelvars: Record<string, string> }> {
  const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v)) as Record<string, string>;
  const res = await fetch(`${fake!.url}/ari/channels/externalMedia?${new URLSearchParams({ app: 'ws-test', ...q }).toString()}`, { method: 'POST', headers: AUTH });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; channelvars: Record<string, string> };
}

describe('WebSocket transport (engine side)', () => {
  it('asks for server mode, connects to /media/<id> at once, and is ready at MEDIA_START with the announced frame size', async () => {
    fake = await new FakeAsterisk().start();
    t = createWebSocketTransport({ host: '127.0.0.1', port: fake.port, scheme: 'http', format: 'slin', prebufferMs: 0, log });
    await t.start();
    expect(t.mediaUrl).toBe(`ws://127.0.0.1:${fake.port}/media/`);
    const pending = await t.allocate('call-1');
    expect(pending.externalMedia).toEqual({ external_host: '', transport: 'websocket', encapsulation: 'none', connection_type: 'server', format: 'slin', transport_data: 'f(json)' });
    const ch = await externalMedia({ ...pending.externalMedia, external_host: undefined });
    pending.mediaChannelCreated!(ch);
    const leg = await pending.connected;
    expect(leg.kind).toBe('websocket');
    expect(leg.wireFormat).toEqual({ encoding: 'pcm16', sampleRate: 8000 });
    expect(t.stats()).toEqual({ legs: 1, pending: 0, sockets: 1, ports: 0 });
    // a partial last frame goes out padded to whole 320-byte frames
    const firstHeard = new Promise<number>((r) => leg.events.once('firstFrameOut', ({ at }) => r(at)));
    const heard = new Promise<number>((r) => leg.events.once('heard', ({ at }) => r(at)));
    leg.enqueue(Buffer.alloc(1000, 1));
    leg.markEndOfBurst!();
    await leg.whenDrained();
    const peer = fake.websocketMedia.connected[0]!;
    expect(peer.binaries.map((b) => b.bytes % 320)).toEqual(peer.binaries.map(() => 0));
    expect(peer.queue.stats.framesPlayed).toBe(4);
    // "first agent audio" comes from the mark after frame 1 (one tick before it: when that frame began to play,
    // give or take the fake's timer jitter); "heard" comes after the last frame played
    const [first, last] = [await firstHeard, await heard];
    expect(first).toBeGreaterThanOrEqual(peer.played[0]!.at - 20);
    expect(first).toBeLessThan(peer.played[1]!.at);
    expect(last).toBeGreaterThan(peer.played[3]!.at);
    const closed = new Promise<string>((r) => leg.events.once('closed', ({ reason }) => r(reason)));
    await leg.close();
    expect(await closed).toBe('local');
    expect(peer.closeCode).toBe(1000);
    await until(() => t!.stats().sockets === 0, 'socket closed');
    expect(t.activeTimers()).toBe(0);
  });

  it('explains refusals: no connection id, a channel that is gone (404), a PBX that never answers in time', async () => {
    fake = await new FakeAsterisk().start();
    t = createWebSocketTransport({ host: '127.0.0.1', port: fake.port, scheme: 'http', format: 'slin16', prebufferMs: 0, log, connectTimeoutMs: 300 });
    await t.start();
    const a = await t.allocate('no-id');
    a.mediaChannelCreated!({ id: 'x', channelvars: {} });
    await expect(a.connected).rejects.toThrow(/no MEDIA_WEBSOCKET_CONNECTION_ID/);
    const b = await t.allocate('gone');
    b.mediaChannelCreated!({ id: 'y', channelvars: { MEDIA_WEBSOCKET_CONNECTION_ID: '00000000-0000-0000-0000-000000000000' } });
    await expect(b.connected).rejects.toThrow(/no media websocket for connection id .*404/);
    const c = await t.allocate('never-handed-over');
    await expect(c.connected).rejects.toThrow(/not connected within 300 ms/);
    expect(t.stats()).toEqual({ legs: 0, pending: 0, sockets: 0, ports: 0 });
    expect(t.activeTimers()).toBe(0);
  });

  it('a remote close ends the leg: DELETE /channels → remote_hangup', async () => {
    fake = await new FakeAsterisk().start();
    t = createWebSocketTransport({ host: '127.0.0.1', port: fake.port, scheme: 'http', format: 'ulaw', prebufferMs: 0, log });
    await t.start();
    const p = await t.allocate('call-2');
    const ch = await externalMedia({ ...p.externalMedia, external_host: undefined });
    p.mediaChannelCreated!(ch);
    const leg: MediaLeg = await p.connected;
    const closed = new Promise<string>((r) => leg.events.once('closed', ({ reason }) => r(reason)));
    await fetch(`${fake.url}/ari/channels/${ch.id}`, { method: 'DELETE', headers: AUTH });
    expect(await closed).toBe('remote_hangup');
  });

  it('with asterisk.scheme https it uses wss on the ARI port and checks the certificate like the ARI connection', async () => {
    const key = readFileSync(join(CERTS, 'server.key'));
    const cert = readFileSync(join(CERTS, 'server.pem'));
    const ca = readFileSync(join(CERTS, 'ca.pem'));
    tls = createHttpsServer({ key, cert });
    const wss = new WebSocketServer({ server: tls, handleProtocols: (p) => (p.has('media') ? 'media' : false) });
    wss.on('connection', (ws, req) => ws.send(`MEDIA_START connection_id:${req.url!.slice(7)} channel:WebSocket/INCOMING/0x1 channel_id:1.1 format:slin16 optimal_frame_size:640 ptime:20`));
    await new Promise<void>((r) => tls!.listen(0, '127.0.0.1', r));
    const port = (tls.address() as { port: number }).port;

    const untrusting = createWebSocketTransport({ host: '127.0.0.1', port, scheme: 'https', format: 'slin16', prebufferMs: 0, log });
    await untrusting.start();
    expect(untrusting.mediaUrl).toBe(`wss://127.0.0.1:${port}/media/`);
    const u = await untrusting.allocate('u');
    u.mediaChannelCreated!({ id: 'c', channelvars: { MEDIA_WEBSOCKET_CONNECTION_ID: 'abc' } });
    await expect(u.connected).rejects.toThrow(/cannot open the media websocket wss:\/\/127\.0\.0\.1:\d+\/media\/abc: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    await untrusting.stop();

    t = createWebSocketTransport({ host: '127.0.0.1', port, scheme: 'https', format: 'slin16', prebufferMs: 0, log, ca });
    await t.start();
    const p = await t.allocate('s');
    p.mediaChannelCreated!({ id: 'c', channelvars: { MEDIA_WEBSOCKET_CONNECTION_ID: 'def' } });
    const leg = await p.connected;
    expect(leg.wireFormat.sampleRate).toBe(16000);
    wss.clients.forEach((c) => c.close(1000));
    wss.close();
  });
});
