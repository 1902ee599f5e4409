/** PCM helpers for analysis (pure): channel split, upsampling, energy-based speech spans. */

/** Interleaved 16-bit PCM → one buffer per channel. */
export function splitChannels(pcm: Buffer, channels: number): Buffer[] {
  if (channels === 1) return [pcm];
  const frames = Math.floor(pcm.length / (2 * channels));
  const out = Array.from({ length: channels }, () => Buffer.alloc(frames * 2));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) out[c]!.writeInt16LE(pcm.readInt16LE((f * channels + c) * 2), f * 2);
  }
  return out;
}

/**
 * Linear-interpolation resampling of mono 16-bit PCM. Adequate for feeding a
 * recognizer (telephone audio carries nothing above 4 kHz anyway).
 */
export function resamplePcm16(pcm: Buffer, fromHz: number, toHz: number): Buffer {
  if (fromHz === toHz) return pcm;
  const n = Math.floor(pcm.length / 2);
  if (n === 0) return Buffer.alloc(0);
  const outN = Math.floor((n * toHz) / fromHz);
  const out = Buffer.alloc(outN * 2);
  const step = fromHz / toHz;
  for (let i = 0; i < outN; i++) {
    const pos = i * step;
    const i0 = Math.floor(pos);
    const i1 = Math.min(i0 + 1, n - 1);
    const frac = pos - i0;
    const v = pcm.readInt16LE(i0 * 2) * (1 - frac) + pcm.readInt16LE(i1 * 2) * frac;
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v))), i * 2);
  }
  return out;
}
