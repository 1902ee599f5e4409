/**
 * Voice activity detection for barge-in: WebRTC VAD (libfvad in WASM) AND an
 * RMS energy gate, with hysteresis: speech starts after `minSpeechMs` of
 * consecutive voiced 20 ms frames and ends after `endSilenceMs` without one.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient types for the untyped WASM packages
/// <reference path="../codecs/wasm-modules.d.ts" />
import type { FvadModule } from '@echogarden/fvad-wasm';
import { rms } from '../signal.js';

export interface VadOptions {
  sampleRate: 8000 | 16000;
  /** WebRTC VAD mode: 0 (least aggressive about filtering out non-speech) – 3 (most). */
  aggressiveness: 0 | 1 | 2 | 3;
  /** Minimum frame RMS (16-bit sample units) to count as voiced. */
  energyThreshold: number;
  /** Consecutive voiced audio needed before speechStart. */
  minSpeechMs: number;
  /** Unvoiced audio needed before speechEnd. */
  endSilenceMs: number;
}

export interface VadResult {
  /** Speech began during this push. */
  speechStart: boolean;
  /** Speech ended during this push. */
  speechEnd: boolean;
  /** State after this push. */
  speaking: boolean;
  /** The last complete frame pushed was voiced (VAD and energy). */
  voiced: boolean;
}

export interface VoiceActivityDetector {
  /** Feed 16-bit PCM at `sampleRate` (any length; processed in 20 ms frames, remainder kept). */
  push(pcm16Frame: Buffer): VadResult;
  readonly speaking: boolean;
  reset(): void;
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

export async function createVoiceActivityDetector(opts: VadOptions): Promise<VoiceActivityDetector> {
  if (opts.sampleRate !== 8000 && opts.sampleRate !== 16000) throw new Error(`vad: sampleRate ${String(opts.sampleRate)} Hz is not supported (8000 or 16000)`);
  if (![0, 1, 2, 3].includes(opts.aggressiveness)) throw new Error(`vad.webrtc_aggressiveness: ${String(opts.aggressiveness)} is not 0–3`);
  const m = await loadFvad();
  const inst = m._fvad_new();
  if (!inst) throw new Error('vad: fvad_new failed');
  if (m._fvad_set_mode(inst, opts.aggressiveness) !== 0 || m._fvad_set_sample_rate(inst, opts.sampleRate) !== 0) {
    m._fvad_free(inst);
    throw new Error(`vad: cannot configure fvad (mode ${opts.aggressiveness}, ${opts.sampleRate} Hz)`);
  }
  const frameSamples = (opts.sampleRate * FRAME_MS) / 1000;
  const frameBytes = frameSamples * 2;
  const ptr = m._malloc(frameBytes);
  const pendingBuf = Buffer.alloc(frameBytes);
  let pendingFill = 0;
  let speaking = false;
  let voicedRunMs = 0;
  let silenceRunMs = 0;
  let closed = false;
  const startMs = Math.max(FRAME_MS, opts.minSpeechMs);

  function frame(pcm: Buffer): boolean {
    const level = rms(pcm);
    if (level < opts.energyThreshold) return false;
    const samples = new Int16Array(frameSamples);
    for (let i = 0; i < frameSamples; i++) samples[i] = pcm.readInt16LE(i * 2);
    m.HEAP16.set(samples, ptr >> 1);
    const r = m._fvad_process(inst, ptr, frameSamples);
    if (r < 0) throw new Error('vad: fvad_process rejected the frame');
    return r === 1;
  }

  return {
    get speaking() {
      return speaking;
    },
    push(pcm: Buffer): VadResult {
      if (closed) throw new Error('vad: push() after close()');
      const res: VadResult = { speechStart: false, speechEnd: false, speaking, voiced: false };
      let i = 0;
      while (i < pcm.length) {
        let f: Buffer;
        if (pendingFill === 0 && pcm.length - i >= frameBytes) {
          f = pcm.subarray(i, i + frameBytes);
          i += frameBytes;
        } else {
          const take = Math.min(frameBytes - pendingFill, pcm.length - i);
          pcm.copy(pendingBuf, pendingFill, i, i + take);
          pendingFill += take;
          i += take;
          if (pendingFill < frameBytes) break;
          pendingFill = 0;
          f = pendingBuf;
        }
        const voiced = frame(f);
        res.voiced = voiced;
        if (!speaking) {
          voicedRunMs = voiced ? voicedRunMs + FRAME_MS : 0;
          if (voicedRunMs >= startMs) {
            speaking = true;
            silenceRunMs = 0;
            res.speechStart = true;
          }
        } else {
          silenceRunMs = voiced ? 0 : silenceRunMs + FRAME_MS;
          if (silenceRunMs >= opts.endSilenceMs) {
            speaking = false;
            voicedRunMs = 0;
            res.speechEnd = true;
          }
        }
      }
      res.speaking = speaking;
      return res;
    },
    reset() {
      speaking = false;
      voicedRunMs = 0;
      silenceRunMs = 0;
      pendingFill = 0;
      if (!closed) m._fvad_reset(inst);
      if (!closed) m._fvad_set_mode(inst, opts.aggressiveness);
      if (!closed) m._fvad_set_sample_rate(inst, opts.sampleRate);
    },
    close() {
      if (closed) return;
      closed = true;
      m._fvad_free(inst);
      m._free(ptr);
    },
  };
}
