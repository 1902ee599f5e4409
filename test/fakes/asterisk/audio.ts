/**
 * Audio helpers for the fake Asterisk and the call tests (pure, no I/O):
 * G.711 µ-law written independently of the engine's codec (so a bug on one
 * side is not mirrored on the other), tone synthesis, and Goertzel tone
 * power for "did this caller hear its own tone" checks.
 */

const BIAS = 0x84;
const CLIP = 32635;

export function linearToUlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
}

export function encodeUlaw(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToUlaw(pcm[i]!);
  return out;
}

export function decodeUlaw(buf: Buffer): Int16Array {
  const out = new Int16Array(buf.length);
  for (let i = 0; i < buf.length; i++) out[i] = ulawToLinear(buf[i]!);
  return out;
}

/** Whether this machine stores an Int16Array's samples little-endian, as the wire formats here are. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian 16-bit PCM bytes → samples (copies, so alignment never matters). */
export function pcmFromBytes(buf: Buffer): Int16Array {
  const out = new Int16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf[2 * i]! | (buf[2 * i + 1]! << 8);
  return out;
}

/**
 * Little-endian 16-bit PCM bytes → samples sharing `buf`'s memory when the host is little-endian and `buf`
 * starts on an even byte (else a copy, as pcmFromBytes): for a buffer nobody writes to afterwards.
 */
export function pcmViewOfBytes(buf: Buffer): Int16Array {
  if (!LITTLE_ENDIAN_HOST || buf.byteOffset % 2 !== 0) return pcmFromBytes(buf);
  return new Int16Array(buf.buffer, buf.byteOffset, buf.length >> 1);
}

/** Little-endian bytes of `pcm`, into `out` at `offset` when given (else a new buffer). */
export function pcmToBytes(pcm: Int16Array, out = Buffer.alloc(pcm.length * 2), offset = 0): Buffer {
  if (LITTLE_ENDIAN_HOST) {
    // The samples' own bytes are the wire's: one copy instead of two byte stores per sample.
    out.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), offset);
    return out;
  }
  for (let i = 0; i < pcm.length; i++) {
    const v = pcm[i]!;
    out[offset + 2 * i] = v & 0xff;
    out[offset + 2 * i + 1] = (v >> 8) & 0xff;
  }
  return out;
}

export function tone(hz: number, ms: number, sampleRate = 8000, amplitude = 8000): Int16Array {
  const n = Math.round((sampleRate * ms) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  return out;
}

export function silence(ms: number, sampleRate = 8000): Int16Array {
  return new Int16Array(Math.round((sampleRate * ms) / 1000));
}

export function concatPcm(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** 8 kHz → 16 kHz by linear interpolation (the fake's slin16 legs). */
export function upsample2(pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) {
    const a = pcm[i]!;
    const b = pcm[i + 1] ?? a;
    out[2 * i] = a;
    out[2 * i + 1] = (a + b) >> 1;
  }
  return out;
}

/** 16 kHz → 8 kHz by averaging pairs (a crude low-pass, enough for tone checks). */
export function downsample2(pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (pcm[2 * i]! + pcm[2 * i + 1]!) >> 1;
  return out;
}

export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / pcm.length);
}

/** Goertzel power of one frequency, normalised to an RMS-like amplitude. */
export function tonePower(pcm: Int16Array, hz: number, sampleRate = 8000): number {
  const n = pcm.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = pcm[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return Math.sqrt(Math.max(0, power)) / (n / 2);
}

/** Among candidate frequencies, the one with the most energy in `pcm`. */
export function strongestTone(pcm: Int16Array, candidates: number[], sampleRate = 8000): { hz: number; power: number } {
  let best = { hz: candidates[0] ?? 0, power: -1 };
  for (const hz of candidates) {
    const p = tonePower(pcm, hz, sampleRate);
    if (p > best.power) best = { hz, power: p };
  }
  return best;
}

/** Splits samples into 20 ms windows and returns the [start, end) sample ranges whose RMS exceeds `threshold`. */
export function activeSpans(pcm: Int16Array, threshold = 500, sampleRate = 8000): { start: number; end: number }[] {
  const win = sampleRate / 50;
  const spans: { start: number; end: number }[] = [];
  let cur: { start: number; end: number } | undefined;
  for (let off = 0; off + win <= pcm.length; off += win) {
    const loud = rms(pcm.subarray(off, off + win)) > threshold;
    if (loud) {
      if (cur && cur.end === off) cur.end = off + win;
      else {
        cur = { start: off, end: off + win };
        spans.push(cur);
      }
    }
  }
  return spans;
}
