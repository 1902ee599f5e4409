/**
 * Pipelines made of cloud stages, each against its fake on a real socket:
 * Deepgram streaming STT / OpenAI transcription, an OpenAI-compatible LLM
 * with streaming and tool calls, OpenAI speech / Deepgram Aura. Caller audio
 * is real speech (flite) so the engine's VAD endpoints it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIRest, type OpenAIRestFakeOptions } from '../fakes/openai/rest-server.js';
import { FakeDeepgramSpeech } from '../fakes/deepgram/listen-speak-server.js';
import { RecordingSink, streamAudio } from './support/recording-sink.js';
import { startPipeline, spoken, type PipelineRun } from './support/pipeline-harness.js';
import { SLIN16, frameBytes } from '../../engine/src/media/audio-format.js';

let rest: FakeOpenAIRest | undefined;
let dg: FakeDeepgramSpeech | undefined;
let run: PipelineRun | undefined;

afterEach(async () => {
  await run?.close();
  await rest?.close();
  await dg?.close();
  run = rest = dg = undefined;
});

async function fakes(restOpts: OpenAIRestFakeOptions = {}, transcripts: string[] = []) {
  rest = new FakeOpenAIRest({ apiKey: 'sk-rest', ...restOpts });
  dg = new FakeDeepgramSpeech({ apiKey: 'dg-key', transcripts });
  await rest.listen();
  await dg.listen();
  return { rest, dg };
}

function deepgramOpenAIConfig() {
  return {
    stt: { type: 'deepgram', api_key: 'dg-key', url: dg!.url, model: 'nova-3' },
    llm: { base_url: rest!.baseUrl, api_key: 'sk-rest', model: 'test-model' },
    tts: { type: 'openai', api_key: 'sk-rest', base_url: rest!.baseUrl, voice: 'alloy' },
  };
}

const say = (r: PipelineRun, pcm: Buffer) => streamAudio((f) => r.feed(f), pcm, frameBytes(r.input));

describe('cloud pipeline session', () => {
  it('greets, then answers an utterance sentence by sentence with all latency marks', async () => {
    await fakes({ chat: () => ({ text: 'It is noon. Anything else I can do?' }) }, ['what time is it']);
    run = await startPipeline(deepgramOpenAIConfig(), SLIN16, { greeting: 'Hello from the pipeline.' });
    expect(run.input).toEqual(SLIN16);
    expect(run.output).toEqual({ encoding: 'pcm16', sampleRate: 24000 });
    const sink = run.sink;
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting');
    expect(rest!.speechRequests[0]).toMatchObject({ input: 'Hello from the pipeline.', response_format: 'pcm', voice: 'alloy' });
    await say(run, await spoken('what time is it'));
    await sink.waitFor(() => sink.agentDones >= 2, 'reply');
    expect(sink.texts('caller')).toEqual(['what time is it']);
    expect(sink.texts('agent')).toEqual(['Hello from the pipeline.', 'It is noon. Anything else I can do?']);
    // Two sentences, two TTS requests, in order.
    expect(rest!.speechRequests.slice(1).map((r) => r.input)).toEqual(['It is noon.', 'Anything else I can do?']);
    const chat = rest!.chatRequests[0]!;
    expect(chat).toMatchObject({ model: 'test-model', stream: true });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'You are a helpful test agent.' },
      { role: 'assistant', content: 'Hello from the pipeline.' },
      { role: 'user', content: 'what time is it' },
    ]);
    expect(sink.marks.map((m) => m.mark)).toEqual(['end_of_speech', 'stt_final', 'llm_first_token', 'tts_first_byte']);
    const listen = dg!.listenConnections[0]!;
    expect(listen.query).toMatchObject({ model: 'nova-3', encoding: 'linear16', sample_rate: '16000' });
    expect(listen.received.some((m) => m.type === 'Finalize')).toBe(true);
    expect(sink.audioBytes % 2).toBe(0);
  });

  it('speaks the first sentence while the LLM is still streaming the rest', async () => {
    const text = 'First sentence here. ' + Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ') + '.';
    await fakes({ chat: () => ({ text }), tokenMs: 25 }, ['go']);
    run = await startPipeline(deepgramOpenAIConfig(), SLIN16);
    await say(run, await spoken('go'));
    await run.sink.waitFor(() => run!.sink.agentDones >= 1, 'reply');
    expect(rest!.speechRequests.map((r) => r.input)).toEqual(['First sentence here.', text.slice('First sentence here. '.length)]);
    // The first sentence went to TTS, and its audio reached the sink, before the LLM stream ended.
    expect(rest!.speechArrivedAt[0]!).toBeLessThan(rest!.chatFinishedAt[0]!);
    expect(run.sink.chunks[0]!.at).toBeLessThan(rest!.chatFinishedAt[0]!);
  });

  it('runs a tool call from the streamed LLM reply and speaks the follow-up', async () => {
    await fakes({
      chat: (messages) => {
        const last = messages[messages.length - 1]!;
        if (last.role === 'tool') return { text: 'Transferring you to the operator now.' };
        return { tool: { name: 'transfer', arguments: { destination: 'operator' } } };
      },
    }, ['operator please']);
    const sink = new RecordingSink(() => ({ ok: true, output: { status: 'transferring' }, after: { action: 'transfer', destination: 'operator' } }));
    run = await startPipeline(deepgramOpenAIConfig(), SLIN16, { sink });
    await say(run, await spoken('operator please'));
    await sink.waitFor(() => sink.agentDones >= 1, 'follow-up reply');
    expect(sink.toolCalls).toEqual([{ name: 'transfer', args: { destination: 'operator' } }]);
    const second = rest!.chatRequests[1]!.messages as Array<Record<string, unknown>>;
    expect(second.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'transfer', arguments: '{"destination":"operator"}' } }] });
    expect(second.at(-1)).toMatchObject({ role: 'tool', content: '{"status":"transferring"}' });
    expect(rest!.chatRequests[0]!.tools).toEqual([{ type: 'function', function: expect.objectContaining({ name: 'transfer' }) }]);
    expect(sink.texts('agent')).toEqual(['Transferring you to the operator now.']);
  });

  it('barge-in while the agent is talking drops the reply and aborts the turn', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `This is sentence number ${i + 1} of a very long answer.`).join(' ');
    await fakes({ chat: (m) => (m.at(-1)!.content === 'stop' ? { text: 'Okay.' } : { text: long }), tokenMs: 15 }, ['tell me everything', 'stop']);
    run = await startPipeline(deepgramOpenAIConfig(), SLIN16);
    const sink = run.sink;
    const longRequests = () => rest!.speechRequests.filter((r) => String(r.input).startsWith('This is sentence')).length;
    await say(run, await spoken('tell me everything'));
    await sink.waitFor(() => sink.chunks.length >= 2, 'agent talking');
    await say(run, await spoken('stop'));
    await sink.waitFor(() => sink.bargeIns >= 1, 'barge-in');
    const bytesAtBarge = sink.bytesAtBargeIn[0]!;
    const longAtBarge = longRequests();
    expect(longAtBarge).toBeLessThan(30);
    // The next turn ("stop") gets its own short answer; the aborted one produces nothing more.
    await sink.waitFor(() => sink.agentDones >= 1, 'answer to the interruption');
    expect(sink.agentDones).toBe(1);
    expect(longRequests()).toBe(longAtBarge);
    expect(sink.audioBytes - bytesAtBarge).toBe(24000 * 2 * 0.2);
    const agent = sink.texts('agent');
    expect(agent.at(-1)).toBe('Okay.');
    expect(agent[0]).toMatch(/^This is sentence number 1/);
    expect(agent[0]!.length).toBeLessThan(long.length);
    // The LLM saw the partial answer before the interruption.
    const msgs = rest!.chatRequests[1]!.messages as Array<{ role: string; content: string }>;
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('OpenAI transcription + Deepgram Aura: uploads the turn as WAV and speaks linear16 16 kHz', async () => {
    await fakes({ chat: () => ({ text: 'Sure.' }), transcripts: ['yes please'] });
    run = await startPipeline(
      {
        stt: { type: 'openai', api_key: 'sk-rest', base_url: rest!.baseUrl, model: 'gpt-4o-mini-transcribe' },
        llm: { base_url: rest!.baseUrl, api_key: 'sk-rest', model: 'm' },
        tts: { type: 'deepgram', api_key: 'dg-key', url: dg!.url, model: 'aura-2-thalia-en' },
      },
      SLIN16,
    );
    expect(run.output).toEqual(SLIN16);
    await say(run, await spoken('yes please'));
    await run.sink.waitFor(() => run!.sink.agentDones >= 1, 'reply');
    expect(rest!.transcriptionRequests[0]).toMatchObject({ model: 'gpt-4o-mini-transcribe', filename: 'turn.wav' });
    expect(rest!.transcriptionRequests[0]!.fileBytes).toBeGreaterThan(44 + 16000);
    expect(run.sink.texts('caller')).toEqual(['yes please']);
    expect(dg!.speakRequests[0]).toEqual({ query: { model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: '16000', container: 'none' }, text: 'Sure.' });
    expect(run.sink.audioBytes).toBe(16000 * 2 * 0.2);
  });

  it('reports each stage in health: keys missing name the setting', async () => {
    const prev = { o: process.env.OPENAI_API_KEY, d: process.env.DEEPGRAM_API_KEY };
    delete process.env.OPENAI_API_KEY;
    delete process.env.DEEPGRAM_API_KEY;
    try {
      const { createPipelineProvider } = await import('../../engine/src/providers/pipeline/provider.js');
      const { pipelineSchema } = await import('../../engine/src/config/provider-schemas.js');
      const { silentLogger } = await import('../../engine/src/observability/logger.js');
      const p = createPipelineProvider('cloud', pipelineSchema.parse({ stt: { type: 'deepgram' }, llm: {}, tts: { type: 'flite' } }), { log: silentLogger() });
      expect(p.health()).toMatchObject({ ready: false, kind: 'pipeline', reason: 'stt: DEEPGRAM_API_KEY is not set (or pipelines.cloud.stt.api_key)' });
      const q = createPipelineProvider('q', pipelineSchema.parse({ stt: { type: 'openai', api_key: 'x' }, llm: {}, tts: { type: 'flite' } }), { log: silentLogger() });
      expect(q.health().reason).toBe('llm: OPENAI_API_KEY is not set (or pipelines.q.llm.api_key)');
      const local = createPipelineProvider('l', pipelineSchema.parse({ stt: { type: 'openai', api_key: 'x' }, llm: { base_url: 'https://api.groq.com/openai/v1', model: 'llama-3.1-8b-instant' }, tts: { type: 'flite' } }), { log: silentLogger() });
      expect(local.health()).toMatchObject({ ready: true });
    } finally {
      if (prev.o !== undefined) process.env.OPENAI_API_KEY = prev.o;
      if (prev.d !== undefined) process.env.DEEPGRAM_API_KEY = prev.d;
    }
  });
});
