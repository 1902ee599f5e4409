/**
 * A realtime provider whose socket drops mid-call is reconnected once: the
 * new session is set up with the same instructions and the conversation so
 * far (OpenAI: message items after session.update; Deepgram: Settings
 * agent.context.messages), greets nobody a second time, answers a caller's
 * turn the drop left open, and the call goes on. A second drop is a failure:
 * fallback line, failover (here: hangup).
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeFakeOptions } from '../fakes/openai/realtime-server.js';
import type { AgentFakeOptions } from '../fakes/deepgram/agent-server.js';
import { silence, tonePower, until, type CallerHandle } from '../fakes/asterisk/index.js';
import type { Harness } from '../support/calls-harness.js';
import { realtimeFake, agentFake, utterance } from '../support/provider-fakes.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { AGENT_HZ, audibleMs, expectFailover, expectFallbackWithinOneSecond, heardAfter, startFailoverHarness } from './support/failover.js';

const transcribed = (h: Harness, role: string, text: string) => h.events.some((e) => e.type === 'call.transcript' && e.line.role === role && e.line.text === text);
const reconnects = async (h: Harness) => (await h.ctx.metrics.providerReconnects.get()).values.filter((v) => v.value > 0).map((v) => [v.labels.result, v.value]);

async function startOpenAI(opts: RealtimeFakeOptions, timeoutS = 20) {
  const rt = await realtimeFake(opts);
  const h = closeAtEnd(await startFailoverHarness(rt.provider, { timeoutS }));
  return { h, oa: rt.fake };
}

async function greeted(h: Harness): Promise<CallerHandle> {
  const caller = h.fake.injectCall({ callerNumber: '5301', audio: silence(100) });
  await until(() => tonePower(caller.received(), AGENT_HZ) > 300, 'greeting heard', 10_000);
  return caller;
}

/** The caller hears agent audio that began after `t`. */
async function heardReplyAfter(caller: CallerHandle, t: number): Promise<void> {
  await until(() => audibleMs(heardAfter(caller, t)) > 300, 'a reply heard after the reconnect', 10_000);
  expect(tonePower(heardAfter(caller, t), AGENT_HZ)).toBeGreaterThan(300);
}

describe('OpenAI Realtime socket drop', () => {
  it('reconnects with the instructions and the transcript, no second greeting; the call goes on; a second drop fails over', async () => {
    const { h, oa } = await startOpenAI({ turns: [{ transcript: 'what are your hours', reply: { text: 'Nine to five.', audioMs: 500 } }, { transcript: 'thanks', reply: { text: 'You are welcome.', audioMs: 500 } }] });
    const caller = await greeted(h);
    caller.say(utterance());
    await until(() => transcribed(h, 'agent', 'Nine to five.'), 'the first turn answered', 10_000);
    oa.dropAll();
    await until(() => oa.connections.length === 2 && oa.received('session.update').length === 2, 'the reconnect set up', 10_000);
    await until(() => transcribed(h, 'system', 'Provider connection dropped: reconnected'), 'reconnected', 10_000);
    const [first, second] = oa.connections;
    await until(() => second!.history.length >= 3, 'the history loaded into the new session');
    expect((second!.session as { instructions?: string }).instructions).toBe((first!.session as { instructions?: string }).instructions);
    expect(second!.history.map((l) => l.role)).toEqual(['assistant', 'user', 'assistant']);
    expect(second!.history.slice(1)).toEqual([
      { role: 'user', text: 'what are your hours' },
      { role: 'assistant', text: 'Nine to five.' },
    ]);
    expect(second!.received.filter((e) => e.type === 'response.create')).toEqual([]); // no second greeting
    const before = performance.now();
    caller.say(utterance());
    await heardReplyAfter(caller, before);
    await until(() => transcribed(h, 'agent', 'You are welcome.'), 'the second turn answered by the new session');
    expect(h.service.controller.active).toHaveLength(1);
    expect(await reconnects(h)).toEqual([['ok', 1]]);

    const failedAt = performance.now();
    oa.dropAll();
    await expectFallbackWithinOneSecond(caller, failedAt);
    await expectFailover(h, caller, 'default', 'socket_drop');
    expect(oa.connections).toHaveLength(2); // once per call
  });

  it('a caller turn the drop left unanswered is answered by the new session', async () => {
    const { h, oa } = await startOpenAI({ turns: [{ transcript: 'is anyone there', reply: { silent: true } }] });
    const caller = await greeted(h);
    caller.say(utterance());
    await until(() => transcribed(h, 'caller', 'is anyone there'), 'the caller’s turn transcribed', 10_000);
    const before = performance.now();
    oa.dropAll();
    await until(() => oa.connections.length === 2 && oa.connections[1]!.received.some((e) => e.type === 'response.create'), 'the open turn asked again', 10_000);
    expect(oa.connections[1]!.history.at(-1)).toEqual({ role: 'user', text: 'is anyone there' });
    expect(oa.connections[1]!.received.find((e) => e.type === 'response.create')).not.toHaveProperty('response'); // the model answers; no scripted line
    await heardReplyAfter(caller, before);
    expect(h.service.controller.active).toHaveLength(1);
    caller.hangup();
    await until(() => h.events.some((e) => e.type === 'call.ended' && e.call.outcome === 'caller_hangup'), 'ended by the caller');
  });
});

describe('Deepgram Voice Agent socket drop', () => {
  async function startDeepgram(opts: AgentFakeOptions) {
    const agent = await agentFake(opts);
    const h = closeAtEnd(await startFailoverHarness(agent.provider, { timeoutS: 20 }));
    return { h, dg: agent.fake };
  }

  it('reconnects with Settings carrying the prompt and the history, no greeting; the next turn is answered', async () => {
    const { h, dg } = await startDeepgram({ turns: [{ transcript: 'are you open', reply: { text: 'Yes, until five.', audioMs: 500 } }, { transcript: 'great', reply: { text: 'See you.', audioMs: 500 } }] });
    const caller = await greeted(h);
    caller.say(utterance());
    await until(() => transcribed(h, 'agent', 'Yes, until five.'), 'the first turn answered', 10_000);
    dg.dropAll();
    await until(() => dg.connections.length === 2 && dg.connections[1]!.settings, 'the reconnect’s Settings', 10_000);
    await until(() => transcribed(h, 'system', 'Provider connection dropped: reconnected'), 'reconnected', 10_000);
    const [first, second] = dg.connections.map((c) => c.settings!.agent as { greeting?: string; think: { prompt: string }; context?: { messages: unknown[] } });
    expect(second!.think.prompt).toBe(first!.think.prompt);
    expect(second!.greeting).toBeUndefined();
    expect(second!.context?.messages).toEqual([
      { type: 'History', role: 'assistant', content: first!.greeting },
      { type: 'History', role: 'user', content: 'are you open' },
      { type: 'History', role: 'assistant', content: 'Yes, until five.' },
    ]);
    const before = performance.now();
    caller.say(utterance());
    await heardReplyAfter(caller, before);
    await until(() => transcribed(h, 'agent', 'See you.'), 'the second turn answered by the new session');
    expect(await reconnects(h)).toEqual([['ok', 1]]);
    expect(h.service.controller.active).toHaveLength(1);
  });
});
