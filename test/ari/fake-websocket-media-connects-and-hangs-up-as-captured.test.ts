/**
 * The fake's chan_websocket over real sockets, as a bare app would see it
 * (raw `ws` client, REST with fetch): creation, the upgrade answers, MEDIA_START
 * before StasisStart, and each captured way a media connection ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeAsterisk, until } from '../fakes/asterisk/index.js';
import type { FakeAsteriskOptions } from '../fakes/asterisk/index.js';

let fake: FakeAsterisk;
let events: { type: string; cause?: number; channel?: { id: string; state?: string }; dialstatus?: string }[];
let eventsWs: WebSocket;
const AUTH = { authorization: `Basic ${Buffer.from('aiagent:aiagentpass').toString('base64')}` };

async function start(opts: FakeAsteriskOptions = {}): Promise<void> {
  fake = await new FakeAsterisk(opts).start();
  events = [];
  eventsWs = new WebSocket(`ws://127.0.0.1:${fake.port}/ari/events?app=ws-test&api_key=aiagent:aiagentpass&subscribeAll=true`);
  eventsWs.on('message', (d) => events.push(JSON.parse(d.toString()) as (typeof events)[number]));
  await new Promise((r) => eventsWs.once('open', r));
}

async function rest(method: string, path: string, query: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/ari${path}?${new URLSearchParams(query).toString()}`, { method, headers: AUTH });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function createLeg(transportData?: string): Promise<{ id: string; connectionId: string }> {
  const q: Record<string, string> = { app: 'ws-test', transport: 'websocket', encapsulation: 'none', connection_type: 'server', format: 'slin16' };
  if (transportData) q.transport_data = transportData;
  const r = await rest('POST', '/channels/externalMedia', q);
  expect(r.status).toBe(200);
  const vars = r.body.channelvars as Record<string, string>;
  return { id: r.body.id as string, connectionId: vars.MEDIA_WEBSOCKET_CONNECTION_ID! };
}

function connect(connectionId: string, protocols: string[] = ['media']): Promise<{ ws: WebSocket; first: string; texts: string[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${fake.port}/media/${connectionId}`, protocols);
    const texts: string[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d, bin) => {
      if (bin) return;
      texts.push(d.toString());
      if (texts.length === 1) resolve({ ws, first: texts[0]!, texts, closed });
    });
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

afterEach(async () => {
  eventsWs?.terminate();
  await fake?.stop();
});

describe('fake chan_websocket: creation and connection (README §1)', () => {
  it('the channel waits Down outside Stasis until the app connects; MEDIA_START comes before StasisStart', async () => {
    await start();
    const leg = await createLeg();
    expect(leg.connectionId).toMatch(/^[0-9a-f-]{36}$/);
    const got = await rest('GET', `/channels/${leg.id}`);
    expect(got.body).toMatchObject({ state: 'Down', name: expect.stringMatching(/^WebSocket\/INCOMING\/0x[0-9a-f]+$/) });
    // GET does not list the media variables (only the externalMedia response does)
    expect(got.body.channelvars).toEqual({ AI_PROVIDER: '', AI_CONTEXT: '' });
    expect((await rest('GET', `/channels/${leg.id}/variable`, { variable: 'MEDIA_WEBSOCKET_CONNECTION_ID' })).body).toEqual({ value: leg.connectionId });
    const bridge = await rest('POST', '/bridges', { type: 'mixing' });
    expect((await rest('POST', `/bridges/${bridge.body.id as string}/addChannel`, { channel: leg.id })).status).toBe(422);
    expect((await rest('POST', `/channels/${leg.id}/answer`)).status).toBe(409);

    const c = await connect(leg.connectionId);
    expect(c.ws.protocol).toBe('media');
    expect(c.first).toMatch(new RegExp(`^MEDIA_START connection_id:${leg.connectionId} channel:WebSocket/INCOMING/0x[0-9a-f]+ channel_id:${leg.id.replace('.', '\\.')} format:slin16 optimal_frame_size:640 ptime:20$`));
    await until(() => events.some((e) => e.type === 'StasisStart' && e.channel?.id === leg.id), 'StasisStart');
    const order = events.filter((e) => ['ChannelStateChange', 'Dial', 'StasisStart'].includes(e.type)).map((e) => `${e.type}${e.dialstatus ? `:${e.dialstatus}` : ''}`);
    expect(order).toEqual(['Dial', 'ChannelStateChange', 'Dial:ANSWER', 'StasisStart']);
    expect((await rest('POST', `/bridges/${bridge.body.id as string}/addChannel`, { channel: leg.id })).status).toBe(204);
    c.ws.close();
  });

  it('answers upgrades like Asterisk: unknown id 404, second connection 409, a list without "media" 400, no subprotocol accepted', async () => {
    await start();
    await expect(connect('00000000-0000-0000-0000-000000000000')).rejects.toThrow('HTTP 404');
    const leg = await createLeg();
    await expect(connect(leg.connectionId, ['foo'])).rejects.toThrow('HTTP 400');
    await expect(connect(`${leg.connectionId}/`)).rejects.toThrow('HTTP 404');
    const c = await connect(leg.connectionId, []);
    expect(c.ws.protocol).toBe('');
    await expect(connect(leg.connectionId)).rejects.toThrow('HTTP 409');
    c.ws.close();
  });

  it('transport_data=f(json) gives JSON MEDIA_START; n leaves the channel Down until ANSWER', async () => {
    await start();
    const j = await connect((await createLeg('f(json)')).connectionId);
    expect(JSON.parse(j.first)).toMatchObject({ event: 'MEDIA_START', format: 'slin16', optimal_frame_size: 640, ptime: 20, channel_variables: { MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE: '640' } });
    const leg = await createLeg('n');
    const c = await connect(leg.connectionId);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.some((e) => e.type === 'StasisStart' && e.channel?.id === leg.id)).toBe(false);
    c.ws.send('ANSWER');
    await until(() => events.some((e) => e.type === 'StasisStart' && e.channel?.id === leg.id), 'StasisStart after ANSWER');
  });

  it('a channel nobody connects to is destroyed after the dial timeout (cause 19), with no StasisStart/End', async () => {
    await start({ websocket: { connectTimeoutMs: 200 } });
    const leg = await createLeg();
    await until(() => events.find((e) => e.type === 'ChannelDestroyed' && e.channel?.id === leg.id), 'ChannelDestroyed');
    expect(events.find((e) => e.type === 'ChannelDestroyed' && e.channel?.id === leg.id)?.cause).toBe(19);
    expect(events.filter((e) => e.channel?.id === leg.id).map((e) => e.type)).not.toContain('StasisEnd');
    expect((await rest('GET', `/channels/${leg.id}`)).status).toBe(404);
    await expect(connect(leg.connectionId)).rejects.toThrow('HTTP 404');
  });
});

describe('fake chan_websocket: every captured way a connection ends (README §2–3)', () => {
  const hangupCause = (id: string) => events.find((e) => e.type === 'ChannelHangupRequest' && e.channel?.id === id)?.cause;

  it('HANGUP → close 1000 and hangup cause 16; DELETE → close 1000', async () => {
    await start();
    const a = await createLeg();
    const ca = await connect(a.connectionId);
    ca.ws.send('HANGUP');
    expect(await ca.closed).toBe(1000);
    await until(() => hangupCause(a.id), 'hangup of a');
    expect(hangupCause(a.id)).toBe(16);
    const b = await createLeg();
    const cb = await connect(b.connectionId);
    expect((await rest('DELETE', `/channels/${b.id}`)).status).toBe(204);
    expect(await cb.closed).toBe(1000);
  });

  it('the app closing → Asterisk answers 1001 and hangs up; a dropped connection → cause 38', async () => {
    await start();
    const a = await createLeg();
    const ca = await connect(a.connectionId);
    ca.ws.close(1000, 'app done');
    expect(await ca.closed).toBe(1001);
    await until(() => hangupCause(a.id), 'hangup');
    expect(hangupCause(a.id)).toBe(16);
    const b = await createLeg();
    const cb = await connect(b.connectionId);
    cb.ws.terminate();
    await until(() => hangupCause(b.id), 'hangup after drop');
    expect(hangupCause(b.id)).toBe(38);
  });

  it('a 65,527-byte message is accepted; 65,528 bytes → close 1009 and hangup (cause 38)', async () => {
    await start();
    const leg = await createLeg();
    const c = await connect(leg.connectionId);
    c.ws.send(Buffer.alloc(65_527), { binary: true });
    c.ws.send('GET_STATUS');
    await until(() => c.texts.some((t) => t.startsWith('STATUS')), 'STATUS');
    expect(c.texts.find((t) => t.startsWith('STATUS'))).toMatch(/queue_length:(10[0-2]) /);
    c.ws.send(Buffer.alloc(65_528), { binary: true });
    expect(await c.closed).toBe(1009);
    await until(() => hangupCause(leg.id), 'hangup');
    expect(hangupCause(leg.id)).toBe(38);
  });

  it('the caller hanging up sends nothing on the media socket: the WebSocket channel stays up in the bridge', async () => {
    await start();
    const caller = fake.injectCall({ app: 'ws-test' });
    const leg = await createLeg();
    const c = await connect(leg.connectionId);
    const bridge = await rest('POST', '/bridges', { type: 'mixing' });
    await rest('POST', `/bridges/${bridge.body.id as string}/addChannel`, { channel: `${caller.id},${leg.id}` });
    caller.hangup();
    await new Promise((r) => setTimeout(r, 100));
    expect(c.texts).toHaveLength(1);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect((await rest('GET', `/bridges/${bridge.body.id as string}`)).body.channels).toEqual([leg.id]);
    c.ws.close();
  });
});
