/**
 * Pipeline providers (`pipelines.<name>`): STT + LLM + TTS adapters built
 * from config, readiness from each stage, capabilities from the stages'
 * formats (input = what the STT wants, output = what the TTS produces).
 */
import type { Provider, ProviderDeps, ProviderSession, SessionInit } from '../provider.js';
import type { ProviderHealth } from '../../api/health.js';
import type { AudioFormat } from '../../media/audio-format.js';
import type { PipelineConfig } from '../../config/provider-schemas.js';
import type { LlmAdapter, SttAdapter, TtsAdapter } from './stages.js';
import { createPocketsphinxStt } from './stt/pocketsphinx.js';
import { createDeepgramStt } from './stt/deepgram.js';
import { createOpenAIStt } from './stt/openai.js';
import { createOpenAICompatibleLlm } from './llm/openai-compatible.js';
import { createFliteTts } from './tts/flite.js';
import { createOpenAITts } from './tts/openai.js';
import { createDeepgramTts } from './tts/deepgram.js';
import { PipelineSession, type PipelineStages } from './session.js';

export function buildStt(config: PipelineConfig['stt'], where: string): SttAdapter {
  switch (config.type) {
    case 'pocketsphinx':
      return createPocketsphinxStt(config);
    case 'deepgram':
      return createDeepgramStt(config, where);
    case 'openai':
      return createOpenAIStt(config, where);
  }
}

export function buildLlm(config: PipelineConfig['llm'], where: string): LlmAdapter {
  return createOpenAICompatibleLlm(config, where);
}

export function buildTts(config: PipelineConfig['tts'], where: string): TtsAdapter {
  switch (config.type) {
    case 'flite':
      return createFliteTts(config);
    case 'openai':
      return createOpenAITts(config, where);
    case 'deepgram':
      return createDeepgramTts(config, where);
  }
}

export function createPipelineProvider(name: string, config: PipelineConfig, deps: ProviderDeps, stagesOverride?: PipelineStages): Provider {
  const where = `pipelines.${name}`;
  const stages: PipelineStages = stagesOverride ?? {
    stt: buildStt(config.stt, `${where}.stt`),
    llm: buildLlm(config.llm, `${where}.llm`),
    tts: buildTts(config.tts, `${where}.tts`),
  };
  let lastError: string | undefined;
  const type = `${stages.stt.type}+${stages.llm.type}+${stages.tts.type}`;
  return {
    name,
    type,
    kind: 'pipeline',
    capabilities(wire: AudioFormat) {
      return { input: stages.stt.format(wire), output: stages.tts.format, nativeVad: false };
    },
    health(): ProviderHealth {
      const checks = [['stt', stages.stt.health()], ['llm', stages.llm.health()], ['tts', stages.tts.health()]] as const;
      const bad = checks.find(([, h]) => !h.ready);
      return {
        ready: !bad,
        ...(bad ? { reason: `${bad[0]}: ${bad[1].reason ?? 'not ready'}` } : {}),
        kind: 'pipeline',
        type,
        ...(lastError ? { lastError } : {}),
      };
    },
    createSession(init: SessionInit): ProviderSession {
      return new PipelineSession(stages, { ...init, log: init.log.child({ pipeline: name }) }, (m) => {
        lastError = m;
      });
    },
    async close() {},
  };
}
