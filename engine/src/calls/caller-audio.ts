/**
 * The caller's side of one call: every clocked inbound frame is decoded once
 * to pcm16, seen once by the call's voice activity (the one owner of voice
 * detection), and handed to the provider in the format it wants (the wire
 * frame itself when the formats match, else converted from the decoded pcm).
 */
import { performance } from 'node:perf_hooks';
import type { AgentConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { AudioFormat } from '../media/audio-format.js';
import { frameBytes, sameFormat } from '../media/audio-format.js';
import { createAudioConverter, type AudioConverter } from '../media/convert.js';
import type { MediaLeg } from '../media/transport.js';
import { createEnergyClassifier, createVoiceClassifier, type VoiceClassifier } from '../media/vad/vad.js';
import { VoiceActivity } from '../media/voice/voice-activity.js';
import { SampleRing } from '../observability/sample-ring.js';
import type { ProviderCapabilities } from '../providers/provider.js';

/** Most recent engine-added delays kept (arrival → handed to the provider), for the bench: ~20 s of speech. */
const DELAY_SAMPLES = 1024;

export class CallerAudio {
  /** arrival → handed to the provider (ms), real frames only, for the bench. */
  readonly inboundDelays = new SampleRing(DELAY_SAMPLES);
  private send: ((chunk: Buffer) => void) | undefined;
  private readonly silentPcm: Buffer;
  private closed = false;

  private constructor(
    readonly voice: VoiceActivity,
    private readonly decode: AudioConverter,
    /** pcm16 at the wire rate → provider input; undefined when the provider takes the wire format as is. */
    private readonly toProvider: AudioConverter | undefined,
    wire: AudioFormat,
  ) {
    this.silentPcm = Buffer.alloc(frameBytes({ encoding: 'pcm16', sampleRate: wire.sampleRate }));
  }

  static async create(leg: MediaLeg, caps: ProviderCapabilities, cfg: AgentConfig, log: Logger): Promise<CallerAudio> {
    const wire = leg.wireFormat;
    const pcm: AudioFormat = { encoding: 'pcm16', sampleRate: wire.sampleRate };
    const [decode, toProvider, classifier] = await Promise.all([
      createAudioConverter(wire, pcm),
      sameFormat(wire, caps.input) ? undefined : createAudioConverter(pcm, caps.input),
      classifierFor(wire.sampleRate, caps, cfg, log),
    ]);
    const voice = new VoiceActivity({
      classifier,
      bytesPerMs: (wire.sampleRate * 2) / 1000,
      minSpeechMs: cfg.vad.min_speech_ms,
      sustainMs: Math.max(cfg.vad.min_speech_ms, cfg.barge_in.min_ms),
      endSilenceMs: caps.voice?.endSilenceMs ?? cfg.vad.end_silence_ms,
      alarm: (fire) => leg.clock.alarm(fire),
    });
    return new CallerAudio(voice, decode, toProvider, wire);
  }

  /** Where provider input goes (the provider session's sendAudio). */
  feed(send: (chunk: Buffer) => void): void {
    this.send = send;
  }

  /** One clocked frame from the leg. */
  onFrame(frame: Buffer, at: number, synthesized: boolean): void {
    if (this.closed) return;
    const pcm = synthesized ? this.silentPcm : this.decode.convert(frame);
    this.voice.push(pcm, at, synthesized);
    const input = this.toProvider ? this.toProvider.convert(pcm) : frame;
    if (input.length && this.send) this.send(input);
    if (synthesized) return;
    this.inboundDelays.push(performance.now() - at);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.voice.close();
    this.decode.close();
    this.toProvider?.close();
  }
}

/** WebRTC VAD + energy gate, the provider's energy-only choice (echo), or energy alone when the WASM cannot load. */
async function classifierFor(sampleRate: number, caps: ProviderCapabilities, cfg: AgentConfig, log: Logger): Promise<VoiceClassifier> {
  const energyThreshold = caps.voice?.energyThreshold ?? cfg.vad.energy_threshold;
  if (caps.voice?.energyOnly) return createEnergyClassifier(energyThreshold);
  try {
    return await createVoiceClassifier({
      sampleRate: sampleRate === 16000 ? 16000 : 8000,
      aggressiveness: cfg.vad.webrtc_aggressiveness as 0 | 1 | 2 | 3,
      energyThreshold,
    });
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'WebRTC VAD unavailable; voice activity uses the energy threshold only');
    return createEnergyClassifier(energyThreshold);
  }
}
