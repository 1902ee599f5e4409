/** Caller speech for pipeline scenarios: flite speech at 8 kHz, then silence so the engine's VAD ends the turn. */
import { synthesize } from '../../engine/src/speech/flite.js';
import { createAudioConverter } from '../../engine/src/media/convert.js';
import { SLIN16, SLIN8 } from '../../engine/src/media/audio-format.js';
import { concatPcm, silence } from '../fakes/asterisk/index.js';

export async function speech8k(text: string, opts: { voice?: string; trailingSilenceMs?: number } = {}): Promise<Int16Array> {
  const { pcm } = await synthesize(text, { voice: opts.voice ?? 'kal16' });
  const conv = await createAudioConverter(SLIN16, SLIN8);
  const out = conv.convert(pcm);
  conv.close();
  const samples = new Int16Array(out.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = out.readInt16LE(i * 2);
  return concatPcm([samples, silence(opts.trailingSilenceMs ?? 1200)]);
}
