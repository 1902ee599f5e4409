/**
 * The pre-call lookup against a local CRM on a real socket: its variables
 * fill the greeting and prompt the provider gets, are stored with the call
 * and shown in its detail; a slow or failing CRM never holds the greeting
 * (it goes out with the fallback before the CRM answers).
 */
import type { FakeDeepgramAgent } from '../fakes/deepgram/agent-server.js';
import { FakeCrm, type CrmReply } from '../fakes/crm/crm-server.js';
import { startWithProvider, callDetail, until, silence } from '../support/calls-harness.js';
import { agentFake } from '../support/provider-fakes.js';
import { closeAtEnd } from '../support/close-at-end.js';

async function start(lookup: CrmReply, timeoutMs = 1500) {
  const crm = closeAtEnd(await new FakeCrm().on('POST', '/lookup', lookup).listen());
  const { fake: dg, provider } = await agentFake();
  const h = await startWithProvider('deepgram', provider, {
    webhooks: { pre_call: { url: crm.url('/lookup'), timeout_ms: timeoutMs } },
    contexts: { default: { greeting: 'Hello {customer_name|there}, thanks for calling.', prompt: 'You help callers of ACME.', tools: ['hangup'] } },
  });
  return { h, dg, crm };
}

type Settings = { agent: { greeting?: string; think: { prompt: string } } };
const settings = (dg: FakeDeepgramAgent) => dg.received('Settings')[0] as Settings | undefined;

describe('pre-call lookup', () => {
  it('fills {customer_name} in the greeting, lists the other variables in the prompt, and is stored with the call', async () => {
    const { h, dg, crm } = await start({ json: { customer_name: 'Ada', account_tier: 'gold', open_orders: 2, address: { city: 'Leeds' } } });
    h.fake.injectCall({ callerNumber: '2001', callerName: 'Grace', audio: silence(100) });
    await until(() => settings(dg), 'Settings sent to the provider', 10_000);
    expect(settings(dg)!.agent.greeting).toBe('Hello Ada, thanks for calling.');
    expect(settings(dg)!.agent.think.prompt).toContain("Caller details from the business's records: customer_name: Ada; account_tier: gold; open_orders: 2");
    const call = h.service.controller.active[0]!;
    const [req] = crm.to('POST', '/lookup');
    expect(JSON.parse(req!.body)).toEqual({ call_id: call.id, caller_number: '2001', caller_name: 'Grace', context: 'default', dnid: null });
    const d = await callDetail(h, call.id);
    expect(d.preCall).toMatchObject({ status: 'ok', variables: { customer_name: 'Ada', account_tier: 'gold', open_orders: '2' } });
    expect(d.preCall!.variables).not.toHaveProperty('address');
    expect(d.greeting).toBe('Hello Ada, thanks for calling.');
  });

  it('a CRM slower than timeout_ms does not hold the greeting: it goes out with the fallback before the CRM answers', async () => {
    const { h, dg, crm } = await start({ json: { customer_name: 'Too Late' }, delayMs: 5000 }, 300);
    h.fake.injectCall({ callerNumber: '2002', audio: silence(100) });
    await until(() => settings(dg), 'Settings sent to the provider', 10_000);
    // The CRM has not answered yet when the provider already has the greeting.
    expect(crm.to('POST', '/lookup')[0]!.status).toBeUndefined();
    expect(settings(dg)!.agent.greeting).toBe('Hello there, thanks for calling.');
    const call = h.service.controller.active[0]!;
    await until(async () => (await callDetail(h, call.id)).preCall, 'lookup stored');
    expect((await callDetail(h, call.id)).preCall).toMatchObject({ status: 'timeout', variables: {}, error: 'no answer within 300 ms' });
    expect(await h.ctx.metrics.registry.getSingleMetricAsString('ai_agent_precall_lookups_total')).toMatch(/result="timeout"} 1/);
  });

  it('a failing CRM is logged and counted; the call goes on without the variables', async () => {
    const { h, dg } = await start({ status: 500, json: { error: 'db down' } });
    h.fake.injectCall({ callerNumber: '2003', audio: silence(100) });
    await until(() => settings(dg), 'Settings sent to the provider', 10_000);
    expect(settings(dg)!.agent.greeting).toBe('Hello there, thanks for calling.');
    expect(settings(dg)!.agent.think.prompt).toBe('You help callers of ACME.\n\nCaller ID: (2003)');
    const call = h.service.controller.active[0]!;
    expect((await callDetail(h, call.id)).preCall).toMatchObject({ status: 'error', error: 'HTTP 500' });
    expect(call.state).not.toBe('ended');
  });
});
