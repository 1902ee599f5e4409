/**
 * Deepgram streaming STT (`/v1/listen` WebSocket) through @deepgram/sdk:
 * audio streams continuously; final Results are collected; at local end of
 * speech a Finalize flushes the turn and the from_finalize result closes it.
 */
import { createClient, LiveTranscriptionEvents, type ListenLiveClient } from '@deepgram/sdk';
import WebSocket from 'ws';
import type { AudioFormat } from '../../../media/audio-format.js';
import { registerSecretValue } from '../../../observability/logger.js';
import type { SttAdapter, SttStream } from '../stages.js';
import { wakeableWait } from './wakeable-wait.js';

const FINALIZE_TIMEOUT_MS = 2000;
const KEEPALIVE_MS = 8000;

interface Results {
  is_final?: boolean;
  from_finalize?: boolean;
  channel?: { alternatives?: Array<{ transcript?: string }> };
}

/** http(s) → ws(s), for the websocket side of a configured REST url. */
function toWsUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

export function createDeepgramStt(config: { api_key: string; url?: string; model: string }, where: string): SttAdapter {
  const key = config.api_key || process.env.DEEPGRAM_API_KEY || '';
  registerSecretValue(key);
  const format = (wire: AudioFormat): AudioFormat => ({ encoding: 'pcm16', sampleRate: wire.encoding === 'pcm16' ? wire.sampleRate : 8000 });
  return {
    type: 'deepgram',
    format,
    health: () => (key ? { ready: true } : { ready: false, reason: `DEEPGRAM_API_KEY is not set (or ${where}.api_key)` }),
    open(log, wire, onFatal): SttStream {
      const f = format(wire);
      const client = createClient(key, {
        global: { websocket: { client: WebSocket as never, ...(config.url ? { options: { url: toWsUrl(config.url) } } : {}) } },
      });
      const live: ListenLiveClient = client.listen.live({ model: config.model, encoding: 'linear16', sample_rate: f.sampleRate, channels: 1, punctuate: true, smart_format: true, interim_results: false });
      let finals: string[] = [];
      let waiter: (() => void) | undefined;
      let closed = false;
      const keepAlive = setInterval(() => live.keepAlive(), KEEPALIVE_MS);
      live.on(LiveTranscriptionEvents.Transcript, (r: Results) => {
        const text = r.channel?.alternatives?.[0]?.transcript?.trim() ?? '';
        if (r.is_final && text) finals.push(text);
        if (r.from_finalize) waiter?.();
      });
      live.on(LiveTranscriptionEvents.Error, (e: { message?: string }) => log.warn({ err: e?.message }, 'Deepgram listen error'));
      live.on(LiveTranscriptionEvents.Close, (e: { code?: number }) => {
        clearInterval(keepAlive);
        waiter?.();
        if (!closed) {
          closed = true;
          onFatal(new Error(`Deepgram listen connection closed (code ${e?.code ?? '?'})`));
        }
      });
      return {
        write(audio) {
          if (!closed) live.send(audio as unknown as ArrayBuffer);
        },
        speechStarted() {},
        async finalize(signal) {
          if (closed || signal.aborted) return '';
          const finalized = wakeableWait(FINALIZE_TIMEOUT_MS, signal, (wake) => (waiter = wake));
          live.finalize();
          await finalized;
          if (signal.aborted) return ''; // kept for the next turn
          const text = finals.join(' ').trim();
          finals = [];
          return text;
        },
        async close() {
          closed = true;
          clearInterval(keepAlive);
          waiter?.();
          try {
            live.requestClose();
          } catch {
            /* already closed */
          }
          const conn = live.conn as unknown as WebSocket | null;
          live.disconnect();
          conn?.terminate?.();
        },
      };
    },
  };
}
