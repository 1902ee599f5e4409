/**
 * A full call through the call engine and the fake Asterisk with the `local`
 * pipeline: REAL pocketsphinx and REAL flite; the LLM is an OpenAI-compatible
 * fake standing in for Ollama. The caller's speech is made with flite at
 * test time and carried at telephony quality (8 kHz), so the phrase is an
 * easy one (see docs/providers.md on accuracy).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIRest } from '../fakes/openai/rest-server.js';
import { audibleMs, callDetail, endedOutcome, until, silence, concatPcm, type Harness } from './support/call-harness.js';
import { startHarness, baseConfig } from '../calls/harness.js';
import { synthesize } from '../../engine/src/speech/flite.js';
import { createAudioConverter } from '../../engine/src/media/convert.js';
import { SLIN16, SLIN8 } from '../../engine/src/media/audio-format.js';
import { pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';

const sphinx = pocketsphinxHealth();
if (!sphinx.ready) console.warn(`[skip] full call with the local pipeline: ${sphinx.reason}`);

let h: Harness | undefined;
let rest: FakeOpenAIRest | undefined;
afterEach(async () => {
  await h?.close();
  await rest?.close();
  h = rest = undefined;
});

async function speech8k(text: string, voice: string): Promise<Int16Array> {
  const { pcm } = await synthesize(text, { voice });
  const conv = await createAudioConverter(SLIN16, SLIN8);
  const out = conv.convert(pcm);
  conv.close();
  const samples = new Int16Array(out.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = out.readInt16LE(i * 2);
  return concatPcm([samples, silence(1500)]);
}

describe.skipIf(!sphinx.ready)('full call with the local pipeline (pocketsphinx + flite)', () => {
  it('greets with flite, recognizes the caller with pocketsphinx and answers', async () => {
    rest = new FakeOpenAIRest({ chat: () => ({ text: 'Good morning to you too.' }) });
    const base = await rest.listen();
    h = await startHarness({
      config: (port) => ({
        ...baseConfig(port, { default_provider: 'local' }),
        pipelines: { local: { stt: { type: 'pocketsphinx' }, llm: { base_url: base, model: 'llama3.2' }, tts: { type: 'flite', voice: 'kal16' }, greeting: 'Hello, this is the local agent.' } },
      }),
      setupTimeoutMs: 10_000,
    });
    const caller = h.fake.injectCall({ callerNumber: '5001', audio: silence(100) });
    await until(() => audibleMs(caller.received()) > 1000, 'flite greeting heard', 15_000);
    const id = h.service.controller.active[0]!.id;
    await until(async () => (await callDetail(h!, id)).transcript.some((l) => l.text === 'Hello, this is the local agent.'), 'greeting in the record');
    const afterGreeting = audibleMs(caller.received());
    caller.say(await speech8k('good morning', 'rms'));
    await until(async () => (await callDetail(h!, id)).transcript.some((l) => l.text === 'Good morning to you too.'), 'answer', 25_000);
    const detail = await callDetail(h, id);
    const heard = detail.transcript.filter((l) => l.text !== 'Hello, this is the local agent.' && l.text !== 'Good morning to you too.').map((l) => l.text).join(' ');
    expect(heard).toContain('morning');
    await until(() => audibleMs(caller.received()) > afterGreeting + 800, 'answer heard', 10_000);
    caller.hangup();
    await until(() => endedOutcome(h!) === 'caller_hangup', 'ended');
  });
});
