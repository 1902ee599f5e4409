/** Deepgram Aura (`/v1/speak`) through @deepgram/sdk: linear16, 16 kHz, no container, streamed. */
import { createClient, type DeepgramClient } from '@deepgram/sdk';
import type { TtsAdapter } from '../stages.js';
import { SLIN16 } from '../../../media/audio-format.js';
import { registerSecretValue } from '../../../observability/logger.js';
import { evenChunks, readStream } from './pcm-chunks.js';

export function createDeepgramTts(config: { api_key: string; url?: string; model: string }, where: string): TtsAdapter {
  const key = config.api_key || process.env.DEEPGRAM_API_KEY || '';
  registerSecretValue(key);
  let client: DeepgramClient | undefined;
  return {
    type: 'deepgram',
    format: SLIN16,
    health: () => (key ? { ready: true } : { ready: false, reason: `DEEPGRAM_API_KEY is not set (or ${where}.api_key)` }),
    async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer> {
      client ??= createClient(key, config.url ? { global: { fetch: { options: { url: config.url } } } } : {});
      const speak = await client.speak.request({ text }, { model: config.model, encoding: 'linear16', sample_rate: SLIN16.sampleRate, container: 'none' });
      const stream = await speak.getStream();
      if (!stream) throw new Error('Deepgram speak returned no audio');
      yield* evenChunks(readStream(stream), signal);
    },
  };
}
