/**
 * How a channel shows that it sits in a Stasis app, learnt from the Asterisk 22
 * captures (its `dialplan`: app_name `Stasis`, app_data `<app>[,<args>]`; a
 * continued channel shows the target one priority early, still `Stasis`, then
 * leaves it), and the fake listing channels and bridges the same way. The
 * reconcile after a crash relies on exactly this.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAsterisk, until } from '../fakes/asterisk/index.js';
import { hasFixtures, noticeIfMissing, readFixtureJson, readJsonl } from '../support/shared-fixtures.js';
import { stasisAppOf, callIdOfBridge, bridgeName, callIdOfLeg } from '../../engine/src/calls/ari-names.js';
import type { AriChannel } from '../../engine/src/ari/ari-types.js';
import WebSocket from 'ws';

const APP = 'asterisk-ai-voice-agent';
let fake: FakeAsterisk | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

interface Capture {
  response_body: unknown;
}
type Ev = { type: string; channel?: AriChannel & Record<string, unknown> };

async function get<T>(path: string): Promise<T> {
  const r = await fetch(`${fake!.url}/ari${path}`, { headers: { authorization: `Basic ${Buffer.from('aiagent:aiagentpass').toString('base64')}` } });
  return (await r.json()) as T;
}

noticeIfMissing();
describe.skipIf(!hasFixtures)('channels in a Stasis app, as Asterisk 22 shows them', () => {
  it('is read from the dialplan of the captured channels and events', () => {
    const listing = readFixtureJson<Capture>('ari', 'rest', 'get-channels.json').response_body as AriChannel[];
    const apps = Object.fromEntries(listing.map((c) => [c.id, stasisAppOf(c)]));
    expect(apps).toEqual({ '1795243820.15': APP, '1795243820.16': undefined });

    // An externalMedia AudioSocket leg carries its `data` as the Stasis argument.
    const as = readJsonl<Ev>('ari', 'events', 'inbound-call-audiosocket.jsonl');
    const leg = as.find((e) => e.type === 'StasisStart' && e.channel!.name.startsWith('AudioSocket/'))!.channel!;
    expect(leg.dialplan!.app_data).toMatch(new RegExp(`^${APP},[0-9a-f-]{36}$`));
    expect(stasisAppOf(leg)).toBe(APP);

    // After POST /continue: StasisEnd, then the target one priority early still saying Stasis, then the target.
    const tr = readJsonl<Ev>('ari', 'events', 'transfer-continue.jsonl');
    const end = tr.findIndex((e) => e.type === 'StasisEnd');
    const after = tr.slice(end + 1).filter((e) => e.type === 'ChannelDialplan' && e.channel!.id === tr[end]!.channel!.id);
    expect(after[0]!.channel!.dialplan).toMatchObject({ context: 'from-internal', exten: '600', priority: 0, app_name: 'Stasis' });
    expect(stasisAppOf(after[0]!.channel!)).toBeUndefined();
    expect(stasisAppOf(after[1]!.channel!)).toBeUndefined();
  });

  it('is what the fake lists: same channel and bridge shapes, Stasis in the dialplan, left after continue', async () => {
    fake = await new FakeAsterisk({ legStasisOrder: 'before-response' }).start();
    const captured = (readFixtureJson<Capture>('ari', 'rest', 'get-channels.json').response_body as Record<string, unknown>[])[1]!;
    const caller = fake.injectCall({ callerNumber: '7175882255', vars: { AI_CONTEXT: 'demo' } });
    const other = fake.injectCall({ app: 'another-app', callerNumber: '1' });
    const b = fake.createBridge('mixing', bridgeName(APP, '00000000-0000-4000-8000-000000000001'));
    fake.addToBridge(b, caller.channel);

    const channels = await get<(AriChannel & Record<string, unknown>)[]>('/channels');
    const mine = channels.find((c) => c.id === caller.id)!;
    expect(Object.keys(mine).sort()).toEqual(Object.keys(captured).sort());
    expect(Object.keys(mine.dialplan!).sort()).toEqual(Object.keys(captured.dialplan as object).sort());
    expect(stasisAppOf(mine)).toBe(APP);
    expect(stasisAppOf(channels.find((c) => c.id === other.id)!)).toBe('another-app');

    const capturedBridge = readFixtureJson<Capture>('ari', 'rest', 'get-bridge.json').response_body as Record<string, unknown>;
    const [bridge] = await get<Record<string, unknown>[]>('/bridges');
    expect(Object.keys(bridge!).sort()).toEqual(Object.keys(capturedBridge).sort());
    expect(bridge!.channels).toEqual([caller.id]);
    expect(callIdOfBridge(APP, bridge!.name as string)).toBe('00000000-0000-4000-8000-000000000001');
    expect(callIdOfBridge('another-app', bridge!.name as string)).toBeUndefined();
    expect(callIdOfBridge('asterisk-ai', bridge!.name as string)).toBeUndefined(); // a shorter app name is not a prefix match
    expect(callIdOfLeg('aava-00000000-0000-4000-8000-000000000001-media')).toBe('00000000-0000-4000-8000-000000000001');

    // continue without a target: back to the dialplan right after Stasis(), events as captured
    const ws = new WebSocket(`ws://127.0.0.1:${fake.port}/ari/events?app=${APP}&api_key=aiagent:aiagentpass`);
    const events: Ev[] = [];
    ws.on('message', (d) => events.push(JSON.parse(String(d)) as Ev));
    await new Promise((r) => ws.once('open', r));
    const before = caller.channel.dialplan;
    const r = await fetch(`${fake.url}/ari/channels/${caller.id}/continue`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('aiagent:aiagentpass').toString('base64')}` } });
    expect(r.status).toBe(204);
    await until(() => events.filter((e) => e.type === 'ChannelDialplan').length === 2, 'dialplan events');
    ws.close();
    expect(events.map((e) => e.type).filter((t) => t !== 'ChannelVarset' && t !== 'ChannelLeftBridge')).toEqual(['StasisEnd', 'ChannelDialplan', 'ChannelDialplan']);
    const [early, target] = events.filter((e) => e.type === 'ChannelDialplan').map((e) => e.channel!.dialplan!);
    expect(early).toMatchObject({ context: before.context, priority: before.priority, app_name: 'Stasis' });
    expect(target).toMatchObject({ context: before.context, exten: 's', priority: before.priority + 1 });
    const listed = (await get<AriChannel[]>('/channels')).find((c) => c.id === caller.id)!;
    expect(stasisAppOf(listed)).toBeUndefined();
  });
});
