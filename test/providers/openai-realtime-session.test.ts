/**
 * openai_realtime sessions against the fake Realtime server over real TLS
 * sockets, through the official SDK client: greeting, a reply per caller
 * utterance, a tool call, barge-in, provider disconnect.
 */
import { describe, expect, it } from 'vitest';
import { FakeOpenAIRealtime, type RealtimeFakeOptions } from '../fakes/openai/realtime-server.js';
import { TEST_CA_FILE } from '../fakes/openai/tls.js';
import { tone, silence, pcm16ToUlaw } from '../fakes/openai/audio.js';
import { RecordingSink, streamAudio } from './support/recording-sink.js';
import { realtimeFake } from '../support/provider-fakes.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { createOpenAIRealtimeProvider } from '../../engine/src/providers/openai-realtime/provider.js';
import { openaiRealtimeSchema } from '../../engine/src/config/provider-schemas.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { SLIN8, ULAW8 } from '../../engine/src/media/audio-format.js';
import type { AudioFormat } from '../../engine/src/media/audio-format.js';

const TRANSFER_TOOL = {
  name: 'transfer',
  description: 'Transfer the caller',
  parameters: { type: 'object', properties: { destination: { type: 'string' } }, required: ['destination'] },
};

interface SessionShape {
  type: string;
  instructions: string;
  audio: { input: { format: unknown; turn_detection: unknown; transcription: unknown }; output: unknown };
  tools: unknown;
}

async function setup(opts: RealtimeFakeOptions, extra: Record<string, unknown> = {}, wire: AudioFormat = SLIN8, sink = new RecordingSink()) {
  const { fake, provider: settings } = await realtimeFake(opts, 'sk-test-key-123');
  const config = openaiRealtimeSchema.parse({ ...settings, ...extra });
  const provider = createOpenAIRealtimeProvider('openai', config, { log: silentLogger() });
  const caps = provider.capabilities(wire);
  const session = closeAtEnd(
    provider.createSession({
      callId: 'c1',
      context: 'default',
      greeting: 'Welcome to the test line.',
      instructions: 'You are a test agent.',
      tools: [TRANSFER_TOOL],
      wireFormat: wire,
      sink,
      log: silentLogger(),
    }),
  );
  await session.start();
  return { sink, caps, provider, f: fake, session };
}

/** One caller utterance: 600 ms of tone then 800 ms of silence, in the session's input format. */
function utterance(format: AudioFormat): Buffer {
  const pcm = Buffer.concat([tone(format.sampleRate, 600, 300, 9000), silence(format.sampleRate, 800)]);
  return format.encoding === 'ulaw' ? pcm16ToUlaw(pcm) : pcm;
}

const frameBytes = (f: AudioFormat) => (f.sampleRate / 50) * (f.encoding === 'ulaw' ? 1 : 2);

describe('openai_realtime session', () => {
  it('configures a GA session and speaks the greeting', async () => {
    const { sink, caps, f } = await setup({});
    expect(caps).toEqual({ input: { encoding: 'pcm16', sampleRate: 24000 }, output: { encoding: 'pcm16', sampleRate: 24000 }, nativeVad: true });
    const update = f.received('session.update')[0]!.session as unknown as SessionShape;
    expect(update.type).toBe('realtime');
    expect(update.instructions).toBe('You are a test agent.');
    expect(update.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(update.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' });
    expect(update.audio.input.turn_detection).toMatchObject({ type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 });
    expect(update.audio.input.transcription).toEqual({ model: 'gpt-4o-mini-transcribe' });
    expect(update.tools).toEqual([{ type: 'function', ...TRANSFER_TOOL }]);
    expect(f.connections[0]!.url).toContain('model=gpt-realtime');
    expect(f.connections[0]!.headers.authorization).toBe('Bearer sk-test-key-123');
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    expect(sink.audioBytes).toBe(24000 * 2 * 0.6);
    expect(sink.texts('agent')[0]).toContain('Welcome to the test line.');
  });

  it('answers a caller utterance with audio, transcripts and latency marks', async () => {
    const { sink, caps, session } = await setup({ turns: [{ transcript: 'what are your hours', reply: { text: 'We are open nine to five.' } }] });
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    const before = sink.audioBytes;
    await streamAudio((fr) => session.sendAudio(fr), utterance(caps.input), frameBytes(caps.input));
    await sink.waitFor(() => sink.agentDones >= 2, 'reply done');
    expect(sink.audioBytes).toBeGreaterThan(before);
    expect(sink.texts('caller')).toEqual(['what are your hours']);
    expect(sink.texts('agent')).toContain('We are open nine to five.');
    expect(sink.marks.map((m) => m.mark)).toEqual(['end_of_speech', 'llm_first_token', 'tts_first_byte']);
  });

  it('uses pcmu end to end when the wire is µ-law and config asks for it', async () => {
    const { sink, caps, f, session } = await setup({}, { audio_format: 'pcmu' }, ULAW8);
    expect(caps.input).toEqual(ULAW8);
    const update = f.received('session.update')[0]!.session as unknown as SessionShape;
    expect(update.audio.input.format).toEqual({ type: 'audio/pcmu' });
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    expect(sink.audioBytes).toBe(8000 * 0.6);
    await streamAudio((fr) => session.sendAudio(fr), utterance(caps.input), frameBytes(caps.input));
    await sink.waitFor(() => sink.agentDones >= 2, 'reply done');
  });

  it('runs a tool, returns function_call_output, then asks for the follow-up response', async () => {
    const sink = new RecordingSink((name) => ({ ok: true, output: { transferred: name === 'transfer' }, after: { action: 'transfer', destination: 'sales' } }));
    const { caps, f, session } = await setup(
      { turns: [{ transcript: 'sales please', reply: { tool: { name: 'transfer', arguments: { destination: 'sales' } } } }], afterTool: () => ({ text: 'Transferring you now.' }) },
      {},
      SLIN8,
      sink,
    );
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    await streamAudio((fr) => session.sendAudio(fr), utterance(caps.input), frameBytes(caps.input));
    await sink.waitFor(() => sink.texts('agent').includes('Transferring you now.'), 'follow-up reply');
    expect(sink.toolCalls).toEqual([{ name: 'transfer', args: { destination: 'sales' } }]);
    const out = f.received('conversation.item.create')[0]!.item as Record<string, unknown>;
    expect(out.type).toBe('function_call_output');
    expect(JSON.parse(String(out.output))).toEqual({ transferred: true });
    // greeting + follow-up: exactly one response.create after the tool output
    expect(f.received('response.create')).toHaveLength(2);
  });

  it('barge-in during a long reply drops its audio and cancels the response', async () => {
    const { sink, caps, f, session } = await setup({ turns: [{ transcript: 'tell me a story', reply: { text: 'Once upon a time.', audioMs: 20_000 } }], paceMs: 20 });
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    await streamAudio((fr) => session.sendAudio(fr), utterance(caps.input), frameBytes(caps.input));
    await sink.waitFor(() => sink.audioBytes > 24000 * 2 * 2, 'long reply streaming');
    const bargeBefore = sink.bargeIns;
    // The caller talks over the agent.
    await streamAudio((fr) => session.sendAudio(fr), tone(24000, 300, 300, 9000), frameBytes(caps.input));
    await sink.waitFor(() => sink.bargeIns > bargeBefore, 'barge-in');
    expect(f.received('response.cancel').length).toBeGreaterThanOrEqual(1);
    const bytesAtBarge = sink.audioBytes;
    // Let the fake's (already cancelled) stream end; nothing more of that reply arrives.
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.audioBytes).toBe(bytesAtBarge);
    expect(sink.audioBytes).toBeLessThan(24000 * 2 * 20);
    // The model is told how much of its answer was heard.
    // (The greeting, delivered faster than real time, counts as still playing when the caller first spoke.)
    const truncate = f.received('conversation.item.truncate');
    expect(truncate.length).toBeGreaterThanOrEqual(1);
    expect(truncate.at(-1)).toMatchObject({ content_index: 0 });
    expect(Number(truncate.at(-1)!.audio_end_ms)).toBeLessThan((sink.audioBytes / 48000) * 1000);
    expect(sink.errors).toEqual([]);
  });

  it('reports a fatal error when the provider drops the connection mid-call', async () => {
    const { sink, f } = await setup({});
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    f.dropAll();
    await sink.waitFor(() => sink.errors.some((e) => e.fatal), 'fatal error');
    expect(sink.errors[0]!.err.message).toMatch(/connection closed/);
  });

  it('fails start with a clear error when the key is rejected', async () => {
    const fake = closeAtEnd(new FakeOpenAIRealtime({ apiKey: 'sk-right' }));
    const baseUrl = await fake.listen();
    const config = openaiRealtimeSchema.parse({ type: 'openai_realtime', api_key: 'sk-wrong-key', base_url: baseUrl, ca_file: TEST_CA_FILE });
    const provider = createOpenAIRealtimeProvider('openai', config, { log: silentLogger() });
    expect(provider.health().ready).toBe(true);
    const s = provider.createSession({ callId: 'c', context: 'd', greeting: '', instructions: '', tools: [], wireFormat: SLIN8, sink: new RecordingSink(), log: silentLogger() });
    await expect(s.start()).rejects.toThrow(/HTTP 401/);
    await s.close();
  });

  it('is not ready without an API key', () => {
    const prev = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const provider = createOpenAIRealtimeProvider('openai', openaiRealtimeSchema.parse({ type: 'openai_realtime' }), { log: silentLogger() });
      expect(provider.health()).toMatchObject({ ready: false, reason: expect.stringContaining('OPENAI_API_KEY is not set') });
    } finally {
      if (prev !== undefined) process.env.OPENAI_API_KEY = prev;
    }
  });
});
