/** Local TTS: Flite (WASI) — no system dependency. */
import { synthesize, fliteSampleRate, fliteHealth } from '../../../speech/flite.js';
import type { TtsAdapter } from '../stages.js';

export function createFliteTts(config: { voice: string }): TtsAdapter {
  let rate = 16000;
  try {
    rate = fliteSampleRate(config.voice);
  } catch {
    /* reported by health() */
  }
  return {
    type: 'flite',
    format: { encoding: 'pcm16', sampleRate: rate },
    health: () => fliteHealth(config.voice),
    async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer> {
      const { pcm } = await synthesize(text, { voice: config.voice });
      if (!signal.aborted && pcm.length) yield pcm;
    },
  };
}
