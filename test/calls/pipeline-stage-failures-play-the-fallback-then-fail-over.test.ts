/**
 * A pipeline whose LLM or TTS fails no longer leaves the turn silent: the
 * caller speaks (flite speech, endpointed by the engine's VAD), the OpenAI
 * fake (transcription, chat, speech on one real socket) fails the request —
 * HTTP 5xx, quota (429 insufficient_quota), the LLM stream cut, the TTS
 * stream cut — and the caller hears the fallback line within 1 s, then the
 * context's failover reaches the fake ARI; the call ends as provider_error
 * with the reason.
 */
import { describe, expect, it } from 'vitest';
import { speech8k } from '../support/speech.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { FakeOpenAIRest, type OpenAIRestFakeOptions } from '../fakes/openai/rest-server.js';
import { silence, tonePower, until } from '../fakes/asterisk/index.js';
import type { Harness } from '../support/calls-harness.js';
import { AGENT_HZ, expectFailover, expectFallbackWithinOneSecond, startFailoverHarness, type FailoverContext } from './support/failover.js';

async function start(opts: OpenAIRestFakeOptions, sound = true) {
  const rest = closeAtEnd(new FakeOpenAIRest({ apiKey: 'sk-p', transcripts: ['when do you open'], ...opts }));
  await rest.listen();
  const pipeline = {
    stt: { type: 'openai', api_key: 'sk-p', base_url: rest.baseUrl },
    llm: { base_url: rest.baseUrl, api_key: 'sk-p', model: 'test-llm' },
    tts: { type: 'openai', api_key: 'sk-p', base_url: rest.baseUrl },
  };
  const h = closeAtEnd(await startFailoverHarness(pipeline, { pipeline: true, sound, timeoutS: 20 }));
  return { h, rest };
}

/** A call in `context`: the greeting plays, then the caller asks something. */
async function callAndAsk(h: Harness, context: FailoverContext, number: string) {
  const caller = h.fake.injectCall({ callerNumber: number, audio: silence(100), vars: context === 'default' ? {} : { AI_CONTEXT: context } });
  await until(() => tonePower(caller.received(), AGENT_HZ) > 300, 'greeting heard', 10_000);
  caller.say(await speech8k('When do you open tomorrow?'));
  return caller;
}

describe('a failing pipeline stage: fallback line within 1 s, then the failover', () => {
  it('LLM answers HTTP 500 (twice, the SDK retries once): transfer', async () => {
    const { h, rest } = await start({ failChat: () => ({ status: 500 }) });
    const caller = await callAndAsk(h, 'sales', '5201');
    await until(() => rest.failedAt.length >= 2, 'both chat attempts failed', 15_000);
    await expectFallbackWithinOneSecond(caller, rest.failedAt[1]!);
    await expectFailover(h, caller, 'sales', 'http_5xx');
  });

  it('LLM out of quota (429 insufficient_quota): hangup', async () => {
    const { h, rest } = await start({ failChat: () => ({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' }) });
    const caller = await callAndAsk(h, 'default', '5202');
    await until(() => rest.failedAt.length >= 2, 'both chat attempts failed', 15_000);
    await expectFallbackWithinOneSecond(caller, rest.failedAt[1]!);
    await expectFailover(h, caller, 'default', 'quota');
  });

  it('LLM stream cut mid-answer: the message spoken by the local TTS, then the dialplan', async () => {
    const { h, rest } = await start({ failChat: () => 'cut' }, false);
    const caller = await callAndAsk(h, 'support', '5203');
    await until(() => rest.failedAt.length >= 1, 'the chat stream started', 15_000);
    await expectFallbackWithinOneSecond(caller, rest.failedAt[0]!, true);
    await expectFailover(h, caller, 'support', 'llm_error');
    expect(h.events.some((e) => e.type === 'call.transcript' && e.line.role === 'agent' && e.line.text === 'Sorry, technical trouble.')).toBe(true);
  });

  it('TTS stream cut while speaking the reply (the greeting was fine): hangup', async () => {
    const { h, rest } = await start({ failSpeech: (n) => (n >= 1 ? 'cut' : undefined) });
    const caller = await callAndAsk(h, 'default', '5204');
    await until(() => rest.failedAt.length >= 1, 'the reply’s speech started', 15_000);
    await expectFallbackWithinOneSecond(caller, rest.failedAt[0]!);
    await expectFailover(h, caller, 'default', 'tts_error');
    expect(rest.chatRequests).toHaveLength(1);
  });
});
