/**
 * Built-in `echo` provider: greets with a tone, then plays each caller
 * utterance back once it ends (energy detection + end-of-utterance silence).
 * Needs no API key, so it checks a PBX link end to end; `dtmf_tools` lets a
 * key press run transfer/hangup to test those paths too. Fixed texts (check-in,
 * farewell) are spoken as a short 660 Hz tone whose length follows the text.
 */
import { performance } from 'node:perf_hooks';
import type { AudioFormat } from '../../media/audio-format.js';
import { sine, rms, pcm16Samples } from '../../media/signal.js';
import type { ProviderHealth } from '../../api/health.js';
import type { Provider, ProviderCapabilities, ProviderSession, SessionInit } from '../provider.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';

type EchoConfig = Extract<ProviderConfig, { type: 'echo' }>;

const ENERGY_THRESHOLD = 500;
const MAX_UTTERANCE_MS = 10_000;
const SAY_HZ = 660;

export function createEchoProvider(name: string, config: EchoConfig): Provider {
  const sessions = new Set<EchoSession>();
  return {
    name,
    type: 'echo',
    kind: 'provider',
    capabilities(wire: AudioFormat): ProviderCapabilities {
      const pcm: AudioFormat = { encoding: 'pcm16', sampleRate: wire.sampleRate };
      return { input: pcm, output: pcm, nativeVad: false };
    },
    health(): ProviderHealth {
      return { ready: true, kind: 'provider', type: 'echo' };
    },
    createSession(init: SessionInit): ProviderSession {
      const s = new EchoSession(init, config, init.wireFormat.sampleRate, () => sessions.delete(s));
      sessions.add(s);
      return s;
    },
    async close() {
      await Promise.all([...sessions].map((s) => s.close()));
    },
  };
}

class EchoSession implements ProviderSession {
  private utterance: Buffer[] = [];
  private utteranceBytes = 0;
  private inSpeech = false;
  private quietMs = 0;
  private closed = false;
  private readonly bytesPerMs: number;

  constructor(
    private readonly init: SessionInit,
    private readonly config: EchoConfig,
    private readonly sampleRate: number,
    private readonly onClose: () => void,
  ) {
    this.bytesPerMs = (sampleRate * 2) / 1000;
  }

  async start(): Promise<void> {
    const tone = sine({ freqHz: this.config.tone_hz, sampleRate: this.sampleRate, ms: this.config.tone_ms });
    this.init.sink.transcript('agent', this.init.greeting, true);
    this.init.sink.audio(tone);
    this.init.sink.agentDone();
  }

  sendAudio(chunk: Buffer): void {
    if (this.closed || chunk.length < 2) return;
    const ms = chunk.length / this.bytesPerMs;
    const loud = rms(pcm16Samples(chunk)) > ENERGY_THRESHOLD;
    if (loud) {
      this.inSpeech = true;
      this.quietMs = 0;
    } else if (this.inSpeech) {
      this.quietMs += ms;
    }
    if (!this.inSpeech) return;
    this.utterance.push(Buffer.from(chunk));
    this.utteranceBytes += chunk.length;
    if (this.quietMs >= this.config.end_silence_ms || this.utteranceBytes / this.bytesPerMs >= MAX_UTTERANCE_MS) this.endUtterance();
  }

  private endUtterance(): void {
    const sink = this.init.sink;
    sink.mark('end_of_speech', performance.now());
    // Play back the speech without the trailing silence that ended it.
    const all = Buffer.concat(this.utterance);
    const trailing = Math.floor(Math.min(this.quietMs, this.config.end_silence_ms) * this.bytesPerMs) & ~1;
    const speech = all.subarray(0, Math.max(0, all.length - trailing));
    this.utterance = [];
    this.utteranceBytes = 0;
    this.inSpeech = false;
    this.quietMs = 0;
    const ms = Math.round(speech.length / this.bytesPerMs);
    sink.transcript('caller', `(${ms} ms of speech)`, true);
    sink.mark('tts_first_byte', performance.now());
    sink.transcript('agent', `(echo of ${ms} ms)`, true);
    sink.audio(speech);
    sink.agentDone();
  }

  sendDtmf(digit: string): void {
    if (this.closed) return;
    const action = this.config.dtmf_tools[digit];
    if (!action) return;
    const args = action.tool === 'transfer' ? { destination: action.destination ?? '' } : {};
    void this.init.sink.callTool(action.tool, args).then((r) => {
      if (this.closed) return;
      // Acknowledge like a model would ("transferring you" / "goodbye") so the action runs after it drains.
      void this.say(r.ok ? `${action.tool} ok` : 'sorry');
    });
  }

  interrupt(): void {
    this.utterance = [];
    this.utteranceBytes = 0;
  }

  async say(text: string): Promise<void> {
    if (this.closed) return;
    const ms = Math.max(200, Math.min(1500, text.length * 40));
    this.init.sink.transcript('agent', text, true);
    this.init.sink.audio(sine({ freqHz: SAY_HZ, sampleRate: this.sampleRate, ms }));
    this.init.sink.agentDone();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.utterance = [];
    this.onClose();
  }
}
