/**
 * Speaks a fixed text with the engine's own TTS (flite, no network), for when
 * the provider cannot: the tool filler, the fallback line after a provider
 * failed. Returns the audio already in the wire format.
 */
import { synthesize } from '../speech/flite.js';
import { createAudioConverter } from '../media/convert.js';
import type { AudioFormat } from '../media/audio-format.js';

/** 16-bit PCM at `sampleRate` converted to `wire` in one go. */
export async function convertPcm(pcm: Buffer, sampleRate: number, wire: AudioFormat): Promise<Buffer> {
  const conv = await createAudioConverter({ encoding: 'pcm16', sampleRate }, wire);
  try {
    return conv.convert(pcm);
  } finally {
    conv.close();
  }
}

export async function synthesizeForWire(text: string, wire: AudioFormat): Promise<Buffer> {
  const { pcm, sampleRate } = await synthesize(text);
  return convertPcm(pcm, sampleRate, wire);
}
