/**
 * OpenAI transcription (`/audio/transcriptions`) per turn: audio from local
 * speech start (with a short pre-roll) to end of speech, uploaded as WAV.
 */
import OpenAI, { toFile } from 'openai';
import { SLIN16, bytesToMs } from '../../../media/audio-format.js';
import { encodeWav } from '../../../media/wav.js';
import { registerSecretValue } from '../../../observability/logger.js';
import type { SttAdapter, SttStream } from '../stages.js';

const PREROLL_MS = 300;
const MIN_TURN_MS = 100;

export function createOpenAIStt(config: { api_key: string; base_url?: string; model: string }, where: string): SttAdapter {
  const key = config.api_key || process.env.OPENAI_API_KEY || '';
  registerSecretValue(key);
  let client: OpenAI | undefined;
  return {
    type: 'openai',
    format: () => SLIN16,
    health: () => (key ? { ready: true } : { ready: false, reason: `OPENAI_API_KEY is not set (or ${where}.api_key)` }),
    open(): SttStream {
      client ??= new OpenAI({ apiKey: key, maxRetries: 1, timeout: 30_000, ...(config.base_url ? { baseURL: config.base_url } : {}) });
      const c = client;
      let preroll: Buffer[] = [];
      let prerollMs = 0;
      let turn: Buffer[] | undefined;
      return {
        write(audio) {
          if (turn) {
            turn.push(audio);
            return;
          }
          preroll.push(audio);
          prerollMs += bytesToMs(SLIN16, audio.length);
          while (prerollMs > PREROLL_MS && preroll.length > 1) prerollMs -= bytesToMs(SLIN16, preroll.shift()!.length);
        },
        speechStarted() {
          turn ??= preroll;
          preroll = [];
          prerollMs = 0;
        },
        async finalize(signal) {
          const pcm = Buffer.concat(turn ?? []);
          turn = undefined;
          if (bytesToMs(SLIN16, pcm.length) < MIN_TURN_MS) return '';
          const file = await toFile(encodeWav(pcm, SLIN16.sampleRate), 'turn.wav', { type: 'audio/wav' });
          // An aborted turn (the caller went on speaking) hands its audio to the next one.
          const keep = () => {
            turn?.unshift(pcm);
            return '';
          };
          if (signal.aborted) return keep();
          try {
            const res = await c.audio.transcriptions.create({ file, model: config.model, response_format: 'json' }, { signal });
            return res.text.trim();
          } catch (err) {
            if (signal.aborted) return keep();
            throw err;
          }
        },
        async close() {
          turn = undefined;
          preroll = [];
        },
      };
    },
  };
}
