/**
 * G.711 µ-law and A-law (ITU-T G.711), table driven, pure. Decode tables map
 * each code byte to a 16-bit sample; encode tables map every 16-bit sample
 * (indexed as unsigned) to its code byte.
 */

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 8159;
const SEG_UEND = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const SEG_AEND = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(v: number, table: number[]): number {
  for (let i = 0; i < table.length; i++) if (v <= table[i]!) return i;
  return table.length;
}

/** One 16-bit sample to a µ-law byte (reference algorithm; the tables are built from it). */
export function linearToUlaw(sample: number): number {
  let v = sample >> 2;
  let mask: number;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  } else mask = 0xff;
  if (v > ULAW_CLIP) v = ULAW_CLIP;
  v += ULAW_BIAS >> 2;
  const seg = segment(v, SEG_UEND);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0x0f)) ^ mask;
}

/** One µ-law byte to a 16-bit sample. */
export function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & 0x0f) << 3) + ULAW_BIAS;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

/** One 16-bit sample to an A-law byte. */
export function linearToAlaw(sample: number): number {
  let v = sample >> 3;
  let mask: number;
  if (v >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, SEG_AEND);
  if (seg >= 8) return 0x7f ^ mask;
  let a = seg << 4;
  a |= seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
  return a ^ mask;
}

/** One A-law byte to a 16-bit sample. */
export function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

export const ULAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
export const ALAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));
/** Indexed by the sample as unsigned 16-bit (sample & 0xffff). */
export const ULAW_ENCODE = Uint8Array.from({ length: 65536 }, (_, i) => linearToUlaw((i << 16) >> 16));
export const ALAW_ENCODE = Uint8Array.from({ length: 65536 }, (_, i) => linearToAlaw((i << 16) >> 16));

export const ULAW_SILENCE = 0xff;
export const ALAW_SILENCE = 0xd5;

function decodeWith(table: Int16Array, codes: Buffer): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]!]!;
  return out;
}

function encodeWith(table: Uint8Array, samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i]! & 0xffff]!;
  return out;
}

export const decodeUlaw = (codes: Buffer): Int16Array => decodeWith(ULAW_DECODE, codes);
export const decodeAlaw = (codes: Buffer): Int16Array => decodeWith(ALAW_DECODE, codes);
export const encodeUlaw = (samples: Int16Array): Buffer => encodeWith(ULAW_ENCODE, samples);
export const encodeAlaw = (samples: Int16Array): Buffer => encodeWith(ALAW_ENCODE, samples);

function pcm16ToSamples(pcm: Buffer): Int16Array {
  const n = pcm.length >> 1;
  if (pcm.byteOffset % 2 === 0) return new Int16Array(pcm.buffer, pcm.byteOffset, n);
  const s = new Int16Array(n);
  for (let i = 0; i < n; i++) s[i] = pcm.readInt16LE(i * 2);
  return s;
}

function samplesToBuffer(s: Int16Array): Buffer {
  return Buffer.from(s.buffer, s.byteOffset, s.byteLength);
}

/** µ-law bytes → 16-bit little-endian PCM bytes. */
export const ulawToPcm16 = (codes: Buffer): Buffer => samplesToBuffer(decodeUlaw(codes));
export const alawToPcm16 = (codes: Buffer): Buffer => samplesToBuffer(decodeAlaw(codes));
/** 16-bit little-endian PCM bytes → µ-law bytes (a trailing odd byte is ignored). */
export const pcm16ToUlaw = (pcm: Buffer): Buffer => encodeUlaw(pcm16ToSamples(pcm));
export const pcm16ToAlaw = (pcm: Buffer): Buffer => encodeAlaw(pcm16ToSamples(pcm));
