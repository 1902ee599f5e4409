/**
 * The fallback line the caller hears when the provider fails: a configured
 * sound file (a 16-bit PCM WAV on the engine's machine, mono) or the message
 * spoken with the engine's own TTS (flite, no network), in the call's wire
 * format. Prepared when a conversation starts and kept per text/file and
 * format, so at the moment of failure it is ready to play.
 */
import { readFile, stat } from 'node:fs/promises';
import type { AudioFormat } from '../media/audio-format.js';
import { decodeWavPcm16 } from '../media/wav.js';
import type { Logger } from '../observability/logger.js';
import { synthesize } from '../speech/flite.js';
import { createAudioConverter } from '../media/convert.js';

export interface FallbackLine {
  /** Spoken with the local TTS when there is no sound file (or it cannot be read); empty = no line. */
  message: string;
  /** Path of a WAV file played instead of the message. */
  sound?: string;
}

/** 16-bit PCM at `sampleRate` converted to `wire` in one go. */
async function convertPcm(pcm: Buffer, sampleRate: number, wire: AudioFormat): Promise<Buffer> {
  const conv = await createAudioConverter({ encoding: 'pcm16', sampleRate }, wire);
  try {
    return conv.convert(pcm);
  } finally {
    conv.close();
  }
}

const MAX_ENTRIES = 16;
/** Decoded sound files and synthesized lines as 16-bit PCM, by file (and mtime) or text. */
const sources = new Map<string, Promise<Pcm>>();
interface Pcm {
  pcm: Buffer;
  sampleRate: number;
}

function remember(key: string, make: () => Promise<Pcm>): Promise<Pcm> {
  const hit = sources.get(key);
  if (hit) return hit;
  const p = make();
  sources.set(key, p);
  p.catch(() => sources.delete(key));
  while (sources.size > MAX_ENTRIES) sources.delete(sources.keys().next().value!);
  return p;
}

/** A mono 16-bit PCM WAV; errors name on_provider_failure.sound. */
async function soundFile(path: string): Promise<Pcm> {
  let mtime: number;
  try {
    mtime = (await stat(path)).mtimeMs;
  } catch (err) {
    throw new Error(`on_provider_failure.sound: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return remember(`sound|${path}|${mtime}`, async () => {
    const { info, pcm } = decodeWavPcm16(await readFile(path));
    if (info.channels !== 1) throw new Error(`on_provider_failure.sound: ${path} has ${info.channels} channels; use a mono WAV`);
    return { pcm, sampleRate: info.sampleRate };
  });
}

/** Flite starts and ends its speech with a few hundred ms of silence: cut to 20 ms, so the line starts at once. */
function trimSilence(pcm: Buffer, sampleRate: number, threshold = 200): Buffer {
  const n = pcm.length >> 1;
  const loud = (i: number) => Math.abs(pcm.readInt16LE(i * 2)) > threshold;
  let first = 0;
  while (first < n && !loud(first)) first++;
  let last = n - 1;
  while (last > first && !loud(last)) last--;
  if (first >= n) return pcm;
  const margin = Math.round(sampleRate * 0.02);
  return pcm.subarray(Math.max(0, first - margin) * 2, Math.min(n, last + 1 + margin) * 2);
}

const spoken = (text: string): Promise<Pcm> =>
  remember(`tts|${text}`, async () => {
    const { pcm, sampleRate } = await synthesize(text);
    return { pcm: trimSilence(pcm, sampleRate), sampleRate };
  });

/** Starts reading or synthesizing the line in the background, so a failure early in a call finds it ready. */
export function warmFallback(line: FallbackLine): void {
  const p = line.sound ? soundFile(line.sound) : line.message.trim() ? spoken(line.message.trim()) : undefined;
  p?.catch(() => undefined);
}

/** The fallback line's audio in `wire` format (empty when there is nothing to say). */
export async function fallbackAudio(line: FallbackLine, wire: AudioFormat, log: Logger): Promise<{ audio: Buffer; text?: string }> {
  if (line.sound) {
    try {
      const { pcm, sampleRate } = await soundFile(line.sound);
      return { audio: await convertPcm(pcm, sampleRate, wire) };
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'fallback sound file unusable; speaking on_provider_failure.message instead');
    }
  }
  const text = line.message.trim();
  if (!text) return { audio: Buffer.alloc(0) };
  const { pcm, sampleRate } = await spoken(text);
  return { audio: await convertPcm(pcm, sampleRate, wire), text };
}
