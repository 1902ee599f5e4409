/**
 * The local pipeline with REAL pocketsphinx and REAL flite: a caller WAV is
 * synthesized with flite at test time, recognized by pocketsphinx inside the
 * pipeline, answered by an OpenAI-compatible LLM (fake server standing in for
 * Ollama/llama.cpp) and spoken back with flite.
 *
 * Accuracy note: at 16 kHz pocketsphinx recognizes flite's kal16 voice
 * almost perfectly; telephony audio (8 kHz, upsampled) loses everything above
 * 4 kHz and recognition gets poor, so the 8 kHz case only checks an easy
 * two-word phrase.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIRest } from '../fakes/openai/rest-server.js';
import { streamAudio } from './support/recording-sink.js';
import { startPipeline, spoken, type PipelineRun } from './support/pipeline-harness.js';
import { SLIN16, SLIN8, frameBytes } from '../../engine/src/media/audio-format.js';
import { pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';
import { createAudioConverter } from '../../engine/src/media/convert.js';
import { encodeWav, decodeWavPcm16 } from '../../engine/src/media/wav.js';
import { writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sphinx = pocketsphinxHealth();
if (!sphinx.ready) console.warn(`[skip] local pipeline tests: ${sphinx.reason}`);

let rest: FakeOpenAIRest | undefined;
let run: PipelineRun | undefined;
let dir: string | undefined;

afterEach(async () => {
  await run?.close();
  await rest?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  run = rest = dir = undefined;
});

function localConfig(baseUrl: string) {
  return { stt: { type: 'pocketsphinx' }, llm: { base_url: baseUrl, model: 'llama3.2' }, tts: { type: 'flite', voice: 'kal16' } };
}

describe.skipIf(!sphinx.ready)('local pipeline (pocketsphinx + flite)', () => {
  it('recognizes a spoken WAV, asks the LLM and speaks the answer with flite', async () => {
    rest = new FakeOpenAIRest({
      chat: (m) => {
        const last = m[m.length - 1]!;
        if (last.role === 'tool') return { text: 'Connecting you now.' };
        return /operator/.test(String(last.content)) ? { tool: { name: 'transfer', arguments: { destination: 'operator' } } } : { text: 'Sorry?' };
      },
    });
    await rest.listen();
    // The caller's audio, as a WAV file on disk.
    dir = mkdtempSync(join(tmpdir(), 'aava-local-'));
    const wavPath = join(dir, 'caller.wav');
    writeFileSync(wavPath, encodeWav(await spoken('transfer me to the operator please'), 16000));
    const { pcm } = decodeWavPcm16(readFileSync(wavPath));

    run = await startPipeline(localConfig(rest.baseUrl), SLIN16, { greeting: 'Hello.' });
    expect(run.provider.health()).toMatchObject({ ready: true, kind: 'pipeline' });
    expect(run.output).toEqual(SLIN16);
    const sink = run.sink;
    await sink.waitFor(() => sink.agentDones >= 1, 'flite greeting');
    const greetingBytes = sink.audioBytes;
    expect(greetingBytes).toBeGreaterThan(16000 * 2 * 0.2);
    await streamAudio((f) => run!.feed(f), pcm, frameBytes(SLIN16), 8);
    await sink.waitFor(() => sink.agentDones >= 2, 'spoken answer', 20_000);
    const heard = sink.texts('caller').join(' ');
    expect(heard).toContain('operator');
    expect(heard).toContain('transfer');
    expect(rest.chatRequests[0]!.messages).toContainEqual({ role: 'user', content: heard });
    expect(sink.toolCalls).toEqual([{ name: 'transfer', args: { destination: 'operator' } }]);
    expect(sink.texts('agent').at(-1)).toBe('Connecting you now.');
    expect(sink.audioBytes).toBeGreaterThan(greetingBytes + 16000 * 2 * 0.3);
    expect(sink.marks.map((m) => m.mark)).toEqual(['end_of_speech', 'stt_final', 'llm_first_token', 'tts_first_byte']);
  });

  it('telephony audio (8 kHz upsampled to 16 kHz) still yields an easy phrase', async () => {
    rest = new FakeOpenAIRest({ chat: () => ({ text: 'Good morning to you.' }) });
    await rest.listen();
    // What the call does: the caller arrives at 8 kHz and is upsampled to what pocketsphinx needs.
    const down = await createAudioConverter(SLIN16, SLIN8);
    const up = await createAudioConverter(SLIN8, SLIN16);
    const phone = up.convert(down.convert(await spoken('good morning', 1500, 'rms')));
    down.close();
    up.close();
    run = await startPipeline(localConfig(rest.baseUrl), SLIN8);
    expect(run.input).toEqual(SLIN16);
    await streamAudio((f) => run!.feed(f), phone, frameBytes(SLIN16), 8);
    await run.sink.waitFor(() => run!.sink.agentDones >= 1, 'answer', 20_000);
    expect(run.sink.texts('caller').join(' ')).toContain('morning');
  });

  it('a missing recognizer is reported in health and ends the call as a fatal STT error', async () => {
    rest = new FakeOpenAIRest({});
    await rest.listen();
    run = await startPipeline({ ...localConfig(rest.baseUrl), stt: { type: 'pocketsphinx', command: 'pocketsphinx_continuous_missing' } }, SLIN16);
    expect(run.provider.health()).toMatchObject({ ready: false, reason: expect.stringContaining('pocketsphinx_continuous_missing not found') });
    await streamAudio((f) => run!.feed(f), await spoken('hello'), frameBytes(SLIN16), 8);
    await run.sink.waitFor(() => run!.sink.errors.some((e) => e.fatal), 'fatal stt error');
    expect(run.sink.errors[0]!.err.message).toMatch(/pipeline stt: pocketsphinx exited with code 127/);
  });
});
