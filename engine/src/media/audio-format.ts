/** Audio formats as data. Units: sampleRate in Hz, frame durations in ms, sizes in bytes. */
export type AudioEncoding = 'pcm16' | 'ulaw' | 'alaw';

export interface AudioFormat {
  encoding: AudioEncoding;
  /** Hz */
  sampleRate: number;
}

export const SLIN8: AudioFormat = { encoding: 'pcm16', sampleRate: 8000 };
export const SLIN16: AudioFormat = { encoding: 'pcm16', sampleRate: 16000 };
export const ULAW8: AudioFormat = { encoding: 'ulaw', sampleRate: 8000 };
export const PCM24K: AudioFormat = { encoding: 'pcm16', sampleRate: 24000 };
export const ALAW8: AudioFormat = { encoding: 'alaw', sampleRate: 8000 };

export const FRAME_MS = 20;

/** Bytes in one 20 ms frame: 320 for slin8, 640 for slin16, 160 for µ-law/A-law 8 kHz. */
export function frameBytes(f: AudioFormat, ms = FRAME_MS): number {
  const samples = (f.sampleRate * ms) / 1000;
  return f.encoding === 'pcm16' ? samples * 2 : samples;
}

export function bytesToMs(f: AudioFormat, bytes: number): number {
  const bytesPerSample = f.encoding === 'pcm16' ? 2 : 1;
  return (bytes / bytesPerSample / f.sampleRate) * 1000;
}

export function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.encoding === b.encoding && a.sampleRate === b.sampleRate;
}
