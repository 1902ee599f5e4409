/** The `openai_realtime` provider: a realtime provider whose sessions are OpenAI Realtime sessions. */
import type { Provider, ProviderDeps } from '../provider.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';
import { createRealtimeProvider } from '../realtime/realtime-provider.js';
import { realtimeAudioFormat, type OpenAIRealtimeConfig } from './session-config.js';
import { OpenAIRealtimeSession } from './session.js';

export function createOpenAIRealtimeProvider(name: string, config: ProviderConfig, _deps: ProviderDeps): Provider {
  if (config.type !== 'openai_realtime') throw new Error(`providers.${name}.type: expected openai_realtime, got ${config.type}`);
  const cfg: OpenAIRealtimeConfig = config;
  return createRealtimeProvider({
    name,
    type: 'openai_realtime',
    apiKey: cfg.api_key,
    keyEnv: 'OPENAI_API_KEY',
    audioFormat: (wire) => realtimeAudioFormat(cfg, wire),
    openSession: (init, format, deps) => new OpenAIRealtimeSession(cfg, init, format, deps),
  });
}
