/**
 * Full calls through the call engine and the fake Asterisk (AudioSocket)
 * with the deepgram (Voice Agent) provider against the fake agent server.
 */
import { describe, expect, it } from 'vitest';
import type { AgentFakeOptions } from '../fakes/deepgram/agent-server.js';
import { startWithProvider, audibleMs, callDetail, endedOutcome, until, tone, silence, concatPcm, tonePower } from '../support/calls-harness.js';
import { agentFake, utterance } from '../support/provider-fakes.js';

async function start(opts: AgentFakeOptions, over: Record<string, unknown> = {}) {
  const agent = await agentFake(opts);
  const h = await startWithProvider('deepgram', agent.provider, over);
  return { h, fake: agent.fake };
}

describe('full call with the deepgram voice agent', () => {
  it('greeting heard, a caller utterance gets a reply, both sides in the call record', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'are you open today', reply: { text: 'Yes, until five.', audioMs: 800 } }] });
    const caller = h.fake.injectCall({ callerNumber: '3001', audio: silence(100), vars: { AI_GREETING: 'Deepgram test line.' } });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard', 10_000);
    expect((fake.received('Settings')[0]!.agent as { greeting?: string }).greeting).toBe('Deepgram test line.');
    const afterGreeting = audibleMs(caller.received());
    caller.say(utterance());
    await until(() => audibleMs(caller.received()) > afterGreeting + 500, 'reply heard', 10_000);
    const id = h.service.controller.active[0]!.id;
    await until(async () => (await callDetail(h, id)).transcript.some((l) => l.text === 'Yes, until five.'), 'agent transcript recorded');
    const detail = await callDetail(h, id);
    expect(detail.transcript.some((l) => l.text === 'are you open today')).toBe(true);
    // µ-law 8 kHz both ways by default: the fake heard the caller in the Settings encoding.
    expect(fake.connections[0]!.audioBeforeSettings).toBe(0);
    expect(fake.connections[0]!.audioBytes).toBeGreaterThan(8000);
    caller.hangup();
    await until(() => endedOutcome(h) === 'caller_hangup', 'call ended');
  });

  it('a FunctionCallRequest performs a transfer', async () => {
    const { h, fake } = await start({
      turns: [{ transcript: 'sales please', reply: { tool: { name: 'transfer', arguments: { destination: 'sales_queue' } } } }],
      afterTool: () => ({ text: 'Connecting you.', audioMs: 400 }),
    });
    const caller = h.fake.injectCall({ callerNumber: '3002', audio: concatPcm([silence(1500), utterance()]) });
    await until(() => caller.continuedTo, 'continue into the dialplan', 15_000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '400', priority: 1 });
    await until(() => endedOutcome(h) === 'transferred', 'transferred');
    expect(JSON.parse(String(fake.received('FunctionCallResponse')[0]!.content))).toMatchObject({ status: 'transferring', destination: 'sales_queue' });
  });

  it('UserStartedSpeaking cuts the agent audio the caller hears', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'story', reply: { text: 'A long story.', audioMs: 20_000 } }] });
    const userStarted = () => fake.connections[0]!.sent.filter((e) => e.type === 'UserStartedSpeaking').length;
    const caller = h.fake.injectCall({ callerNumber: '3003', audio: concatPcm([silence(1500), utterance()]) });
    await until(() => audibleMs(caller.received()) > 2000, 'the long reply is playing', 15_000);
    const before = userStarted();
    caller.say(concatPcm([tone(300, 600, 8000, 9000), silence(300)]));
    await until(() => userStarted() > before, 'UserStartedSpeaking', 10_000);
    const heard = audibleMs(caller.received());
    await new Promise((r) => setTimeout(r, 1500));
    expect(audibleMs(caller.received()) - heard).toBeLessThan(1000);
    expect(caller.gone).toBe(false);
  });

  it('a provider disconnect mid-call whose reconnect is refused follows on_provider_failure (announce_hangup)', async () => {
    const { h, fake } = await start({});
    const caller = h.fake.injectCall({ callerNumber: '3004', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard', 10_000);
    fake.refuseConnections(503);
    fake.dropAll();
    await until(() => caller.gone, 'hung up', 15_000);
    await until(() => endedOutcome(h) === 'provider_error', 'outcome provider_error');
    expect(h.health().providers.deepgram).toMatchObject({ lastError: expect.stringMatching(/connection closed/) });
  });
});
