/**
 * Options of each provider and pipeline stage type. The config schema
 * composes these; a provider module reads its options already validated.
 */
import { z } from 'zod';

const promptDefaults = {
  greeting: z.string().optional(),
  prompt: z.string().optional(),
};

export const echoProviderSchema = z
  .object({
    type: z.literal('echo'),
    ...promptDefaults,
    /** Tone played as the greeting, Hz. */
    tone_hz: z.number().min(50).max(4000).default(440),
    tone_ms: z.number().int().min(20).max(5000).default(400),
    /** Silence that ends a caller utterance before it is played back, ms. */
    end_silence_ms: z.number().int().min(100).max(5000).default(500),
    /** Keys that run a tool, for testing a PBX link: e.g. {"0": {tool: transfer, destination: sales_queue}, "#": {tool: hangup}, "*": {tool: voicemail}}. */
    dtmf_tools: z
      .record(z.string().regex(/^[0-9*#A-D]$/), z.object({ tool: z.enum(['transfer', 'hangup', 'voicemail']), destination: z.string().optional() }).strict())
      .default({}),
  })
  .strict();

export const openaiRealtimeSchema = z
  .object({
    type: z.literal('openai_realtime'),
    ...promptDefaults,
    api_key: z.string().default(''),
    base_url: z.string().optional(),
    /** PEM file of extra CAs to trust for the wss: connection (TLS-inspecting proxies, test fakes). */
    ca_file: z.string().optional(),
    model: z.string().default('gpt-realtime'),
    voice: z.string().default('alloy'),
    /** pcm16 at 24 kHz (resampled), or pcmu straight from a µ-law wire. */
    audio_format: z.enum(['pcm16', 'pcmu']).default('pcm16'),
    transcription_model: z.string().default('gpt-4o-mini-transcribe'),
    turn_detection: z
      .object({
        threshold: z.number().min(0).max(1).default(0.5),
        prefix_padding_ms: z.number().int().min(0).max(5000).default(300),
        silence_duration_ms: z.number().int().min(0).max(10000).default(500),
      })
      .strict()
      .default({ threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 }),
  })
  .strict();

export const deepgramAgentSchema = z
  .object({
    type: z.literal('deepgram'),
    ...promptDefaults,
    api_key: z.string().default(''),
    url: z.string().optional(),
    encoding: z.enum(['mulaw', 'linear16']).default('mulaw'),
    listen_model: z.string().default('nova-3'),
    think_provider: z.string().default('open_ai'),
    think_model: z.string().default('gpt-4o-mini'),
    speak_model: z.string().default('aura-2-thalia-en'),
  })
  .strict();

export const providerSchema = z.discriminatedUnion('type', [echoProviderSchema, openaiRealtimeSchema, deepgramAgentSchema]);
export type ProviderConfig = z.infer<typeof providerSchema>;

export const sttSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pocketsphinx'), command: z.string().default('pocketsphinx_continuous'), hmm: z.string().optional(), dict: z.string().optional(), lm: z.string().optional() }).strict(),
  z.object({ type: z.literal('deepgram'), api_key: z.string().default(''), url: z.string().optional(), model: z.string().default('nova-3') }).strict(),
  z.object({ type: z.literal('openai'), api_key: z.string().default(''), base_url: z.string().optional(), model: z.string().default('gpt-4o-mini-transcribe') }).strict(),
]);

export const llmSchema = z
  .object({
    type: z.literal('openai_compatible').default('openai_compatible'),
    base_url: z.string().optional(),
    api_key: z.string().default(''),
    model: z.string().default('gpt-4o-mini'),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).max(32000).optional(),
  })
  .strict();

export const ttsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('flite'), voice: z.string().default('kal16') }).strict(),
  z.object({ type: z.literal('openai'), api_key: z.string().default(''), base_url: z.string().optional(), model: z.string().default('gpt-4o-mini-tts'), voice: z.string().default('alloy') }).strict(),
  z.object({ type: z.literal('deepgram'), api_key: z.string().default(''), url: z.string().optional(), model: z.string().default('aura-2-thalia-en') }).strict(),
]);

export const pipelineSchema = z
  .object({
    stt: sttSchema,
    llm: llmSchema,
    tts: ttsSchema,
    greeting: z.string().optional(),
    prompt: z.string().optional(),
  })
  .strict();
export type PipelineConfig = z.infer<typeof pipelineSchema>;
