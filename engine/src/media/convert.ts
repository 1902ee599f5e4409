/**
 * Per-call audio conversion between wire and provider formats: G.711 decode,
 * stateful band-limited resampling, G.711 encode. One converter per direction
 * per call (it carries resampler state and a half-sample across chunks).
 */
import type { AudioFormat } from './audio-format.js';
import { sameFormat } from './audio-format.js';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from './codecs/g711.js';
import { createResampler, type Resampler, type ResamplerOptions } from './codecs/resampler.js';

export interface AudioConverter {
  readonly from: AudioFormat;
  readonly to: AudioFormat;
  /** Converts one chunk (any length; a trailing odd pcm16 byte is kept for the next chunk). */
  convert(buf: Buffer): Buffer;
  /** Frees the WASM resampler state. */
  close(): void;
}

function describe(f: AudioFormat): string {
  return `${f.encoding}@${f.sampleRate}`;
}

export async function createAudioConverter(from: AudioFormat, to: AudioFormat, opts: ResamplerOptions = {}): Promise<AudioConverter> {
  for (const f of [from, to]) {
    if (!['pcm16', 'ulaw', 'alaw'].includes(f.encoding)) throw new Error(`convert: unsupported encoding "${f.encoding}"`);
  }
  if (sameFormat(from, to)) {
    return { from, to, convert: (b) => b, close: () => undefined };
  }
  const resampler: Resampler | undefined = from.sampleRate !== to.sampleRate ? await createResampler(from.sampleRate, to.sampleRate, opts) : undefined;
  let carry: number | undefined;
  let closed = false;

  function decode(buf: Buffer): Int16Array {
    if (from.encoding === 'ulaw') return decodeUlaw(buf);
    if (from.encoding === 'alaw') return decodeAlaw(buf);
    let b = buf;
    if (carry !== undefined) {
      b = Buffer.allocUnsafe(buf.length + 1);
      b[0] = carry;
      buf.copy(b, 1);
      carry = undefined;
    }
    const n = b.length >> 1;
    if (b.length & 1) carry = b[b.length - 1];
    if (b.byteOffset % 2 === 0) return new Int16Array(b.buffer, b.byteOffset, n);
    const s = new Int16Array(n);
    for (let i = 0; i < n; i++) s[i] = b.readInt16LE(i * 2);
    return s;
  }

  function encode(s: Int16Array): Buffer {
    if (to.encoding === 'ulaw') return encodeUlaw(s);
    if (to.encoding === 'alaw') return encodeAlaw(s);
    // The samples are a fresh array (decoder or resampler output), never WASM memory.
    return Buffer.from(s.buffer, s.byteOffset, s.byteLength);
  }

  return {
    from,
    to,
    convert(buf: Buffer): Buffer {
      if (closed) throw new Error(`convert ${describe(from)} → ${describe(to)}: used after close()`);
      const samples = decode(buf);
      return encode(resampler ? resampler.process(samples) : samples);
    },
    close(): void {
      closed = true;
      resampler?.close();
    },
  };
}
