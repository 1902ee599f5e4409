/**
 * Speaks a fixed text with the engine's own TTS (flite, no network), for when
 * the provider cannot: e.g. the on_provider_failure message after a cloud
 * provider died. Returns the audio already in the wire format.
 */
import { synthesize } from '../speech/flite.js';
import { createAudioConverter } from '../media/convert.js';
import type { AudioFormat } from '../media/audio-format.js';

export async function synthesizeForWire(text: string, wire: AudioFormat): Promise<Buffer> {
  const { pcm, sampleRate } = await synthesize(text);
  const conv = await createAudioConverter({ encoding: 'pcm16', sampleRate }, wire);
  try {
    return conv.convert(pcm);
  } finally {
    conv.close();
  }
}
