/** The fake's /ari/events: api_key auth, app name, and what subscribeAll adds (global and non-Stasis events). */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeAsterisk, until } from '../fakes/asterisk/index.js';

let fake: FakeAsterisk | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await fake?.stop();
  fake = undefined;
});

function open(query: string): Promise<{ ws: WebSocket; events: { type: string; application: string; channel?: { id: string } }[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${fake!.port}/ari/events?${query}`);
  ws.on('error', () => {});
  sockets.push(ws);
  const events: { type: string; application: string }[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as { type: string; application: string }));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, events }));
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('fake events socket', () => {
  it('rejects bad credentials and delivers per app, with subscribeAll adding everything else', async () => {
    fake = await new FakeAsterisk().start();
    await expect(open('app=a&api_key=aiagent:nope')).rejects.toThrow('HTTP 401');
    const plain = await open('app=asterisk-ai-voice-agent&api_key=aiagent:aiagentpass');
    const all = await open('app=asterisk-ai-voice-agent&api_key=aiagent:aiagentpass&subscribeAll=true');
    const caller = fake.injectCall({ callerNumber: '1', vars: { AI_CONTEXT: 'x' } });
    await until(() => plain.events.some((e) => e.type === 'StasisStart'), 'StasisStart');
    // ChannelCreated/Varset happen before Stasis: only subscribeAll sees them
    expect(plain.events.map((e) => e.type)).toEqual(['StasisStart']);
    expect(all.events.map((e) => e.type)).toEqual(['ChannelCreated', 'ChannelVarset', 'ChannelVarset', 'StasisStart']);
    expect(all.events.every((e) => e.application === 'asterisk-ai-voice-agent')).toBe(true);
    caller.hangup();
    await until(() => plain.events.some((e) => e.type === 'StasisEnd'), 'StasisEnd');
    expect(plain.events.map((e) => e.type)).toEqual(['StasisStart', 'ChannelHangupRequest', 'StasisEnd', 'ChannelVarset', 'ChannelDestroyed']);
  });
});
