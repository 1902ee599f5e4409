/**
 * Provider failure never means silence (OpenAI Realtime against its fake,
 * real sockets): each way the session can fail — the socket drops and the
 * one reconnect is refused, the connection is refused with an HTTP 4xx, the
 * model is out of quota, or it stays silent after the caller's turn — plays
 * the fallback line at the fake caller within 1 s of the failure, then the
 * failover of the call's context reaches the fake ARI (transfer → continue
 * to the destination, continue → the dialplan target, hangup → DELETE), the
 * call ends as provider_error with the reason, and nothing is left behind.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeFakeOptions } from '../fakes/openai/realtime-server.js';
import { FakeCrm } from '../fakes/crm/crm-server.js';
import { silence, tonePower, until } from '../fakes/asterisk/index.js';
import type { Harness } from '../support/calls-harness.js';
import { realtimeFake, utterance } from '../support/provider-fakes.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { AGENT_HZ, expectFailover, expectFallbackWithinOneSecond, startFailoverHarness, type FailoverContext } from './support/failover.js';

async function start(opts: RealtimeFakeOptions, over?: Record<string, unknown>) {
  const rt = await realtimeFake(opts);
  const h = closeAtEnd(await startFailoverHarness(rt.provider, { over }));
  return { h, fake: rt.fake };
}

function call(h: Harness, context: FailoverContext, number: string) {
  return h.fake.injectCall({ callerNumber: number, audio: silence(100), vars: context === 'default' ? {} : { AI_CONTEXT: context } });
}

describe('a failing OpenAI Realtime session: fallback line within 1 s, then the failover', () => {
  it('socket drop (the reconnect refused): transfer to the context’s destination', async () => {
    const { h, fake } = await start({});
    const caller = call(h, 'sales', '5101');
    await until(() => tonePower(caller.received(), AGENT_HZ) > 300, 'greeting heard', 10_000);
    fake.refuseConnections(503);
    const failedAt = performance.now();
    fake.dropAll();
    await expectFallbackWithinOneSecond(caller, failedAt);
    await expectFailover(h, caller, 'sales', 'socket_drop');
    expect(fake.refusedAt).toHaveLength(1);
    expect((await h.ctx.metrics.providerReconnects.get()).values).toContainEqual(expect.objectContaining({ labels: { provider: 'flaky', result: 'failed' }, value: 1 }));
  });

  it('HTTP 4xx when connecting: the caller still hears the line, then continues in the dialplan', async () => {
    const { h, fake } = await start({});
    fake.refuseConnections(401);
    const caller = call(h, 'support', '5102');
    await until(() => fake.refusedAt.length > 0, 'the connection refused');
    await expectFallbackWithinOneSecond(caller, fake.refusedAt[0]!);
    await expectFailover(h, caller, 'support', 'http_4xx');
  });

  it('quota: the response fails with insufficient_quota, the call hangs up', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'hello', reply: { fail: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota' } } }] });
    const caller = call(h, 'default', '5103');
    await until(() => tonePower(caller.received(), AGENT_HZ) > 300, 'greeting heard', 10_000);
    caller.say(utterance());
    await until(() => fake.speechStoppedAt.length > 0, 'the caller’s turn ended');
    await expectFallbackWithinOneSecond(caller, fake.speechStoppedAt[0]!);
    await expectFailover(h, caller, 'default', 'quota');
  });

  it('no first audio within provider_timeout_s after the caller’s turn: transfer', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'are you there', reply: { silent: true } }] });
    const caller = call(h, 'sales', '5104');
    await until(() => tonePower(caller.received(), AGENT_HZ) > 300, 'greeting heard', 10_000);
    caller.say(utterance());
    await until(() => fake.speechStoppedAt.length > 0, 'the caller’s turn ended');
    // provider_timeout_s is 1: the engine decides from its own mark of the end of turn, which follows the fake's.
    const due = fake.speechStoppedAt[0]! + 1000;
    await expectFallbackWithinOneSecond(caller, due);
    expect(caller.firstAudibleAfter(fake.speechStoppedAt[0]!)).toBeGreaterThanOrEqual(due);
    await expectFailover(h, caller, 'sales', 'no_first_audio');
  });

  it('a tool slower than provider_timeout_s is no failure: the clock stops while it runs', async () => {
    const crm = closeAtEnd(await new FakeCrm().on('GET', /^\/orders\//, { json: { status: 'shipped' }, delayMs: 2500 }).listen());
    const { h, fake } = await start(
      { turns: [{ transcript: 'where is my order', reply: { tool: { name: 'lookup_order', arguments: { order_number: '17' } } } }], afterTool: () => ({ text: 'It shipped.', audioMs: 400 }) },
      {
        contexts: { default: { tools: ['lookup_order'] } },
        tools: { http: { lookup_order: { description: 'Look up an order', url: `${crm.url('/orders')}/{order_number}`, timeout_ms: 10_000 } }, filler: { enabled: false } },
      },
    );
    const caller = call(h, 'default', '5106');
    await until(() => tonePower(caller.received(), AGENT_HZ) > 300, 'greeting heard', 10_000);
    caller.say(utterance());
    await until(() => fake.toolOutputs().length > 0, 'the tool answered after 2.5 s', 15_000);
    const answered = performance.now();
    await until(() => caller.firstAudibleAfter(answered) !== undefined, 'the model’s answer heard', 10_000);
    expect(h.service.controller.active).toHaveLength(1);
    expect((await h.ctx.metrics.providerFailures.get()).values.filter((v) => v.value > 0)).toEqual([]);
  });

  it('an answered turn is no failure: the reply comes, the call goes on', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'hours', reply: { text: 'Nine to five.', audioMs: 600 } }] });
    const caller = call(h, 'default', '5105');
    await until(() => tonePower(caller.received(), AGENT_HZ) > 300, 'greeting heard', 10_000);
    caller.say(utterance());
    await until(() => fake.received('response.create').length >= 1 && fake.speechStoppedAt.length > 0, 'the turn answered');
    // Well past provider_timeout_s (1 s) after the reply: still up, nothing failed.
    await new Promise((r) => setTimeout(r, 2000));
    expect(h.service.controller.active).toHaveLength(1);
    expect((await h.ctx.metrics.providerFailures.get()).values.filter((v) => v.value > 0)).toEqual([]);
    caller.hangup();
    await until(() => h.events.some((e) => e.type === 'call.ended' && e.call.outcome === 'caller_hangup'), 'ended by the caller');
  });
});
