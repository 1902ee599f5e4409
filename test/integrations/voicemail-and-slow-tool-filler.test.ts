/**
 * Judged from the caller's side: the voicemail tool sends the caller into
 * the dialplan target (ARI continue, mailbox in channel variables) only after
 * the agent's last sentence has played; a tool that runs longer than
 * tools.filler.after_ms fills the wait with the engine's own "One moment."
 * (heard at the fake caller while the CRM is still working), and no filler
 * plays when it is turned off.
 */
import { FakeOpenAIRealtime, type RealtimeFakeOptions } from '../fakes/openai/realtime-server.js';
import { TEST_CA_FILE } from '../fakes/openai/tls.js';
import { FakeCrm } from '../fakes/crm/crm-server.js';
import type { CallerHandle } from '../fakes/asterisk/index.js';
import { startWithProvider, audibleMs, callDetail, endedOutcome, until, tone, silence, concatPcm, tonePower, type Harness } from '../providers/support/call-harness.js';

let h: Harness | undefined;
let fake: FakeOpenAIRealtime | undefined;
let crm: FakeCrm | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  await crm?.close();
  h = fake = crm = undefined;
});

async function start(opts: RealtimeFakeOptions, over: Record<string, unknown>) {
  fake = new FakeOpenAIRealtime({ apiKey: 'sk-vm', ...opts });
  const base = await fake.listen();
  h = await startWithProvider('rt', { type: 'openai_realtime', api_key: 'sk-vm', base_url: base, ca_file: TEST_CA_FILE }, over);
  return { h, fake };
}

const utterance = () => concatPcm([silence(1500), tone(300, 700, 8000, 9000), silence(900)]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('voicemail tool', () => {
  it('continues into aava-voicemail,s,1 with the mailbox set, after the last sentence was heard', async () => {
    const { h, fake } = await start(
      { turns: [{ transcript: 'can I leave a message', reply: { tool: { name: 'voicemail', arguments: { reason: 'caller asked' } } } }], afterTool: () => ({ text: 'Connecting you to voicemail.', audioMs: 800 }) },
      { contexts: { default: { tools: ['voicemail', 'hangup'], voicemail: { mailbox: '2000@default' } } } },
    );
    const caller = h.fake.injectCall({ callerNumber: '6001', audio: utterance() });
    await until(() => caller.continuedTo, 'continue into the dialplan', 20_000);
    expect(caller.continuedTo).toEqual({ context: 'aava-voicemail', extension: 's', priority: 1 });
    expect(caller.channel.vars.get('AAVA_VOICEMAIL_BOX')).toBe('2000@default');
    expect(caller.channel.vars.get('AAVA_VOICEMAIL_OPTS')).toBe('u');
    await until(() => endedOutcome(h) === 'transferred', 'call ended as transferred');
    // Greeting (600 ms) and the whole 800 ms sentence reached the caller before the continue.
    expect(audibleMs(caller.received())).toBeGreaterThanOrEqual(1300);
    expect(caller.gone).toBe(false);
    const id = (h.events.find((e) => e.type === 'call.ended') as { call: { id: string } }).call.id;
    const d = await callDetail(h, id);
    expect(d.transferTarget).toBe('voicemail 2000@default');
    expect(d.toolCalls).toMatchObject([{ name: 'voicemail', kind: 'builtin', ok: true }]);
    expect(fake.toolOutputs()).toMatchObject([{ name: 'voicemail', output: JSON.stringify({ status: 'sending caller to voicemail' }) }]);
  });
});

describe('filler while a tool runs', () => {
  /** A lookup_order that takes 3 s; returns the caller audio heard while it ran. */
  async function slowTool(filler: Record<string, unknown>): Promise<{ during: Int16Array; caller: CallerHandle }> {
    const call: { caller?: CallerHandle } = {};
    let during: Int16Array | undefined;
    crm = await new FakeCrm()
      .on('GET', /^\/orders\//, async () => {
        const from = call.caller!.received().length;
        await sleep(3000);
        during = call.caller!.received().subarray(from);
        return { json: { status: 'shipped' } };
      })
      .listen();
    const { h, fake } = await start(
      { turns: [{ transcript: 'where is my order', reply: { tool: { name: 'lookup_order', arguments: { order_number: '17' } } } }], afterTool: () => ({ text: 'It shipped.', audioMs: 300 }) },
      {
        contexts: { default: { tools: ['lookup_order'] } },
        tools: {
          transfer: { destinations: {} },
          http: { lookup_order: { description: 'Look up an order', url: `${crm.url('/orders')}/{order_number}`, timeout_ms: 10_000 } },
          filler,
        },
      },
    );
    const caller = h.fake.injectCall({ callerNumber: '6002', audio: utterance() });
    call.caller = caller;
    await until(() => fake.toolOutputs().length > 0, 'tool result reached the model', 20_000);
    return { during: during!, caller };
  }

  it('the caller hears the filler while the CRM is still working', async () => {
    const { during } = await slowTool({ enabled: true, after_ms: 1000, text: 'One moment.' });
    expect(audibleMs(during)).toBeGreaterThan(300);
    // Speech from the engine's TTS, not the model's 440 Hz tone.
    expect(tonePower(during, 440)).toBeLessThan(300);
  });

  it('with the filler turned off the wait is silent', async () => {
    const { during } = await slowTool({ enabled: false });
    expect(audibleMs(during)).toBe(0);
  });
});
