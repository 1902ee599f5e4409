/**
 * A WebSocket media leg can end in each of the ways captured on Asterisk 22
 * (the caller hanging up, and the agent's HANGUP, are in the full-call and
 * farewell tests): the PBX side deletes the channel (close 1000), the TCP
 * connection drops (cause 38), or the engine stops. Every time the call ends
 * and nothing is left on the fake PBX or in the transport.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, tonePower, until } from '../support/calls-harness.js';
import type { WebSocketTransport } from '../../engine/src/media/websocket/websocket-transport.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function callUp(): Promise<{ legId: string }> {
  h = await startHarness({ config: (p) => baseConfig(p, { audio_transport: 'websocket' }) });
  const caller = h.fake.injectCall({ callerNumber: '303' });
  await until(() => tonePower(caller.received(), 440) > 300, 'greeting');
  const leg = [...h.fake.channels.values()].find((c) => c.role === 'websocket')!;
  return { legId: leg.id };
}

async function nothingLeft(): Promise<void> {
  await until(() => h!.events.some((e) => e.type === 'call.ended'), 'call.ended');
  await until(() => h!.fake.inspect().channels === 0 && h!.fake.inspect().bridges === 0, 'nothing left on the PBX');
  const t = h!.service.transports().get('websocket') as WebSocketTransport;
  await until(() => t.stats().legs === 0 && t.stats().sockets === 0 && t.activeTimers() === 0, 'transport idle');
}

describe('a WebSocket leg ends in every captured order', () => {
  it('DELETE /channels of the WebSocket channel (close 1000): the call ends and the caller is hung up', async () => {
    const { legId } = await callUp();
    const res = await fetch(`${h!.fake.url}/ari/channels/${legId}`, { method: 'DELETE', headers: { authorization: `Basic ${Buffer.from('aiagent:aiagentpass').toString('base64')}` } });
    expect(res.status).toBe(204);
    await nothingLeft();
    const ended = h!.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('error');
  });

  it('the TCP connection drops (Asterisk hangs up with cause 38): the call ends', async () => {
    await callUp();
    h!.fake.websocketMedia.connected[0]!.drop();
    await nothingLeft();
  });

  it('the engine stops with the call up: HANGUP on the media socket, nothing left', async () => {
    await callUp();
    const peer = h!.fake.websocketMedia.connected[0]!;
    await h!.service.stop(Date.now() + 3000);
    await until(() => h!.fake.inspect().channels === 0, 'nothing left on the PBX');
    expect(peer.commands.some((c) => c.text === '{"command":"HANGUP"}')).toBe(true);
    expect(peer.closeCode).toBe(1000);
  });
});
