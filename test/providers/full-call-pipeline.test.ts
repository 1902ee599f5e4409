/**
 * Full calls through the call engine and the fake Asterisk (AudioSocket)
 * with a pipeline (Deepgram streaming STT → OpenAI-compatible LLM → OpenAI
 * speech), every stage against its fake. The caller speaks real (flite)
 * speech at 8 kHz so the engine's VAD endpoints it.
 */
import { describe, expect, it } from 'vitest';
import { speech8k } from '../support/speech.js';
import { FakeOpenAIRest, type OpenAIRestFakeOptions } from '../fakes/openai/rest-server.js';
import { FakeDeepgramSpeech } from '../fakes/deepgram/listen-speak-server.js';
import { audibleMs, callDetail, endedOutcome, until, silence, concatPcm, tonePower, startWithPipeline } from '../support/calls-harness.js';
import { closeAtEnd } from '../support/close-at-end.js';

async function start(restOpts: OpenAIRestFakeOptions, transcripts: string[], over: Record<string, unknown> = {}) {
  const rest = closeAtEnd(new FakeOpenAIRest({ apiKey: 'sk-p', ...restOpts }));
  const dg = closeAtEnd(new FakeDeepgramSpeech({ apiKey: 'dg-p', transcripts }));
  await rest.listen();
  await dg.listen();
  const pipeline = {
    stt: { type: 'deepgram', api_key: 'dg-p', url: dg.url },
    llm: { base_url: rest.baseUrl, api_key: 'sk-p', model: 'test-llm' },
    tts: { type: 'openai', api_key: 'sk-p', base_url: rest.baseUrl },
    greeting: 'Pipeline line, hello.',
  };
  const h = await startWithPipeline('cloud', pipeline, over);
  return { h, rest, dg };
}

describe('full call with an STT → LLM → TTS pipeline', () => {
  it('greeting heard, a caller utterance gets a reply, transcripts and turn latencies recorded', async () => {
    const { h, rest } = await start({ chat: () => ({ text: 'We open at nine. Anything else?' }) }, ['when do you open']);
    const caller = h.fake.injectCall({ callerNumber: '4001', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard', 10_000);
    const afterGreeting = audibleMs(caller.received());
    caller.say(await speech8k('when do you open'));
    await until(() => audibleMs(caller.received()) > afterGreeting + 400, 'reply heard', 15_000);
    const id = h.service.controller.active[0]!.id;
    await until(async () => (await callDetail(h, id)).transcript.some((l) => l.text === 'We open at nine. Anything else?'), 'agent transcript');
    const detail = await callDetail(h, id);
    expect(detail.transcript.some((l) => l.text === 'when do you open')).toBe(true);
    expect(rest.speechRequests.map((r) => r.input)).toEqual(['Pipeline line, hello.', 'We open at nine.', 'Anything else?']);
    await until(async () => (await callDetail(h, id)).turnLatencies.some((t) => t.firstAudioMs !== null), 'turn latency stored');
    // Every stage of the turn is in the turns table: STT final, LLM first token, TTS first byte, first frame on the wire.
    const turn = (await callDetail(h, id)).turnLatencies.find((t) => t.firstAudioMs !== null)!;
    expect(turn).toMatchObject({ sttFinalMs: expect.any(Number), llmFirstTokenMs: expect.any(Number), ttsFirstByteMs: expect.any(Number) });
    expect(turn.sttFinalMs!).toBeLessThanOrEqual(turn.llmFirstTokenMs!);
    expect(turn.llmFirstTokenMs!).toBeLessThanOrEqual(turn.ttsFirstByteMs!);
    expect(turn.ttsFirstByteMs!).toBeLessThanOrEqual(turn.firstAudioMs!);
    expect(h.health().providers.cloud).toMatchObject({ ready: true, kind: 'pipeline' });
    caller.hangup();
    await until(() => endedOutcome(h) === 'caller_hangup', 'ended');
  });

  it('a tool call from the LLM performs a transfer', async () => {
    const { h } = await start(
      { chat: (m) => (m[m.length - 1]!.role === 'tool' ? { text: 'Transferring you.' } : { tool: { name: 'transfer', arguments: { destination: 'sales_queue' } } }) },
      ['sales please'],
    );
    const caller = h.fake.injectCall({ callerNumber: '4002', audio: concatPcm([silence(1500), await speech8k('sales please')]) });
    await until(() => caller.continuedTo, 'continue', 15_000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '400', priority: 1 });
    await until(() => endedOutcome(h) === 'transferred', 'transferred');
  });

  it('barge-in cuts the agent audio the caller hears', async () => {
    const long = Array.from({ length: 25 }, (_, i) => `Here is sentence ${i + 1} of a long answer.`).join(' ');
    const { h } = await start({ chat: (m) => (m[m.length - 1]!.content === 'stop' ? { text: 'Okay.' } : { text: long }) }, ['tell me everything', 'stop']);
    const caller = h.fake.injectCall({ callerNumber: '4003', audio: concatPcm([silence(2500), await speech8k('tell me everything')]) });
    await until(() => audibleMs(caller.received()) > 3000, 'the long answer is playing', 15_000);
    caller.say(await speech8k('stop'));
    await until(() => h.events.some((e) => e.type === 'call.transcript' && e.line.text === 'Okay.'), 'answer to the interruption', 15_000);
    const heard = audibleMs(caller.received());
    await new Promise((r) => setTimeout(r, 1500));
    expect(audibleMs(caller.received()) - heard).toBeLessThan(1000);
    // 25 sentences at ~0.5 s each were never all played.
    expect(audibleMs(caller.received())).toBeLessThan(10_000);
  });

  it('an STT disconnect mid-call follows on_provider_failure (continue)', async () => {
    const { h, dg } = await start({}, [], { on_provider_failure: { action: 'continue', message: 'Sorry.', context: 'from-internal', extension: '100', priority: 1 } });
    const caller = h.fake.injectCall({ callerNumber: '4004', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard', 10_000);
    dg.dropAll();
    await until(() => caller.continuedTo, 'back to the dialplan', 10_000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '100', priority: 1 });
    await until(() => endedOutcome(h) === 'provider_error', 'provider_error');
    expect(h.health().providers.cloud!.lastError).toMatch(/pipeline stt: Deepgram listen connection closed/);
  });
});
