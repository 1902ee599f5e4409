/**
 * Provider and pipeline types the engine can build, by config `type`.
 * The registry (registry.ts) looks types up here. Cloud providers and
 * pipelines register themselves in this table.
 */
import type { Provider, ProviderDeps } from './provider.js';
import type { ProviderConfig, PipelineConfig } from '../config/provider-schemas.js';
import { createOpenAIRealtimeProvider } from './openai-realtime/provider.js';
import { createDeepgramAgentProvider } from './deepgram/provider.js';
import { createPipelineProvider } from './pipeline/provider.js';

export type ProviderFactory = (name: string, config: ProviderConfig, deps: ProviderDeps) => Provider;
export type PipelineFactory = (name: string, config: PipelineConfig, deps: ProviderDeps) => Provider;

/** Keyed by ProviderConfig['type'] (echo is registered by the call engine). */
export const providerFactories: Partial<Record<ProviderConfig['type'], ProviderFactory>> = {};

/** Builds a pipeline provider from `pipelines.<name>`; unset until the pipeline module lands. */
export const pipelineFactory: { create?: PipelineFactory } = {};

providerFactories.openai_realtime = createOpenAIRealtimeProvider;
providerFactories.deepgram = createDeepgramAgentProvider;
pipelineFactory.create = (name, config, deps) => createPipelineProvider(name, config, deps);
