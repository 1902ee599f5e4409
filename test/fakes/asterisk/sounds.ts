/**
 * `sound:<name>` resolution for the fake's playbacks: a few stock sounds with
 * their real durations, plus files under `soundsDir` (<name>.wav, .sln, .sln16)
 * such as the engine's file-playback output in ai-generated/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWavHeader } from '../../../engine/src/media/wav.js';
import { pcmFromBytes, downsample2 } from './audio.js';

const STOCK_MS: Record<string, number> = { 'hello-world': 1400, 'demo-thanks': 5500, 'demo-congrats': 9000, beep: 250 };

/** A 16-bit PCM WAV (8 or 16 kHz, mono) as 8 kHz samples, for a caller to stream. */
export function readWavPcm8k(file: string): Int16Array {
  const buf = readFileSync(file);
  const info = parseWavHeader(buf);
  if (info.audioFormat !== 1 || info.bitsPerSample !== 16 || info.channels !== 1) throw new Error(`${file}: need mono 16-bit PCM`);
  const pcm = pcmFromBytes(buf.subarray(info.dataOffset, info.dataOffset + info.dataBytes));
  if (info.sampleRate === 8000) return pcm;
  if (info.sampleRate === 16000) return downsample2(pcm);
  throw new Error(`${file}: ${info.sampleRate} Hz is not 8000 or 16000`);
}

export function resolveSound(media: string, soundsDir?: string): { durationMs: number; pcm?: Int16Array } | undefined {
  const m = /^sound:(.+)$/.exec(media);
  if (!m) return undefined;
  const name = m[1]!;
  if (name in STOCK_MS) return { durationMs: STOCK_MS[name]! };
  if (!soundsDir || name.includes('..')) return undefined;
  for (const ext of ['wav', 'sln', 'sln16']) {
    const file = join(soundsDir, `${name}.${ext}`);
    if (!existsSync(file)) continue;
    const buf = readFileSync(file);
    let pcm: Int16Array;
    if (ext === 'wav') {
      const info = parseWavHeader(buf);
      if (info.audioFormat !== 1 || info.bitsPerSample !== 16) return undefined;
      pcm = pcmFromBytes(buf.subarray(info.dataOffset, info.dataOffset + info.dataBytes));
      if (info.sampleRate === 16000) pcm = downsample2(pcm);
      else if (info.sampleRate !== 8000) return undefined;
    } else {
      pcm = pcmFromBytes(buf);
      if (ext === 'sln16') pcm = downsample2(pcm);
    }
    return { durationMs: (pcm.length / 8000) * 1000, pcm };
  }
  return undefined;
}
