/** The `deepgram` (Voice Agent) provider: a realtime provider whose sessions are Deepgram Agent sessions. */
import type { Provider, ProviderDeps } from '../provider.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';
import { createRealtimeProvider } from '../realtime/realtime-provider.js';
import { agentAudioFormat, type DeepgramAgentConfig } from './settings.js';
import { DeepgramAgentSession } from './session.js';

export function createDeepgramAgentProvider(name: string, config: ProviderConfig, _deps: ProviderDeps): Provider {
  if (config.type !== 'deepgram') throw new Error(`providers.${name}.type: expected deepgram, got ${config.type}`);
  const cfg: DeepgramAgentConfig = config;
  return createRealtimeProvider({
    name,
    type: 'deepgram',
    apiKey: cfg.api_key,
    keyEnv: 'DEEPGRAM_API_KEY',
    audioFormat: (wire) => agentAudioFormat(cfg, wire),
    openSession: (init, format, deps) => new DeepgramAgentSession(cfg, init, format, deps),
  });
}
