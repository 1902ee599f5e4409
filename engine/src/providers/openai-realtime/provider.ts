/** The `openai_realtime` provider: capabilities, health and sessions. */
import type { Provider, ProviderDeps, ProviderSession, SessionInit } from '../provider.js';
import type { ProviderHealth } from '../../api/health.js';
import type { AudioFormat } from '../../media/audio-format.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';
import { registerSecretValue } from '../../observability/logger.js';
import { realtimeAudioFormat, type OpenAIRealtimeConfig } from './session-config.js';
import { OpenAIRealtimeSession } from './session.js';

export function resolveOpenAIKey(configured: string): string {
  return configured || process.env.OPENAI_API_KEY || '';
}

export function createOpenAIRealtimeProvider(name: string, config: ProviderConfig, _deps: ProviderDeps): Provider {
  if (config.type !== 'openai_realtime') throw new Error(`providers.${name}.type: expected openai_realtime, got ${config.type}`);
  const cfg: OpenAIRealtimeConfig = config;
  let lastError: string | undefined;
  const apiKey = () => {
    const key = resolveOpenAIKey(cfg.api_key);
    registerSecretValue(key);
    return key;
  };
  return {
    name,
    type: 'openai_realtime',
    kind: 'provider',
    capabilities(wire: AudioFormat) {
      const f = realtimeAudioFormat(cfg, wire);
      return { input: f, output: f, nativeVad: true };
    },
    health(): ProviderHealth {
      const key = apiKey();
      return {
        ready: key !== '',
        ...(key === '' ? { reason: `OPENAI_API_KEY is not set (or providers.${name}.api_key)` } : {}),
        kind: 'provider',
        type: 'openai_realtime',
        ...(lastError ? { lastError } : {}),
      };
    },
    createSession(init: SessionInit): ProviderSession {
      const key = apiKey();
      if (!key) throw new Error(`providers.${name}: OPENAI_API_KEY is not set (or providers.${name}.api_key)`);
      const format = realtimeAudioFormat(cfg, init.wireFormat);
      return new OpenAIRealtimeSession(cfg, { ...init, log: init.log.child({ provider: name }) }, format, {
        apiKey: key,
        onError: (m) => {
          lastError = m;
        },
      });
    },
    async close() {},
  };
}
