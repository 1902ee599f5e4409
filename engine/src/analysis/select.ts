/** Picks the transcriber and the optional LLM reviewer from the `recordings:` config and the secret store. */
import type { SecretStore } from '../secrets/secret-store.js';
import type { AgentConfig } from '../config/schema.js';
import { localTranscriber, deepgramTranscriber, openaiTranscriber, type Transcriber } from './transcribers.js';
import type { LlmOptions } from './llm-summary.js';

/** The part of `recordings:` that says how recordings are analysed. */
export type AnalysisConfig = Pick<AgentConfig['recordings'], 'transcriber' | 'sentiment' | 'analysis'>;

function key(explicit: string | undefined, secrets: SecretStore, name: string): string | undefined {
  return explicit || secrets.get(name) || process.env[name] || undefined;
}

/** A transcriber that fails every job with the configuration problem (so the job says why). */
function misconfigured(name: Transcriber['name'], message: string): Transcriber {
  return {
    name,
    transcribe: () => Promise.reject(new Error(message)),
  };
}

export function selectTranscriber(cfg: AnalysisConfig, secrets: SecretStore): Transcriber | undefined {
  const a = cfg.analysis;
  switch (cfg.transcriber) {
    case 'none':
      return undefined;
    case 'local':
      return localTranscriber();
    case 'deepgram': {
      const k = key(a?.deepgram_api_key, secrets, 'DEEPGRAM_API_KEY');
      if (!k) return misconfigured('deepgram', 'recordings.analysis.deepgram_api_key: not set (nor DEEPGRAM_API_KEY in the secret store or environment)');
      return deepgramTranscriber({ apiKey: k, baseUrl: a?.deepgram_url, model: a?.deepgram_model ?? 'nova-3' });
    }
    case 'openai': {
      // A self-hosted OpenAI-compatible server (openai_base_url) gets only its own key, if any: the
      // OpenAI key from the secret store or environment never goes to it. The SDK needs a non-empty one.
      const k = a?.openai_base_url ? a.openai_api_key || undefined : key(a?.openai_api_key, secrets, 'OPENAI_API_KEY');
      if (!k && !a?.openai_base_url) return misconfigured('openai', 'recordings.analysis.openai_api_key: not set (nor OPENAI_API_KEY in the secret store or environment), and no openai_base_url of a server that needs none');
      return openaiTranscriber({ apiKey: k ?? 'no-key', baseUrl: a?.openai_base_url, model: a?.openai_model ?? 'whisper-1' });
    }
  }
}

/** LLM review when `sentiment: llm` or `analysis.llm_summary: true`; throws (path-named) when its key is missing. */
export function selectLlm(cfg: AnalysisConfig, secrets: SecretStore): LlmOptions | undefined {
  const a = cfg.analysis;
  if (cfg.sentiment !== 'llm' && !a?.llm_summary) return undefined;
  const k = key(a?.llm_api_key, secrets, 'OPENAI_API_KEY');
  if (!k) throw new Error('recordings.analysis.llm_api_key: not set (nor OPENAI_API_KEY), but recordings.sentiment is "llm" or llm_summary is on');
  return { apiKey: k, baseUrl: a?.llm_base_url, model: a?.llm_model ?? 'gpt-4o-mini' };
}
