/**
 * A full call through the call engine and the fake Asterisk with the `local`
 * pipeline: REAL pocketsphinx and REAL flite; the LLM is an OpenAI-compatible
 * fake standing in for Ollama. The caller's speech is made with flite at
 * test time and carried at telephony quality (8 kHz), so the phrase is an
 * easy one (see docs/providers.md on accuracy).
 */
import { describe, expect, it } from 'vitest';
import { speech8k } from '../support/speech.js';
import { FakeOpenAIRest } from '../fakes/openai/rest-server.js';
import { audibleMs, callDetail, endedOutcome, until, silence, startWithPipeline } from '../support/calls-harness.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';

const sphinx = pocketsphinxHealth();
if (!sphinx.ready) console.warn(`[skip] full call with the local pipeline: ${sphinx.reason}`);

describe.skipIf(!sphinx.ready)('full call with the local pipeline (pocketsphinx + flite)', () => {
  it('greets with flite, recognizes the caller with pocketsphinx and answers', async () => {
    const rest = closeAtEnd(new FakeOpenAIRest({ chat: () => ({ text: 'Good morning to you too.' }) }));
    const base = await rest.listen();
    const h = await startWithPipeline('local', { stt: { type: 'pocketsphinx' }, llm: { base_url: base, model: 'llama3.2' }, tts: { type: 'flite', voice: 'kal16' }, greeting: 'Hello, this is the local agent.' });
    const caller = h.fake.injectCall({ callerNumber: '5001', audio: silence(100) });
    await until(() => audibleMs(caller.received()) > 1000, 'flite greeting heard', 15_000);
    const id = h.service.controller.active[0]!.id;
    await until(async () => (await callDetail(h, id)).transcript.some((l) => l.text === 'Hello, this is the local agent.'), 'greeting in the record');
    const afterGreeting = audibleMs(caller.received());
    caller.say(await speech8k('good morning', { voice: 'rms', trailingSilenceMs: 1500 }));
    await until(async () => (await callDetail(h, id)).transcript.some((l) => l.text === 'Good morning to you too.'), 'answer', 25_000);
    const detail = await callDetail(h, id);
    const heard = detail.transcript.filter((l) => l.text !== 'Hello, this is the local agent.' && l.text !== 'Good morning to you too.').map((l) => l.text).join(' ');
    expect(heard).toContain('morning');
    await until(() => audibleMs(caller.received()) > afterGreeting + 800, 'answer heard', 10_000);
    caller.hangup();
    await until(() => endedOutcome(h) === 'caller_hangup', 'ended');
  });
});
