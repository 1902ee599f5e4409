/**
 * Per-frame voice classification: WebRTC VAD (libfvad in WASM) AND an RMS
 * energy gate, or the energy gate alone (when fvad cannot be loaded, or for
 * the echo provider, which echoes any sound). Decisions over time (speech
 * start, end on the wall clock) are made by media/voice/voice-activity.ts.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient types for the untyped WASM packages
/// <reference path="../codecs/wasm-modules.d.ts" />
import type { FvadModule } from '@echogarden/fvad-wasm';
import { pcm16Samples, rms } from '../signal.js';

export interface ClassifierOptions {
  sampleRate: 8000 | 16000;
  /** WebRTC VAD mode: 0 (least aggressive about filtering out non-speech) – 3 (most). */
  aggressiveness: 0 | 1 | 2 | 3;
  /** Minimum frame RMS (16-bit sample units) to count as voiced. */
  energyThreshold: number;
  /** Energy gate only (no WebRTC VAD). */
  energyOnly?: boolean;
}

export interface VoiceClassifier {
  /** 'webrtc+energy' or 'energy'. */
  readonly kind: 'webrtc+energy' | 'energy';
  /** One frame of 16-bit PCM (20 ms; other lengths are judged by energy alone). */
  classify(pcm16: Buffer): boolean;
  /** RMS of the last frame classified (sample units). */
  readonly lastRms: number;
  close(): void;
}

let modulePromise: Promise<FvadModule> | undefined;

export function loadFvad(): Promise<FvadModule> {
  modulePromise ??= import('@echogarden/fvad-wasm').then((m) => m.default()).catch((err: unknown) => {
    modulePromise = undefined;
    throw new Error(`cannot load @echogarden/fvad-wasm: ${err instanceof Error ? err.message : String(err)}`);
  });
  return modulePromise;
}

const FRAME_MS = 20;

/** The energy gate alone. */
export function createEnergyClassifier(energyThreshold: number): VoiceClassifier {
  let last = 0;
  return {
    kind: 'energy',
    classify(pcm) {
      last = rms(pcm);
      return last >= energyThreshold;
    },
    get lastRms() {
      return last;
    },
    close() {},
  };
}

export async function createVoiceClassifier(opts: ClassifierOptions): Promise<VoiceClassifier> {
  if (opts.sampleRate !== 8000 && opts.sampleRate !== 16000) throw new Error(`vad: sampleRate ${String(opts.sampleRate)} Hz is not supported (8000 or 16000)`);
  if (![0, 1, 2, 3].includes(opts.aggressiveness)) throw new Error(`vad.webrtc_aggressiveness: ${String(opts.aggressiveness)} is not 0–3`);
  if (opts.energyOnly) return createEnergyClassifier(opts.energyThreshold);
  const m = await loadFvad();
  const inst = m._fvad_new();
  if (!inst) throw new Error('vad: fvad_new failed');
  if (m._fvad_set_mode(inst, opts.aggressiveness) !== 0 || m._fvad_set_sample_rate(inst, opts.sampleRate) !== 0) {
    m._fvad_free(inst);
    throw new Error(`vad: cannot configure fvad (mode ${opts.aggressiveness}, ${opts.sampleRate} Hz)`);
  }
  const frameSamples = (opts.sampleRate * FRAME_MS) / 1000;
  const ptr = m._malloc(frameSamples * 2);
  let closed = false;
  let last = 0;
  return {
    kind: 'webrtc+energy',
    classify(pcm) {
      if (closed) throw new Error('vad: classify() after close()');
      last = rms(pcm);
      if (last < opts.energyThreshold) return false;
      if (pcm.length !== frameSamples * 2) return true;
      m.HEAP16.set(pcm16Samples(pcm), ptr >> 1);
      const r = m._fvad_process(inst, ptr, frameSamples);
      if (r < 0) throw new Error('vad: fvad_process rejected the frame');
      return r === 1;
    },
    get lastRms() {
      return last;
    },
    close() {
      if (closed) return;
      closed = true;
      m._fvad_free(inst);
      m._free(ptr);
    },
  };
}
