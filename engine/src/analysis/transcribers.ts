/**
 * Batch transcription adapters for recordings. Each returns time-aligned
 * segments with a speaker: stereo recordings are split so each channel is
 * one speaker; mono ones rely on the service's diarization when it has one.
 *
 * - local: pocketsphinx (engine/src/speech), audio upsampled to 16 kHz. Linear
 *   interpolation on purpose: pocketsphinx's 16 kHz en-us model recognised
 *   8 kHz speech better with its spectral images than after the band-limited
 *   media converter (measured on flite speech: all words vs. half of them).
 * - deepgram: pre-recorded API with diarization and utterances.
 * - openai: transcriptions with verbose_json segment timestamps.
 */
import { createClient } from '@deepgram/sdk';
import OpenAI, { toFile } from 'openai';
import type { TranscriptSegment } from '../api/recordings.js';
import { decodeWavPcm16, encodeWav, type WavInfo } from '../media/wav.js';
import { createStreamingRecognizer, POCKETSPHINX_SAMPLE_RATE, type PocketsphinxOptions, type Utterance } from '../speech/pocketsphinx.js';
import { splitChannels, resamplePcm16 } from './pcm.js';

export interface TranscribeInput {
  /** The whole WAV file. */
  wav: Buffer;
  info: WavInfo;
}

export interface Transcriber {
  readonly name: 'local' | 'deepgram' | 'openai';
  transcribe(input: TranscribeInput, signal?: AbortSignal): Promise<TranscriptSegment[]>;
}

/** Speaker label of channel `c` of a stereo recording, or of Deepgram's diarized speaker `n`. */
const speakerLabel = (n: number): string => `speaker ${n + 1}`;

function channelsOf(input: TranscribeInput): { pcm: Buffer; sampleRate: number; speaker: string }[] {
  const { info, pcm } = decodeWavPcm16(input.wav);
  return splitChannels(pcm, info.channels).map((ch, c) => ({ pcm: ch, sampleRate: info.sampleRate, speaker: speakerLabel(c) }));
}

/** One recognizer process over a whole 16 kHz buffer; an abort kills it (engine stop). */
async function recognize(pcm16k: Buffer, opts: PocketsphinxOptions, signal?: AbortSignal): Promise<Utterance[]> {
  if (signal?.aborted) throw new Error('transcription cancelled');
  const utterances: Utterance[] = [];
  let failure: Error | undefined;
  const rec = createStreamingRecognizer({ utterance: (u) => utterances.push(u), error: (e) => (failure ??= e) }, opts);
  const onAbort = () => rec.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    rec.write(pcm16k);
    await rec.end();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw new Error('transcription cancelled');
  if (failure) throw failure;
  return utterances;
}

export function localTranscriber(opts: PocketsphinxOptions = {}): Transcriber {
  return {
    name: 'local',
    async transcribe(input, signal) {
      // One recognizer process per channel, side by side (a stereo call uses two cores).
      const perChannel = await Promise.all(
        channelsOf(input).map(async (ch) => {
          const utterances = await recognize(resamplePcm16(ch.pcm, ch.sampleRate, POCKETSPHINX_SAMPLE_RATE), opts, signal);
          return utterances.filter((u) => u.text.trim()).map((u) => ({ startSec: u.startSec, endSec: u.endSec, speaker: ch.speaker, text: u.text.trim() }));
        }),
      );
      return perChannel.flat().sort((a, b) => a.startSec - b.startSec);
    },
  };
}

export interface CloudOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
}

export function deepgramTranscriber(o: CloudOptions): Transcriber {
  const client = createClient(o.apiKey, o.baseUrl ? { global: { fetch: { options: { url: o.baseUrl } } } } : {});
  return {
    name: 'deepgram',
    async transcribe(input) {
      const stereo = input.info.channels > 1;
      const { result, error } = await client.listen.prerecorded.transcribeFile(input.wav, {
        model: o.model,
        punctuate: true,
        smart_format: true,
        utterances: true,
        diarize: !stereo,
        multichannel: stereo,
      });
      if (error) throw new Error(`deepgram: ${error.message}`);
      const utts = result?.results?.utterances ?? [];
      return utts
        .filter((u) => u.transcript.trim())
        .map((u) => ({ startSec: u.start, endSec: u.end, speaker: speakerLabel(stereo ? u.channel : (u.speaker ?? 0)), text: u.transcript.trim() }))
        .sort((a, b) => a.startSec - b.startSec);
    },
  };
}

/** verbose_json (segment timestamps) is a whisper-1 feature; the gpt-4o transcribe models refuse it. */
function supportsVerboseJson(model: string): boolean {
  return !/^gpt-4o/.test(model);
}

export function openaiTranscriber(o: CloudOptions): Transcriber {
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseUrl, maxRetries: 1 });
  return {
    name: 'openai',
    async transcribe(input, signal) {
      const out: TranscriptSegment[] = [];
      for (const ch of channelsOf(input)) {
        const file = await toFile(encodeWav(ch.pcm, ch.sampleRate), 'recording.wav', { type: 'audio/wav' });
        if (!supportsVerboseJson(o.model)) {
          // gpt-4o(-mini)-transcribe answer only json/text: one untimed segment per channel.
          const res = await client.audio.transcriptions.create({ file, model: o.model, response_format: 'json' }, { signal });
          const text = res.text.trim();
          if (text) out.push({ startSec: 0, endSec: ch.pcm.length / 2 / ch.sampleRate, speaker: ch.speaker, text });
          continue;
        }
        const res = await client.audio.transcriptions.create(
          { file, model: o.model, response_format: 'verbose_json', timestamp_granularities: ['segment'] },
          { signal },
        );
        const segs = (res as { segments?: { start: number; end: number; text: string }[] }).segments ?? [];
        for (const s of segs) if (s.text.trim()) out.push({ startSec: s.start, endSec: s.end, speaker: ch.speaker, text: s.text.trim() });
      }
      return out.sort((a, b) => a.startSec - b.startSec);
    },
  };
}
