/**
 * Small signal helpers (pure): tone generation, RMS, Goertzel tone detection.
 * Used by the echo provider's greeting tone and by tests (distinct tones per
 * caller, "did my own tone come back?").
 */

/** A view of 16-bit little-endian PCM as samples (copies only when the buffer is unaligned). */
export function pcm16Samples(buf: Buffer): Int16Array {
  const n = buf.length >> 1;
  if (buf.byteOffset % 2 === 0) return new Int16Array(buf.buffer, buf.byteOffset, n);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

export function samplesToPcm16(s: Int16Array): Buffer {
  return Buffer.from(s.buffer, s.byteOffset, s.byteLength);
}

export interface SineOptions {
  freqHz: number;
  sampleRate: number;
  ms: number;
  /** Peak amplitude in sample units (default 8000). */
  amplitude?: number;
  /** Start phase in radians (default 0). */
  phase?: number;
}

/** A sine tone as 16-bit PCM. */
export function sine(o: SineOptions): Buffer {
  return createSineGenerator(o.freqHz, o.sampleRate, o.amplitude ?? 8000, o.phase ?? 0).next(Math.round((o.sampleRate * o.ms) / 1000));
}

/** A phase-continuous tone source: successive next() calls join without a discontinuity. */
export function createSineGenerator(freqHz: number, sampleRate: number, amplitude = 8000, phase = 0): { next(samples: number): Buffer } {
  const step = (2 * Math.PI * freqHz) / sampleRate;
  let ph = phase;
  return {
    next(samples: number): Buffer {
      const out = Buffer.allocUnsafe(samples * 2);
      for (let i = 0; i < samples; i++) {
        out.writeInt16LE(Math.round(amplitude * Math.sin(ph)), i * 2);
        ph += step;
        if (ph > 2 * Math.PI) ph -= 2 * Math.PI;
      }
      return out;
    },
  };
}

export function silencePcm16(ms: number, sampleRate: number): Buffer {
  return Buffer.alloc(Math.round((sampleRate * ms) / 1000) * 2);
}

/** Root-mean-square level of 16-bit PCM, in sample units (0–32768). */
export function rms(pcm: Buffer | Int16Array): number {
  if (pcm instanceof Int16Array) {
    if (pcm.length === 0) return 0;
    let acc = 0;
    for (let i = 0; i < pcm.length; i++) acc += pcm[i]! * pcm[i]!;
    return Math.sqrt(acc / pcm.length);
  }
  // Little-endian bytes read in place: no typed-array view per frame (the VAD runs this on every frame).
  const n = pcm.length >> 1;
  if (n === 0) return 0;
  let acc = 0;
  for (let i = 0; i < 2 * n; i += 2) {
    const v = ((pcm[i]! | (pcm[i + 1]! << 8)) << 16) >> 16;
    acc += v * v;
  }
  return Math.sqrt(acc / n);
}

/** RMS level in dBFS (0 dB = full-scale square wave; -Infinity for digital silence). */
export function rmsDbfs(pcm: Buffer | Int16Array): number {
  const r = rms(pcm);
  return r === 0 ? -Infinity : 20 * Math.log10(r / 32768);
}

/**
 * Goertzel: the amplitude (sample units, comparable to a sine's peak) of the
 * component at `freqHz` in 16-bit PCM. A pure tone of peak A at that frequency gives ≈ A.
 */
export function goertzel(pcm: Buffer | Int16Array, sampleRate: number, freqHz: number): number {
  const s = pcm instanceof Int16Array ? pcm : pcm16Samples(pcm);
  const n = s.length;
  if (n === 0) return 0;
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = s[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / n;
}

/** The candidate frequency with the strongest Goertzel amplitude, with that amplitude. */
export function strongestTone(pcm: Buffer | Int16Array, sampleRate: number, candidatesHz: readonly number[]): { freqHz: number; amplitude: number } {
  let best = { freqHz: candidatesHz[0] ?? 0, amplitude: -1 };
  for (const f of candidatesHz) {
    const a = goertzel(pcm, sampleRate, f);
    if (a > best.amplitude) best = { freqHz: f, amplitude: a };
  }
  return best;
}

/** Largest absolute difference between neighbouring samples (a click detector). */
export function maxSampleStep(pcm: Buffer | Int16Array): number {
  const s = pcm instanceof Int16Array ? pcm : pcm16Samples(pcm);
  let m = 0;
  for (let i = 1; i < s.length; i++) {
    const d = Math.abs(s[i]! - s[i - 1]!);
    if (d > m) m = d;
  }
  return m;
}

/**
 * A voiced, speech-like test signal: a glottal-pulse-like harmonic series (f0
 * wobbling ±8 % at 3 Hz) shaped by three vowel formants, with a 4 Hz syllable
 * envelope. WebRTC VAD classifies it as speech; a pure sine it often does not.
 */
export function speechLike(o: { ms: number; sampleRate: number; f0Hz?: number; amplitude?: number }): Buffer {
  const rate = o.sampleRate;
  const n = Math.round((rate * o.ms) / 1000);
  const f0 = o.f0Hz ?? 140;
  const amp = o.amplitude ?? 6000;
  const out = Buffer.alloc(n * 2);
  const formant = (f: number): number =>
    Math.exp(-((f - 700) ** 2) / (2 * 200 ** 2)) + 0.6 * Math.exp(-((f - 1200) ** 2) / (2 * 250 ** 2)) + 0.3 * Math.exp(-((f - 2500) ** 2) / (2 * 300 ** 2));
  let ph = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f = f0 * (1 + 0.08 * Math.sin(2 * Math.PI * 3 * t));
    ph += (2 * Math.PI * f) / rate;
    let x = 0;
    for (let h = 1; h * f < rate / 2 - 200; h++) x += formant(h * f) * Math.sin(h * ph);
    const env = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(amp * env * x))), i * 2);
  }
  return out;
}

/** Deterministic white noise (uniform, peak `amplitude`), for energy-gate tests. */
export function whiteNoise(o: { ms: number; sampleRate: number; amplitude: number; seed?: number }): Buffer {
  const n = Math.round((o.sampleRate * o.ms) / 1000);
  const out = Buffer.alloc(n * 2);
  let s = (o.seed ?? 12345) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.writeInt16LE(Math.round((s / 0xffffffff) * 2 * o.amplitude - o.amplitude), i * 2);
  }
  return out;
}
