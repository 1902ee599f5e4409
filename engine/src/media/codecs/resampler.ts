/**
 * Stateful band-limited resampling (SpeexDSP resampler compiled to WASM).
 * One Resampler per call and direction: its filter state carries across
 * chunks, so chunk boundaries do not click. The WASM module loads once.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient types for the untyped WASM packages
/// <reference path="./wasm-modules.d.ts" />
import type { SpeexResamplerModule } from '@echogarden/speex-resampler-wasm/simd';

let modulePromise: Promise<SpeexResamplerModule> | undefined;

/** Loads the WASM module (once per process). */
export function loadSpeexResampler(): Promise<SpeexResamplerModule> {
  modulePromise ??= import('@echogarden/speex-resampler-wasm/simd').then((m) => m.default()).catch((err: unknown) => {
    modulePromise = undefined;
    throw new Error(`cannot load @echogarden/speex-resampler-wasm: ${err instanceof Error ? err.message : String(err)}`);
  });
  return modulePromise;
}

export const SUPPORTED_RATES = [8000, 16000, 24000, 48000] as const;

export interface Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** Resample a chunk; output length follows the rate ratio over the stream (not exactly per chunk). */
  process(samples: Int16Array): Int16Array;
  close(): void;
}

export interface ResamplerOptions {
  /** 0 (fast) – 10 (best); default 5. */
  quality?: number;
}

export async function createResampler(inRate: number, outRate: number, opts: ResamplerOptions = {}): Promise<Resampler> {
  for (const [name, r] of [['input', inRate], ['output', outRate]] as const) {
    if (!Number.isInteger(r) || r < 1000 || r > 192000) throw new Error(`resampler: ${name} rate ${r} Hz is not supported`);
  }
  const m = await loadSpeexResampler();
  const quality = opts.quality ?? 5;
  const lens = m._malloc(12); // [err, inLen, outLen] as uint32
  const st = m._speex_resampler_init(1, inRate, outRate, quality, lens);
  const err = m.HEAP32[lens >> 2]!;
  if (!st || err !== 0) {
    m._free(lens);
    throw new Error(`resampler: speex_resampler_init(${inRate} → ${outRate} Hz, quality ${quality}) failed with code ${err}`);
  }
  m._speex_resampler_skip_zeros(st);
  let inCap = 0;
  let inPtr = 0;
  let outCap = 0;
  let outPtr = 0;
  let closed = false;
  const ratio = outRate / inRate;

  function ensure(inSamples: number): void {
    if (inSamples > inCap) {
      if (inPtr) m._free(inPtr);
      inCap = Math.max(inSamples, 960);
      inPtr = m._malloc(inCap * 2);
    }
    const needOut = Math.ceil(inCap * ratio) + 64;
    if (needOut > outCap) {
      if (outPtr) m._free(outPtr);
      outCap = needOut;
      outPtr = m._malloc(outCap * 2);
    }
  }

  return {
    inRate,
    outRate,
    process(samples: Int16Array): Int16Array {
      if (closed) throw new Error('resampler: process() after close()');
      const n = samples.length;
      if (n === 0) return new Int16Array(0);
      ensure(Math.min(n, 48000));
      const out = new Int16Array(Math.ceil(n * ratio) + 64);
      let produced = 0;
      let consumed = 0;
      while (consumed < n) {
        const chunk = Math.min(n - consumed, inCap);
        m.HEAP16.set(samples.subarray(consumed, consumed + chunk), inPtr >> 1);
        m.HEAPU32[(lens >> 2) + 1] = chunk;
        m.HEAPU32[(lens >> 2) + 2] = outCap;
        const rc = m._speex_resampler_process_int(st, 0, inPtr, lens + 4, outPtr, lens + 8);
        if (rc !== 0) throw new Error(`resampler: speex_resampler_process_int failed with code ${rc}`);
        const used = m.HEAPU32[(lens >> 2) + 1]!;
        const made = m.HEAPU32[(lens >> 2) + 2]!;
        if (produced + made > out.length) throw new Error('resampler: output larger than expected');
        out.set(m.HEAP16.subarray(outPtr >> 1, (outPtr >> 1) + made), produced);
        produced += made;
        consumed += used;
        if (used === 0 && made === 0) break;
      }
      return out.subarray(0, produced);
    },
    close(): void {
      if (closed) return;
      closed = true;
      m._speex_resampler_destroy(st);
      if (inPtr) m._free(inPtr);
      if (outPtr) m._free(outPtr);
      m._free(lens);
    },
  };
}
