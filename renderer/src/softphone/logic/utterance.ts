/**
 * A speech-like test utterance synthesized locally (no TTS needed): a voiced
 * glottal buzz with a falling pitch contour, shaped by vowel formants and a
 * syllable-rate envelope. Agents' VADs treat it as speech. Pure.
 */

const VOWELS: [number, number, number][] = [
  [730, 1090, 2440], // a
  [530, 1840, 2480], // e
  [270, 2290, 3010], // i
  [570, 840, 2410], // o
  [300, 870, 2240], // u
];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) % 1_000_000) / 1_000_000;
  };
}

/** Mono float samples in [-1, 1]. */
export function synthesizeUtterance(sampleRate: number, durationMs: number, seed = 1): Float32Array {
  const n = Math.max(1, Math.round((sampleRate * durationMs) / 1000));
  const out = new Float32Array(n);
  const rand = rng(seed);
  const syllableMs = 180 + rand() * 60;
  const f0Start = 130 + rand() * 40;
  let phase = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const progress = i / n;
    const f0 = f0Start * (1 - 0.25 * progress) * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t));
    phase += f0 / sampleRate;
    const syl = Math.floor((t * 1000) / syllableMs);
    const vowel = VOWELS[(syl + seed) % VOWELS.length]!;
    // Harmonics weighted by their distance to the formants.
    let v = 0;
    const maxH = Math.min(30, Math.floor(3500 / f0));
    for (let h = 1; h <= maxH; h++) {
      const f = h * f0;
      let w = 0;
      for (let k = 0; k < 3; k++) {
        const bw = 80 + 40 * k;
        w += 1 / (1 + ((f - vowel[k]!) / bw) ** 2) / (k + 1);
      }
      v += (w / h ** 0.5) * Math.sin(2 * Math.PI * h * phase);
    }
    // Syllable envelope (never fully silent inside the utterance) and 15 ms fades at the ends.
    const inSyl = ((t * 1000) % syllableMs) / syllableMs;
    const env = 0.35 + 0.65 * Math.sin(Math.PI * inSyl) ** 2;
    const fade = Math.min(1, (t * 1000) / 15, ((n - i) / sampleRate) * (1000 / 15));
    out[i] = v * env * fade;
    peak = Math.max(peak, Math.abs(out[i]!));
  }
  const scale = peak > 0 ? 0.5 / peak : 0;
  for (let i = 0; i < n; i++) out[i]! *= scale;
  return out;
}

/** Default script: short caller turns a tester would say. Durations in ms. */
export const DEFAULT_SCRIPT_MS = [1400, 1800];
