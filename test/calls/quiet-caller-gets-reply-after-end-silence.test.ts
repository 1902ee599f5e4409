/**
 * Real PBX legs send no frames while the caller is silent (transmit_silence
 * off, DTX, a quiet bridge peer) and the fake Asterisk does the same. A caller
 * that speaks and then sends nothing must still get its reply once the end of
 * its speech has been decided on the wall clock, on every transport and with
 * every kind of provider; and the turn latency the engine reports must be the
 * gap the caller lives through (end of its audio → first agent audio it hears).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, tone, silence, until } from '../support/calls-harness.js';
import type { CallerHandle } from '../fakes/asterisk/index.js';
import type { CallDetail, TurnLatency } from '../../engine/src/api/calls.js';
import { FakeOpenAIRealtime } from '../fakes/openai/realtime-server.js';
import { FakeOpenAIRest } from '../fakes/openai/rest-server.js';
import { FakeDeepgramAgent } from '../fakes/deepgram/agent-server.js';
import { FakeDeepgramSpeech } from '../fakes/deepgram/listen-speak-server.js';
import { TEST_CA_FILE } from '../fakes/openai/tls.js';

type Transport = 'audiosocket' | 'externalmedia' | 'websocket';

interface Setup {
  /** What decides the end of the caller's turn, in ms after its last voiced frame. */
  endSilenceMs: number;
  config(port: number, transport: Transport): Promise<Record<string, unknown>>;
}

let h: Harness | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const c of closers.splice(0)) await c();
});

const withTransport = (port: number, transport: Transport, over: Record<string, unknown>) => baseConfig(port, { audio_transport: transport, ...over });

const SETUPS: Record<string, Setup> = {
  echo: {
    endSilenceMs: 300, // providers.echo.end_silence_ms in the harness config
    config: async (port, transport) => withTransport(port, transport, {}),
  },
  'openai realtime': {
    endSilenceMs: 500, // server VAD silence_duration_ms (its default)
    async config(port, transport) {
      const fake = new FakeOpenAIRealtime({ apiKey: 'sk-q', turns: [{ transcript: 'hello there', reply: { text: 'Hi.', audioMs: 600 } }] });
      const url = await fake.listen();
      closers.push(() => fake.close());
      const c = withTransport(port, transport, { default_provider: 'openai' });
      return { ...c, providers: { ...(c.providers as object), openai: { type: 'openai_realtime', api_key: 'sk-q', base_url: url, ca_file: TEST_CA_FILE } } };
    },
  },
  'deepgram agent': {
    endSilenceMs: 500, // the agent's end of turn (the fake's VAD: 500 ms of silence)
    async config(port, transport) {
      const fake = new FakeDeepgramAgent({ apiKey: 'dg-q', turns: [{ transcript: 'hello there', reply: { text: 'Hi.', audioMs: 600 } }] });
      const url = await fake.listen();
      closers.push(() => fake.close());
      const c = withTransport(port, transport, { default_provider: 'deepgram' });
      return { ...c, providers: { ...(c.providers as object), deepgram: { type: 'deepgram', api_key: 'dg-q', url } } };
    },
  },
  'pipeline (Deepgram STT, fake OpenAI-compatible LLM, OpenAI TTS)': {
    endSilenceMs: 400, // vad.end_silence_ms below
    async config(port, transport) {
      const rest = new FakeOpenAIRest({ apiKey: 'sk-p', chat: () => ({ text: 'Hi there.' }) });
      const dg = new FakeDeepgramSpeech({ apiKey: 'dg-p', transcripts: ['hello there'] });
      await rest.listen();
      await dg.listen();
      closers.push(() => rest.close(), () => dg.close());
      const pipeline = {
        stt: { type: 'deepgram', api_key: 'dg-p', url: dg.url },
        llm: { base_url: rest.baseUrl, api_key: 'sk-p', model: 'test-llm' },
        tts: { type: 'openai', api_key: 'sk-p', base_url: rest.baseUrl },
        greeting: 'Hello.',
      };
      return { ...withTransport(port, transport, { default_provider: 'cloud', vad: { end_silence_ms: 400 } }), pipelines: { cloud: pipeline } };
    },
  },
};

async function detail(id: string): Promise<CallDetail> {
  return (await h!.service.handlers!['calls.get']!({ id })) as CallDetail;
}

/** Starts a call and waits until its greeting has been heard and has ended. */
async function callAfterGreeting(): Promise<{ caller: CallerHandle; id: string }> {
  const caller = h!.fake.injectCall({ callerNumber: '1300', audio: silence(100) });
  await until(() => caller.firstAudibleAfter(0) !== undefined, 'greeting heard', 15_000);
  const id = h!.service.controller.active[0]!.id;
  await until(() => h!.service.controller.get(id)?.state === 'listening', 'greeting finished', 15_000);
  return { caller, id };
}

const TRANSPORT_NAMES: Record<Transport, string> = { audiosocket: 'AudioSocket', externalmedia: 'RTP', websocket: 'WebSocket (chan_websocket; firstAudioMs = when the caller began to hear it, from MEDIA_MARK_PROCESSED)' };

/** Each transport, and AudioSocket once more with its sockets in a media worker thread (`audiosocket.media_workers: 1`). */
const VARIANTS = [
  { transport: 'audiosocket', workers: 0 },
  { transport: 'audiosocket', workers: 1 },
  { transport: 'externalmedia', workers: 0 },
  { transport: 'websocket', workers: 0 },
] as const;

for (const { transport, workers } of VARIANTS) {
  describe(`a caller that speaks and then sends nothing, over ${TRANSPORT_NAMES[transport]}${workers ? ' in a media worker' : ''}`, () => {
    for (const [name, setup] of Object.entries(SETUPS)) {
      it(`${name}: the reply comes end_silence_ms after its speech, and the engine reports the gap the caller lived through`, async () => {
        const config = await setup.config(0, transport);
        if (workers) config.audiosocket = { ...(config.audiosocket as object), media_workers: workers };
        h = await startHarness({ config: (p) => ({ ...config, asterisk: { ...(config.asterisk as object), port: p } }), setupTimeoutMs: 10_000 });
        const { caller, id } = await callAfterGreeting();
        caller.say(tone(1000, 700, 8000, 9000)); // then nothing: the fake sends no frames while silent
        await until(() => caller.lastAudioSentAt !== undefined && caller.channel.source!.pos >= caller.channel.source!.pcm.length, 'caller finished speaking', 10_000);
        const endOfAudio = caller.lastAudioSentAt!;
        await until(() => caller.firstAudibleAfter(endOfAudio) !== undefined, 'the reply reached the caller', 10_000);
        const gapMs = caller.firstAudibleAfter(endOfAudio)! - endOfAudio;
        expect(gapMs).toBeGreaterThanOrEqual(setup.endSilenceMs - 20);
        // Not a speed assertion: before the inbound clock the reply never came at all. The bound leaves room for a
        // loaded machine (the provider's own work and two processes' scheduling); the bench measures the figure.
        expect(gapMs).toBeLessThanOrEqual(setup.endSilenceMs + 250);

        let turn: TurnLatency | undefined;
        await until(async () => (turn = (await detail(id)).turnLatencies.find((t) => t.firstAudioMs !== null)) !== undefined, 'turn latency stored');
        expect(Math.abs(turn!.firstAudioMs! - gapMs)).toBeLessThanOrEqual(50);
        // The end-of-speech wait is its own stage, and it is most of what the caller waited.
        expect(turn!.endOfTurnMs).toBeGreaterThanOrEqual(setup.endSilenceMs - 20);
        expect(turn!.endOfTurnMs!).toBeLessThanOrEqual(turn!.firstAudioMs!);
        expect(turn!.providerAudioMs!).toBeLessThanOrEqual(turn!.firstAudioMs!);
        caller.hangup();
        await until(() => h!.fake.inspect().channels === 0, 'call cleaned up');
      });
    }

    it('echo: a DTMF digit mid-sentence (140 ms without audio, then the digit) neither ends the turn nor is lost', async () => {
      h = await startHarness({
        config: (p) => {
          const c = baseConfig(p, { audio_transport: transport });
          if (workers) c.audiosocket = { ...(c.audiosocket as object), media_workers: workers };
          return c;
        },
      });
      const { caller, id } = await callAfterGreeting();
      const first = tone(1000, 600, 8000, 9000);
      caller.say(new Int16Array([...first, ...tone(1000, 400, 8000, 9000)]));
      await until(() => caller.channel.source!.pos >= first.length, 'first part said', 10_000, 5);
      await caller.dtmf('5', 0);
      await until(async () => (await detail(id)).turnLatencies.some((t) => t.firstAudioMs !== null), 'the echo played', 10_000);
      // Let anything that would come late arrive, then look at what the caller heard.
      await until(() => h!.service.controller.get(id)?.state === 'listening', 'echo finished', 10_000);
      const d = await detail(id);
      expect(d.transcript.filter((l) => l.text === 'DTMF 5')).toHaveLength(1);
      expect(d.turnLatencies).toHaveLength(1);
      // One echo of the whole utterance: both parts and the digit's gap between them.
      const echoed = d.transcript.find((l) => l.role === 'agent' && l.text.startsWith('(echo of'))!.text;
      expect(Number(/echo of (\d+) ms/.exec(echoed)![1])).toBeGreaterThanOrEqual(1000);
      caller.hangup();
    });
  });
}
