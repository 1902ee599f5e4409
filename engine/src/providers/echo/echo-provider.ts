/**
 * Built-in `echo` provider: greets with a tone, then plays each caller
 * utterance back once it ends. It takes turns on the engine's voice activity
 * (one detector per call) in energy-only mode, so any sound counts (a test
 * tone too), and its `end_silence_ms` sets the end-of-utterance wait. Needs no
 * API key, so it checks a PBX link end to end; `dtmf_tools` lets a key press
 * run transfer/hangup to test those paths too. Fixed texts (check-in,
 * farewell) are spoken as a short 660 Hz tone whose length follows the text.
 */
import { performance } from 'node:perf_hooks';
import type { AudioFormat } from '../../media/audio-format.js';
import type { VoiceEvent } from '../../media/voice/voice-activity.js';
import { sine } from '../../media/signal.js';
import type { ProviderHealth } from '../../api/health.js';
import type { Provider, ProviderCapabilities, ProviderSession, SessionInit } from '../provider.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';

type EchoConfig = Extract<ProviderConfig, { type: 'echo' }>;

const ENERGY_THRESHOLD = 500;
const MAX_UTTERANCE_MS = 10_000;
/** Audio kept before speech starts (the voice start comes minSpeechMs after the first voiced frame). */
const PREROLL_MS = 2000;
const SAY_HZ = 660;

export function createEchoProvider(name: string, config: EchoConfig): Provider {
  const sessions = new Set<EchoSession>();
  return {
    name,
    type: 'echo',
    kind: 'provider',
    capabilities(wire: AudioFormat): ProviderCapabilities {
      const pcm: AudioFormat = { encoding: 'pcm16', sampleRate: wire.sampleRate };
      return { input: pcm, output: pcm, nativeVad: false, voice: { energyOnly: true, energyThreshold: ENERGY_THRESHOLD, endSilenceMs: config.end_silence_ms } };
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
  /** Caller audio since `bufStartMs` (stream position, ms), in arrival order. */
  private buf: Buffer[] = [];
  private bufBytes = 0;
  private bufStartMs = 0;
  /** Stream position of the current utterance's first voiced frame, while the caller speaks. */
  private speechFromMs: number | undefined;
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

  /** The clocked caller stream (one frame per 20 ms, silence included). */
  sendAudio(chunk: Buffer): void {
    if (this.closed || chunk.length < 2) return;
    this.buf.push(chunk);
    this.bufBytes += chunk.length;
    const endMs = this.bufStartMs + this.bufBytes / this.bytesPerMs;
    if (this.speechFromMs !== undefined && endMs - this.speechFromMs >= MAX_UTTERANCE_MS) {
      // A caller who never pauses: echo what we have and go on.
      this.echo(this.speechFromMs, endMs);
      this.speechFromMs = endMs;
    }
    if (this.speechFromMs === undefined) this.dropBefore(endMs - PREROLL_MS);
  }

  voice(ev: VoiceEvent): void {
    if (this.closed) return;
    if (ev.type === 'start') this.speechFromMs = ev.streamMs;
    else if (ev.type === 'end' && this.speechFromMs !== undefined) {
      const from = this.speechFromMs;
      this.speechFromMs = undefined;
      this.init.sink.mark('end_of_speech', ev.at);
      this.echo(from, ev.streamMs);
    }
  }

  /** Plays back the stream between two positions (the speech, without the silence that ended it). */
  private echo(fromMs: number, toMs: number): void {
    const sink = this.init.sink;
    const all = Buffer.concat(this.buf);
    const at = (ms: number) => Math.max(0, Math.min(all.length, Math.round((ms - this.bufStartMs) * this.bytesPerMs) & ~1));
    const speech = Buffer.from(all.subarray(at(fromMs), at(toMs)));
    this.buf = [all];
    this.dropBefore(toMs);
    const ms = Math.round(speech.length / this.bytesPerMs);
    sink.transcript('caller', `(${ms} ms of speech)`, true);
    sink.mark('tts_first_byte', performance.now());
    sink.transcript('agent', `(echo of ${ms} ms)`, true);
    sink.audio(speech);
    sink.agentDone();
  }

  /** Forgets buffered audio before stream position `ms`. */
  private dropBefore(ms: number): void {
    let drop = Math.floor((ms - this.bufStartMs) * this.bytesPerMs) & ~1;
    while (drop > 0 && this.buf.length > 0) {
      const head = this.buf[0]!;
      if (head.length <= drop) {
        this.buf.shift();
        this.bufBytes -= head.length;
        this.bufStartMs += head.length / this.bytesPerMs;
        drop -= head.length;
      } else {
        this.buf[0] = head.subarray(drop);
        this.bufBytes -= drop;
        this.bufStartMs += drop / this.bytesPerMs;
        drop = 0;
      }
    }
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

  /** Nothing to stop: an echo is queued whole (the engine flushed it); the caller's new utterance is echoed in turn. */
  interrupt(): void {}

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
    this.buf = [];
    this.onClose();
  }
}
