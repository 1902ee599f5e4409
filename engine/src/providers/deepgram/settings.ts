/** The Deepgram Voice Agent `Settings` message and audio format choice (pure). */
import type { AudioFormat } from '../../media/audio-format.js';
import { ULAW8 } from '../../media/audio-format.js';
import type { ToolSpec } from '../../tools/tool.js';
import type { HistoryItem } from '../provider.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';

export type DeepgramAgentConfig = Extract<ProviderConfig, { type: 'deepgram' }>;

/** µ-law 8 kHz, or linear16 at the wire's rate (8 or 16 kHz) so slin wires need no resampling. */
export function agentAudioFormat(config: Pick<DeepgramAgentConfig, 'encoding'>, wire: AudioFormat): AudioFormat {
  if (config.encoding === 'mulaw') return ULAW8;
  return { encoding: 'pcm16', sampleRate: wire.encoding === 'pcm16' ? wire.sampleRate : 8000 };
}

/** `history`: the conversation so far, for a session that resumes a call (agent.context.messages). */
export function buildAgentSettings(config: DeepgramAgentConfig, opts: { instructions: string; greeting: string; tools: ToolSpec[]; format: AudioFormat; history?: HistoryItem[] }) {
  const messages = (opts.history ?? []).map((h) => ({ type: 'History', role: h.role === 'caller' ? 'user' : 'assistant', content: h.text }));
  const encoding = opts.format.encoding === 'ulaw' ? 'mulaw' : 'linear16';
  return {
    audio: {
      input: { encoding, sample_rate: opts.format.sampleRate },
      output: { encoding, sample_rate: opts.format.sampleRate, container: 'none' },
    },
    agent: {
      language: 'en',
      listen: { provider: { type: 'deepgram', model: config.listen_model } },
      think: {
        provider: { type: config.think_provider, model: config.think_model },
        prompt: opts.instructions,
        ...(opts.tools.length ? { functions: opts.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })) } : {}),
      },
      speak: { provider: { type: 'deepgram', model: config.speak_model } },
      ...(messages.length ? { context: { messages } } : {}),
      ...(opts.greeting.trim() ? { greeting: opts.greeting } : {}),
    },
  };
}

export const KEEPALIVE_INTERVAL_MS = 10_000;
