/** The `deepgram` (Voice Agent) provider: capabilities, health and sessions. */
import type { Provider, ProviderDeps, ProviderSession, SessionInit } from '../provider.js';
import type { ProviderHealth } from '../../api/health.js';
import type { AudioFormat } from '../../media/audio-format.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';
import { registerSecretValue } from '../../observability/logger.js';
import { agentAudioFormat, type DeepgramAgentConfig } from './settings.js';
import { DeepgramAgentSession } from './session.js';

export function resolveDeepgramKey(configured: string): string {
  return configured || process.env.DEEPGRAM_API_KEY || '';
}

export function createDeepgramAgentProvider(name: string, config: ProviderConfig, _deps: ProviderDeps): Provider {
  if (config.type !== 'deepgram') throw new Error(`providers.${name}.type: expected deepgram, got ${config.type}`);
  const cfg: DeepgramAgentConfig = config;
  let lastError: string | undefined;
  const apiKey = () => {
    const key = resolveDeepgramKey(cfg.api_key);
    registerSecretValue(key);
    return key;
  };
  return {
    name,
    type: 'deepgram',
    kind: 'provider',
    capabilities(wire: AudioFormat) {
      const f = agentAudioFormat(cfg, wire);
      return { input: f, output: f, nativeVad: true };
    },
    health(): ProviderHealth {
      const key = apiKey();
      return {
        ready: key !== '',
        ...(key === '' ? { reason: `DEEPGRAM_API_KEY is not set (or providers.${name}.api_key)` } : {}),
        kind: 'provider',
        type: 'deepgram',
        ...(lastError ? { lastError } : {}),
      };
    },
    createSession(init: SessionInit): ProviderSession {
      const key = apiKey();
      if (!key) throw new Error(`providers.${name}: DEEPGRAM_API_KEY is not set (or providers.${name}.api_key)`);
      return new DeepgramAgentSession(cfg, { ...init, log: init.log.child({ provider: name }) }, agentAudioFormat(cfg, init.wireFormat), {
        apiKey: key,
        onError: (m) => {
          lastError = m;
        },
      });
    },
    async close() {},
  };
}
