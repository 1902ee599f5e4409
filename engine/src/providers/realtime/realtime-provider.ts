/**
 * The shape every realtime provider shares (one speech-to-speech agent per call over one WebSocket: OpenAI
 * Realtime, Deepgram Voice Agent): the API key from the config or the environment (scrubbed from logs), health
 * that says which key is missing, the last session error, capabilities with the provider's own turn-taking
 * (`nativeVad`), and sessions logged under the provider's name. Each provider brings its audio format and session.
 */
import type { Provider, ProviderSession, SessionInit } from '../provider.js';
import type { ProviderHealth } from '../../api/health.js';
import type { AudioFormat } from '../../media/audio-format.js';
import { registerSecretValue } from '../../observability/logger.js';

/** What a realtime session gets from its provider. */
export interface RealtimeSessionDeps {
  apiKey: string;
  /** The session failed: the message becomes the provider's `lastError` in /health. */
  onError(message: string): void;
}

export interface RealtimeProviderSpec {
  /** The `providers.<name>` key. */
  name: string;
  type: 'openai_realtime' | 'deepgram';
  /** `providers.<name>.api_key`; empty means the environment variable `keyEnv`. */
  apiKey: string;
  keyEnv: 'OPENAI_API_KEY' | 'DEEPGRAM_API_KEY';
  /** The format the provider speaks and hears for a call whose wire format is `wire`. */
  audioFormat(wire: AudioFormat): AudioFormat;
  openSession(init: SessionInit, format: AudioFormat, deps: RealtimeSessionDeps): ProviderSession;
}

export function createRealtimeProvider(spec: RealtimeProviderSpec): Provider {
  const { name, type, keyEnv } = spec;
  let lastError: string | undefined;
  const apiKey = () => {
    const key = spec.apiKey || process.env[keyEnv] || '';
    registerSecretValue(key);
    return key;
  };
  return {
    name,
    type,
    kind: 'provider',
    capabilities(wire: AudioFormat) {
      const f = spec.audioFormat(wire);
      return { input: f, output: f, nativeVad: true };
    },
    health(): ProviderHealth {
      const key = apiKey();
      return {
        ready: key !== '',
        ...(key === '' ? { reason: `${keyEnv} is not set (or providers.${name}.api_key)` } : {}),
        kind: 'provider',
        type,
        ...(lastError ? { lastError } : {}),
      };
    },
    createSession(init: SessionInit): ProviderSession {
      const key = apiKey();
      if (!key) throw new Error(`providers.${name}: ${keyEnv} is not set (or providers.${name}.api_key)`);
      return spec.openSession({ ...init, log: init.log.child({ provider: name }) }, spec.audioFormat(init.wireFormat), {
        apiKey: key,
        onError: (m) => {
          lastError = m;
        },
      });
    },
    async close() {},
  };
}
