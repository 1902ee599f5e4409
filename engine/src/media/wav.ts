/**
 * WAV (RIFF/WAVE) header parsing and writing (pure). Used by recordings sync
 * (verify downloads, read duration), file playback and tests.
 */
export interface WavInfo {
  /** 1 = PCM, 6 = A-law, 7 = µ-law, 0x11 = IMA ADPCM, 0x31 = GSM 6.10, 0xFFFE = extensible */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  byteRate: number;
  /** Offset and length of the `data` chunk payload (length clipped to the buffer when the header overstates it). */
  dataOffset: number;
  dataBytes: number;
  /** Seconds, from dataBytes / byteRate. */
  durationSec: number;
}

export class WavError extends Error {
  constructor(
    readonly code: 'not_riff' | 'not_wave' | 'no_fmt' | 'no_data' | 'bad_fmt' | 'truncated',
    message: string,
  ) {
    super(message);
    this.name = 'WavError';
  }
}

/** Parses a WAV header from the start of a file. `totalBytes` is the file size when `buf` is only its head. */
export function parseWavHeader(buf: Buffer, totalBytes = buf.length): WavInfo {
  if (buf.length < 12) throw new WavError('truncated', `only ${buf.length} bytes; a WAV header needs at least 44`);
  if (buf.toString('latin1', 0, 4) !== 'RIFF') {
    const head = buf.toString('utf8', 0, Math.min(buf.length, 40)).replace(/[^\x20-\x7e]/g, '.');
    throw new WavError('not_riff', `not a RIFF file (starts with "${head}")`);
  }
  if (buf.toString('latin1', 8, 12) !== 'WAVE') throw new WavError('not_wave', 'RIFF file is not WAVE');
  let off = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'durationSec'> | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new WavError('bad_fmt', `fmt chunk of ${size} bytes is too short`);
      fmt = {
        audioFormat: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        byteRate: buf.readUInt32LE(body + 8),
        blockAlign: buf.readUInt16LE(body + 12),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
      if (fmt.channels < 1 || fmt.channels > 8 || fmt.sampleRate < 1000 || fmt.sampleRate > 384000 || fmt.byteRate === 0) {
        throw new WavError('bad_fmt', `implausible format: ${fmt.channels} channels at ${fmt.sampleRate} Hz`);
      }
    } else if (id === 'data') {
      if (!fmt) throw new WavError('no_fmt', 'data chunk before fmt chunk');
      const available = Math.max(0, totalBytes - body);
      const dataBytes = size === 0xffffffff || size > available ? available : size;
      return { ...fmt, dataOffset: body, dataBytes, durationSec: dataBytes / fmt.byteRate };
    }
    off = body + size + (size & 1);
  }
  throw new WavError(fmt ? 'no_data' : 'no_fmt', fmt ? 'no data chunk in the header' : 'no fmt chunk in the header');
}

/** A 44-byte canonical header for PCM/µ-law/A-law data. */
export function wavHeader(opts: { sampleRate: number; channels?: number; bitsPerSample?: number; audioFormat?: number; dataBytes: number }): Buffer {
  const channels = opts.channels ?? 1;
  const bits = opts.bitsPerSample ?? 16;
  const blockAlign = (channels * bits) / 8;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + opts.dataBytes, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(opts.audioFormat ?? 1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(opts.sampleRate, 24);
  h.writeUInt32LE(opts.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(opts.dataBytes, 40);
  return h;
}

/** 16-bit little-endian PCM into a complete WAV file. */
export function encodeWav(pcm: Buffer, sampleRate: number, channels = 1): Buffer {
  return Buffer.concat([wavHeader({ sampleRate, channels, dataBytes: pcm.length }), pcm]);
}

/** The PCM payload of a 16-bit PCM WAV (throws WavError for anything else). */
export function decodeWavPcm16(file: Buffer): { info: WavInfo; pcm: Buffer } {
  const info = parseWavHeader(file);
  if (info.audioFormat !== 1 || info.bitsPerSample !== 16) {
    throw new WavError('bad_fmt', `expected 16-bit PCM, got format ${info.audioFormat} with ${info.bitsPerSample} bits`);
  }
  return { info, pcm: file.subarray(info.dataOffset, info.dataOffset + info.dataBytes) };
}
