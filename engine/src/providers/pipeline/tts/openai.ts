/** OpenAI speech (`/audio/speech`, response_format pcm: 24 kHz 16-bit mono), streamed. */
import OpenAI from 'openai';
import type { TtsAdapter } from '../stages.js';
import { PCM24K } from '../../../media/audio-format.js';
import { registerSecretValue } from '../../../observability/logger.js';
import { evenChunks, readStream } from './pcm-chunks.js';

export function createOpenAITts(config: { api_key: string; base_url?: string; model: string; voice: string }, where: string): TtsAdapter {
  const key = config.api_key || process.env.OPENAI_API_KEY || '';
  registerSecretValue(key);
  let client: OpenAI | undefined;
  return {
    type: 'openai',
    format: PCM24K,
    health: () => (key ? { ready: true } : { ready: false, reason: `OPENAI_API_KEY is not set (or ${where}.api_key)` }),
    async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer> {
      client ??= new OpenAI({ apiKey: key, maxRetries: 1, timeout: 30_000, ...(config.base_url ? { baseURL: config.base_url } : {}) });
      const res = await client.audio.speech.create({ model: config.model, voice: config.voice, input: text, response_format: 'pcm' }, { signal });
      if (!res.body) return;
      yield* evenChunks(readStream(res.body as ReadableStream<Uint8Array>), signal);
    },
  };
}
