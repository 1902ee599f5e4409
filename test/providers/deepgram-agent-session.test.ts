/**
 * deepgram (Voice Agent) sessions against the fake agent server on real
 * sockets, through @deepgram/sdk's agent client.
 */
import { describe, expect, it } from 'vitest';
import { FakeDeepgramAgent, type AgentFakeOptions } from '../fakes/deepgram/agent-server.js';
import { tone, silence, pcm16ToUlaw } from '../fakes/openai/audio.js';
import { RecordingSink, streamAudio } from './support/recording-sink.js';
import { agentFake } from '../support/provider-fakes.js';
import { closeAtEnd } from '../support/close-at-end.js';
import { createDeepgramAgentProvider } from '../../engine/src/providers/deepgram/provider.js';
import { deepgramAgentSchema } from '../../engine/src/config/provider-schemas.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { SLIN8, SLIN16, ULAW8, frameBytes, type AudioFormat } from '../../engine/src/media/audio-format.js';
import { DeepgramAgentSession } from '../../engine/src/providers/deepgram/session.js';
import { KEEPALIVE_INTERVAL_MS } from '../../engine/src/providers/deepgram/settings.js';

const TRANSFER_TOOL = { name: 'transfer', description: 'Transfer the caller', parameters: { type: 'object', properties: { destination: { type: 'string' } } } };

async function setup(opts: AgentFakeOptions, extra: Record<string, unknown> = {}, wire: AudioFormat = ULAW8, sink = new RecordingSink()) {
  const { fake, provider: settings } = await agentFake(opts, 'dg-test-key');
  const config = deepgramAgentSchema.parse({ ...settings, ...extra });
  const provider = createDeepgramAgentProvider('deepgram', config, { log: silentLogger() });
  const caps = provider.capabilities(wire);
  const session = closeAtEnd(
    provider.createSession({
      callId: 'c1',
      context: 'default',
      greeting: 'Thanks for calling the test line.',
      instructions: 'You are a test agent.',
      tools: [TRANSFER_TOOL],
      wireFormat: wire,
      sink,
      log: silentLogger(),
    }),
  );
  // Audio sent before SettingsApplied is held, not sent.
  session.sendAudio(Buffer.alloc(frameBytes(caps.input), 0xff));
  await session.start();
  return { sink, caps, provider, f: fake, session };
}

function utterance(format: AudioFormat): Buffer {
  const pcm = Buffer.concat([tone(format.sampleRate, 600, 300, 9000), silence(format.sampleRate, 800)]);
  return format.encoding === 'ulaw' ? pcm16ToUlaw(pcm) : pcm;
}

describe('deepgram agent session', () => {
  it('sends one Settings, holds audio until SettingsApplied and plays the greeting', async () => {
    const { sink, caps, f } = await setup({});
    expect(caps).toEqual({ input: ULAW8, output: ULAW8, nativeVad: true });
    const settings = f.received('Settings');
    expect(settings).toHaveLength(1);
    expect(settings[0]).toMatchObject({
      audio: { input: { encoding: 'mulaw', sample_rate: 8000 }, output: { encoding: 'mulaw', sample_rate: 8000, container: 'none' } },
      agent: {
        listen: { provider: { type: 'deepgram', model: 'nova-3' } },
        think: { provider: { type: 'open_ai', model: 'gpt-4o-mini' }, prompt: 'You are a test agent.', functions: [TRANSFER_TOOL] },
        speak: { provider: { type: 'deepgram', model: 'aura-2-thalia-en' } },
        greeting: 'Thanks for calling the test line.',
      },
    });
    expect(f.connections[0]!.headers.authorization).toBe('Token dg-test-key');
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    expect(f.connections[0]!.audioBeforeSettings).toBe(0);
    expect(f.connections[0]!.audioBytes).toBe(160); // the held frame, after SettingsApplied
    expect(sink.audioBytes).toBe(8000 * 0.6);
    expect(sink.texts('agent')).toEqual(['Thanks for calling the test line.']);
  });

  it('answers a caller utterance with transcripts of both sides and latency marks', async () => {
    const { sink, caps, session } = await setup({ turns: [{ transcript: 'what are your hours', reply: { text: 'Nine to five.' } }] });
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    await streamAudio((fr) => session.sendAudio(fr), utterance(caps.input), frameBytes(caps.input));
    await sink.waitFor(() => sink.agentDones >= 2, 'reply done');
    expect(sink.texts('caller')).toEqual(['what are your hours']);
    expect(sink.texts('agent')).toContain('Nine to five.');
    expect(sink.marks.map((m) => m.mark)).toEqual(['end_of_speech', 'llm_first_token', 'tts_first_byte']);
  });

  it('uses linear16 at the wire rate when configured', async () => {
    const { sink, caps, f } = await setup({}, { encoding: 'linear16' }, SLIN16);
    expect(caps.input).toEqual(SLIN16);
    expect(f.received('Settings')[0]).toMatchObject({ audio: { input: { encoding: 'linear16', sample_rate: 16000 } } });
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    expect(sink.audioBytes).toBe(16000 * 2 * 0.6);
    expect(createDeepgramAgentProvider('d', deepgramAgentSchema.parse({ type: 'deepgram', encoding: 'linear16' }), { log: silentLogger() }).capabilities(SLIN8).input).toEqual(SLIN8);
  });

  it('answers a FunctionCallRequest with a FunctionCallResponse and speaks the follow-up', async () => {
    const sink = new RecordingSink(() => ({ ok: true, output: { status: 'transferring' }, after: { action: 'transfer', destination: 'sales' } }));
    const { caps, f, session } = await setup(
      { turns: [{ transcript: 'sales please', reply: { tool: { name: 'transfer', arguments: { destination: 'sales' } } } }], afterTool: () => ({ text: 'Connecting you to sales.' }) },
      {},
      ULAW8,
      sink,
    );
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    await streamAudio((fr) => session.sendAudio(fr), utterance(caps.input), frameBytes(caps.input));
    await sink.waitFor(() => sink.texts('agent').includes('Connecting you to sales.'), 'follow-up');
    expect(sink.toolCalls).toEqual([{ name: 'transfer', args: { destination: 'sales' } }]);
    const resp = f.received('FunctionCallResponse')[0]!;
    expect(resp).toMatchObject({ type: 'FunctionCallResponse', name: 'transfer' });
    expect(JSON.parse(String(resp.content))).toEqual({ status: 'transferring' });
  });

  it('UserStartedSpeaking during a long reply is a barge-in and its audio stops', async () => {
    const { sink, caps, session } = await setup({ turns: [{ transcript: 'story', reply: { text: 'Long story.', audioMs: 20_000 } }] });
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    await streamAudio((fr) => session.sendAudio(fr), utterance(caps.input), frameBytes(caps.input));
    await sink.waitFor(() => sink.audioBytes > 8000 * 2, 'long reply streaming');
    const before = sink.bargeIns;
    await streamAudio((fr) => session.sendAudio(fr), pcm16ToUlaw(tone(8000, 300, 300, 9000)), 160);
    await sink.waitFor(() => sink.bargeIns > before, 'barge-in');
    const bytes = sink.audioBytes;
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.audioBytes).toBe(bytes);
    expect(sink.audioBytes).toBeLessThan(8000 * 20);
  });

  it('surfaces Error and Warning messages in health and reports a fatal error on disconnect', async () => {
    const { sink, f, provider } = await setup({});
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    f.connections[0]!.warning('Audio arrived faster than real time', 'SLOW_DOWN');
    f.connections[0]!.error('Think provider failed', 'THINK_FAILED');
    await sink.waitFor(() => sink.errors.length >= 1, 'non-fatal error');
    expect(sink.errors[0]).toMatchObject({ fatal: false });
    expect(provider.health().lastError).toMatch(/THINK_FAILED/);
    f.dropAll();
    await sink.waitFor(() => sink.errors.some((e) => e.fatal), 'fatal error');
    expect(sink.errors.find((e) => e.fatal)!.err.message).toMatch(/connection closed/);
  });

  it('sends KeepAlive on its interval', async () => {
    const fake = closeAtEnd(new FakeDeepgramAgent({}));
    const url = await fake.listen();
    const cfg = deepgramAgentSchema.parse({ type: 'deepgram', api_key: 'k', url });
    const sink = new RecordingSink();
    const session = closeAtEnd(new DeepgramAgentSession(cfg, { callId: 'c', context: 'd', greeting: '', instructions: 'x', tools: [], wireFormat: ULAW8, sink, log: silentLogger() }, ULAW8, { apiKey: 'k', onError: () => {}, keepAliveMs: 30 }));
    await session.start();
    const conn = fake.connections[0]!;
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (conn.keepAlives >= 2) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(fake.received('KeepAlive')[0]).toEqual({ type: 'KeepAlive' });
    expect(KEEPALIVE_INTERVAL_MS).toBe(10_000);
  });

  it('say() speaks an injected agent message', async () => {
    const { sink, f, session } = await setup({});
    await sink.waitFor(() => sink.agentDones >= 1, 'greeting done');
    await session.say('Are you still there?');
    expect(f.received('InjectAgentMessage')).toEqual([{ type: 'InjectAgentMessage', message: 'Are you still there?' }]);
    expect(sink.texts('agent')).toContain('Are you still there?');
  });

  it('rejects start when the key is refused, and is not ready without a key', async () => {
    const fake = closeAtEnd(new FakeDeepgramAgent({ apiKey: 'right' }));
    const url = await fake.listen();
    const p = createDeepgramAgentProvider('deepgram', deepgramAgentSchema.parse({ type: 'deepgram', api_key: 'wrong', url }), { log: silentLogger() });
    const s = p.createSession({ callId: 'c', context: 'd', greeting: '', instructions: '', tools: [], wireFormat: ULAW8, sink: new RecordingSink(), log: silentLogger() });
    await expect(s.start()).rejects.toThrow(/Deepgram Agent/);
    await s.close();
    const prev = process.env.DEEPGRAM_API_KEY;
    delete process.env.DEEPGRAM_API_KEY;
    try {
      expect(createDeepgramAgentProvider('dg', deepgramAgentSchema.parse({ type: 'deepgram' }), { log: silentLogger() }).health()).toMatchObject({ ready: false, reason: expect.stringContaining('DEEPGRAM_API_KEY is not set') });
    } finally {
      if (prev !== undefined) process.env.DEEPGRAM_API_KEY = prev;
    }
  });
});
