/**
 * Judged from the caller's side: the voicemail tool sends the caller into
 * the dialplan target (ARI continue, mailbox in channel variables) only after
 * the agent's last sentence has played; a tool that runs longer than
 * tools.filler.after_ms fills the wait with the engine's own "One moment."
 * (heard at the fake caller while the CRM is still working), and no filler
 * plays when it is turned off. Engine-made audio is not the agent's reply:
 * the turn's first agent audio is the model's answer, after the CRM answered.
 */
import { performance } from 'node:perf_hooks';
import type { RealtimeFakeOptions } from '../fakes/openai/realtime-server.js';
import { FakeCrm } from '../fakes/crm/crm-server.js';
import type { CallerHandle } from '../fakes/asterisk/index.js';
import type { TurnLatency } from '../../engine/src/api/calls.js';
import { startWithProvider, audibleMs, callDetail, endedOutcome, until, tonePower } from '../support/calls-harness.js';
import { realtimeFake, utterance as callerTurn } from '../support/provider-fakes.js';
import { closeAtEnd } from '../support/close-at-end.js';

async function start(opts: RealtimeFakeOptions, over: Record<string, unknown>) {
  const rt = await realtimeFake(opts);
  const h = await startWithProvider('rt', rt.provider, over);
  return { h, fake: rt.fake };
}

/** The caller waits for the greeting to end, then speaks. */
const utterance = () => callerTurn(1500);
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
  /** A lookup_order that takes 3 s; returns the caller audio heard while it ran, when the CRM answered, and the turn. */
  async function slowTool(filler: Record<string, unknown>): Promise<{ during: Int16Array; caller: CallerHandle; answeredAt: number; turn: TurnLatency }> {
    const call: { caller?: CallerHandle } = {};
    let during: Int16Array | undefined;
    let answeredAt = 0;
    const crm = closeAtEnd(await new FakeCrm()
      .on('GET', /^\/orders\//, async () => {
        const from = call.caller!.received().length;
        await sleep(3000);
        during = call.caller!.received().subarray(from);
        answeredAt = performance.now();
        return { json: { status: 'shipped' } };
      })
      .listen());
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
    const turn = () => h.events.find((e) => e.type === 'call.turn');
    await until(() => turn(), 'the turn was measured', 20_000);
    await until(() => caller.firstAudibleAfter(answeredAt) !== undefined, 'the caller heard the answer', 20_000);
    return { during: during!, caller, answeredAt, turn: (turn() as { latency: TurnLatency }).latency };
  }

  /** The turn's first agent audio is the model's answer: on the wire after the CRM answered, where the caller heard it. */
  function expectReplyCounted(r: { caller: CallerHandle; answeredAt: number; turn: TurnLatency }): void {
    const { turn } = r;
    const answered = performance.timeOrigin + r.answeredAt;
    expect(turn.firstAudioMs).not.toBeNull();
    expect(turn.providerAudioMs).not.toBeNull();
    expect(turn.endOfSpeechAt + turn.firstAudioMs!).toBeGreaterThan(answered);
    expect(turn.endOfSpeechAt + turn.providerAudioMs!).toBeGreaterThan(answered);
    const heard = performance.timeOrigin + r.caller.firstAudibleAfter(r.answeredAt)!;
    expect(Math.abs(turn.endOfSpeechAt + turn.firstAudioMs! - heard)).toBeLessThan(100);
  }

  it('the caller hears the filler while the CRM is still working; the filler is not the turn\'s first agent audio', async () => {
    const r = await slowTool({ enabled: true, after_ms: 1000, text: 'One moment.' });
    expect(audibleMs(r.during)).toBeGreaterThan(300);
    // Speech from the engine's TTS, not the model's 440 Hz tone.
    expect(tonePower(r.during, 440)).toBeLessThan(300);
    expectReplyCounted(r);
  });

  it('with the filler turned off the wait is silent', async () => {
    const r = await slowTool({ enabled: false });
    expect(audibleMs(r.during)).toBe(0);
    expectReplyCounted(r);
  });
});
