/** Parser throughput, resampler/codec and VAD real-time factors (single core). */
import { performance } from 'node:perf_hooks';
import { AudioSocketParser, encodeAudio, encodeUuid } from '../../engine/src/media/audiosocket/framing.js';
import { createAudioConverter } from '../../engine/src/media/convert.js';
import type { AudioFormat } from '../../engine/src/media/audio-format.js';
import { createVoiceClassifier } from '../../engine/src/media/vad/vad.js';
import { createSineGenerator, speechLike } from '../../engine/src/media/signal.js';
import { pcm16ToUlaw } from '../../engine/src/media/codecs/g711.js';
import { round } from '../lib/stats.js';

export function benchParser(totalMiB = 32, readBytes = 65536): { mib: number; readBytes: number; mbPerSec: number; framesPerSec: number } {
  const frame = encodeAudio(Buffer.alloc(320, 1));
  const n = Math.floor((totalMiB * 2 ** 20) / frame.length);
  const stream = Buffer.concat([encodeUuid('c846a027-e20e-473f-a3c7-7de13fe44f21'), ...Array.from({ length: n }, () => frame)]);
  const p = new AudioSocketParser();
  let frames = 0;
  const t0 = performance.now();
  for (let i = 0; i < stream.length; i += readBytes) p.push(stream.subarray(i, i + readBytes), () => frames++);
  const sec = (performance.now() - t0) / 1000;
  return { mib: totalMiB, readBytes, mbPerSec: round(stream.length / 1e6 / sec, 1), framesPerSec: Math.round(frames / sec) };
}

export interface RtfRow {
  path: string;
  audioSec: number;
  rtf: number;
  callsPerCore: number;
}

const fmt = (encoding: AudioFormat['encoding'], sampleRate: number): AudioFormat => ({ encoding, sampleRate });

/** Converts `audioSec` of a tone in 20 ms chunks; rtf = processing time / audio time. */
export async function benchConverter(from: AudioFormat, to: AudioFormat, audioSec = 60): Promise<RtfRow> {
  const c = await createAudioConverter(from, to);
  const gen = createSineGenerator(440, from.sampleRate);
  const chunks: Buffer[] = [];
  for (let i = 0; i < audioSec * 50; i++) {
    const pcm = gen.next(from.sampleRate / 50);
    chunks.push(from.encoding === 'ulaw' ? pcm16ToUlaw(pcm) : pcm);
  }
  const t0 = performance.now();
  for (const ch of chunks) c.convert(ch);
  const sec = (performance.now() - t0) / 1000;
  c.close();
  const rtf = sec / audioSec;
  return { path: `${from.encoding}@${from.sampleRate} → ${to.encoding}@${to.sampleRate}`, audioSec, rtf: round(rtf, 5), callsPerCore: Math.floor(1 / rtf) };
}

export async function benchVad(audioSec = 30): Promise<RtfRow> {
  const v = await createVoiceClassifier({ sampleRate: 8000, aggressiveness: 2, energyThreshold: 400 });
  const pcm = speechLike({ ms: audioSec * 1000, sampleRate: 8000 });
  const t0 = performance.now();
  for (let i = 0; i < pcm.length; i += 320) v.classify(pcm.subarray(i, i + 320));
  const sec = (performance.now() - t0) / 1000;
  v.close();
  const rtf = sec / audioSec;
  return { path: 'vad pcm16@8000 (fvad + RMS)', audioSec, rtf: round(rtf, 5), callsPerCore: Math.floor(1 / rtf) };
}

export const CONVERSIONS: Array<[AudioFormat, AudioFormat]> = [
  [fmt('pcm16', 8000), fmt('pcm16', 24000)],
  [fmt('pcm16', 24000), fmt('pcm16', 8000)],
  [fmt('pcm16', 16000), fmt('pcm16', 24000)],
  [fmt('ulaw', 8000), fmt('pcm16', 24000)],
  [fmt('pcm16', 24000), fmt('ulaw', 8000)],
  [fmt('pcm16', 8000), fmt('pcm16', 16000)],
];
