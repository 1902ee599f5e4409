/**
 * The shape of config/ai-agent.yaml, after ${ENV} expansion. Every error
 * names the YAML path (see format-issues.ts).
 */
import { z } from 'zod';
import { providerSchema, pipelineSchema } from './provider-schemas.js';
import { failoverReferenceIssues, failoverSchema, onProviderFailureSchema, PROVIDER_FAILURE_DEFAULT } from './failover-schema.js';
import { contextVoicemailSchema, fillerSchema, FILLER_DEFAULT, httpToolSchema, mcpServerSchema, MCP_SERVER_RE, TOOL_NAME_RE, toolReferenceIssues, voicemailTargetSchema, VOICEMAIL_TARGET_DEFAULT, webhooksSchema } from './integrations-schema.js';

const port = z.coerce.number().int().min(1).max(65535);
/** A listening port; 0 picks a free one (tests). */
const listenPort = z.coerce.number().int().min(0).max(65535);
const nonEmpty = z.string().min(1);

const contextSchema = z
  .object({
    greeting: z.string().optional(),
    prompt: z.string().optional(),
    provider: z.string().optional(),
    tools: z.array(z.string()).default([]),
    /** Number/extension that reaches this context (softphone destinations, dialplan docs). */
    destination: z.string().optional(),
    /** The mailbox the `voicemail` tool sends callers of this context to. */
    voicemail: contextVoicemailSchema.optional(),
    /** Where this context's calls go when the provider fails (default: on_provider_failure.failover). */
    failover: failoverSchema.optional(),
  })
  .strict();

const portRange = z
  .string()
  .regex(/^\d{1,5}[-:]\d{1,5}$/, 'use "start-end", e.g. "18080-18099"')
  .transform((s, ctx) => {
    const [a, b] = s.split(/[-:]/).map(Number) as [number, number];
    if (a < 1 || b > 65535 || a > b) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a valid port range (start ≤ end, 1–65535)` });
      return z.NEVER;
    }
    return { start: a, end: b };
  });

const transferDestinationSchema = z
  .object({
    type: z.enum(['extension', 'queue', 'ring_group']),
    target: nonEmpty,
    context: z.string().default('from-internal'),
    priority: z.coerce.number().int().min(1).default(1),
    description: z.string().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    default_provider: nonEmpty,
    asterisk: z
      .object({
        host: nonEmpty,
        port: port.default(8088),
        scheme: z.enum(['http', 'https']).default('http'),
        username: nonEmpty,
        password: z.string().default(''),
        app_name: nonEmpty.default('asterisk-ai-voice-agent'),
      })
      .strict(),
    audio_transport: z.enum(['audiosocket', 'externalmedia', 'websocket']).default('audiosocket'),
    audiosocket: z
      .object({
        host: z.string().default('0.0.0.0'),
        advertise_host: z.string().default('127.0.0.1'),
        port: listenPort.default(8090),
        format: z.enum(['slin', 'slin16']).default('slin'),
        underrun: z.enum(['silence', 'nothing']).default('silence'),
        /** 0: sockets in the engine's thread; N: in N media worker threads on ports port … port+N-1. */
        media_workers: z.number().int().min(0).max(16).default(0),
        /** The media workers' thread priority (nice -20…19): negative puts pacing ahead of everything else; needs root or CAP_SYS_NICE. */
        media_worker_nice: z.number().int().min(-20).max(19).default(-10),
        /** SCHED_RR for the media workers' threads (as Asterisk's -p): pacing runs the moment it is due; needs root or CAP_SYS_NICE. */
        media_worker_realtime: z.boolean().default(false),
      })
      .strict()
      .default({ host: '0.0.0.0', advertise_host: '127.0.0.1', port: 8090, format: 'slin', underrun: 'silence', media_workers: 0, media_worker_nice: -10, media_worker_realtime: false }),
    external_media: z
      .object({
        rtp_host: z.string().default('0.0.0.0'),
        advertise_host: z.string().default('127.0.0.1'),
        port_range: portRange.default({ start: 18080, end: 18099 }),
        codec: z.enum(['ulaw']).default('ulaw'),
        jitter_buffer_ms: z.number().int().min(0).max(60).default(40),
      })
      .strict()
      .default({ rtp_host: '0.0.0.0', advertise_host: '127.0.0.1', port_range: { start: 18080, end: 18099 }, codec: 'ulaw', jitter_buffer_ms: 40 }),
    /** chan_websocket (Asterisk 20.16+/21.11+/22.6+): the engine connects to the PBX's HTTP server (asterisk.host/port, wss when asterisk.scheme is https). */
    websocket: z
      .object({
        format: z.enum(['slin16', 'slin', 'ulaw']).default('slin16'),
      })
      .strict()
      .default({ format: 'slin16' }),
    downstream_mode: z.enum(['stream', 'file']).default('stream'),
    media_dir: z.string().default('/mnt/asterisk_media/ai-generated'),
    playout: z
      .object({ prebuffer_ms: z.number().int().min(0).max(60).default(40) })
      .strict()
      .default({ prebuffer_ms: 40 }),
    llm: z
      .object({
        prompt: z.string().default('You are a helpful voice assistant. Keep answers short.'),
        initial_greeting: z.string().default('Hello, how can I help you today?'),
        persona: z.string().optional(),
      })
      .strict()
      .default({ prompt: 'You are a helpful voice assistant. Keep answers short.', initial_greeting: 'Hello, how can I help you today?' }),
    contexts: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), contextSchema).default({}),
    providers: z.record(z.string(), providerSchema).default({}),
    pipelines: z.record(z.string(), pipelineSchema).default({}),
    vad: z
      .object({
        webrtc_aggressiveness: z.number().int().min(0).max(3).default(2),
        energy_threshold: z.number().min(0).max(32767).default(400),
        min_speech_ms: z.number().int().min(0).max(2000).default(120),
        end_silence_ms: z.number().int().min(100).max(5000).default(600),
      })
      .strict()
      .default({ webrtc_aggressiveness: 2, energy_threshold: 400, min_speech_ms: 120, end_silence_ms: 600 }),
    barge_in: z
      .object({
        enabled: z.boolean().default(true),
        min_ms: z.number().int().min(0).max(2000).default(200),
        cooldown_ms: z.number().int().min(0).max(10000).default(500),
        energy_threshold: z.number().min(0).max(32767).optional(),
      })
      .strict()
      .default({ enabled: true, min_ms: 200, cooldown_ms: 500 }),
    no_input: z
      .object({
        timeout_s: z.number().min(1).max(600).default(15),
        checkin_prompt: z.string().default('Are you still there?'),
        grace_s: z.number().min(1).max(600).default(8),
        final_message: z.string().default('I have not heard anything, so I will end the call now. Goodbye.'),
      })
      .strict()
      .default({ timeout_s: 15, checkin_prompt: 'Are you still there?', grace_s: 8, final_message: 'I have not heard anything, so I will end the call now. Goodbye.' }),
    on_provider_failure: onProviderFailureSchema.default(PROVIDER_FAILURE_DEFAULT),
    /** Callers found in our Stasis app that no live call owns (left by a crash): back to the dialplan after Stasis(), or hang up. */
    orphaned_calls: z.enum(['continue', 'hangup']).default('continue'),
    tools: z
      .object({
        transfer: z
          .object({ destinations: z.record(z.string(), transferDestinationSchema).default({}) })
          .strict()
          .default({ destinations: {} }),
        hangup: z
          .object({ farewell: z.string().default('Thank you for calling. Goodbye.') })
          .strict()
          .default({ farewell: 'Thank you for calling. Goodbye.' }),
        http: z.record(z.string().regex(TOOL_NAME_RE, 'tool names are letters, digits, _ and - (at most 64), starting with a letter'), httpToolSchema).default({}),
        mcp: z.record(z.string().regex(MCP_SERVER_RE, 'server names are letters, digits, - and single _ (at most 32), starting with a letter'), mcpServerSchema).default({}),
        voicemail: voicemailTargetSchema.default(VOICEMAIL_TARGET_DEFAULT),
        filler: fillerSchema.default(FILLER_DEFAULT),
      })
      .strict()
      .default({ transfer: { destinations: {} }, hangup: { farewell: 'Thank you for calling. Goodbye.' }, http: {}, mcp: {}, voicemail: VOICEMAIL_TARGET_DEFAULT, filler: FILLER_DEFAULT }),
    webhooks: webhooksSchema,
    health: z
      .object({ host: z.string().default('127.0.0.1'), port: listenPort.default(15000) })
      .strict()
      .default({ host: '127.0.0.1', port: 15000 }),
    api: z
      .object({ token: z.string().default('') })
      .strict()
      .default({ token: '' }),
    data_dir: z.string().optional(),
    recordings: z
      .object({
        enabled: z.boolean().default(false),
        /** Empty (or absent) host/port/username/password/tls: the engine's asterisk.* values. */
        host: z.string().default(''),
        port: port.optional(),
        username: z.string().default(''),
        password: z.string().default(''),
        tls: z.boolean().optional(),
        trust_fingerprint: z.string().optional(),
        interval_minutes: z.number().int().min(1).max(1440).default(10),
        concurrency: z.number().int().min(1).max(32).default(4),
        retention_days: z.number().int().min(0).max(3650).default(0),
        transcriber: z.enum(['local', 'deepgram', 'openai', 'none']).default('local'),
        sentiment: z.enum(['lexicon', 'llm']).default('lexicon'),
        /** Options of the cloud transcribers and the LLM summary (keys also from the secret store: DEEPGRAM_API_KEY, OPENAI_API_KEY). */
        analysis: z
          .object({
            deepgram_api_key: z.string().optional(),
            deepgram_url: z.string().optional(),
            deepgram_model: z.string().default('nova-3'),
            openai_api_key: z.string().optional(),
            openai_base_url: z.string().optional(),
            openai_model: z.string().default('whisper-1'),
            llm_api_key: z.string().optional(),
            llm_base_url: z.string().optional(),
            llm_model: z.string().default('gpt-4o-mini'),
            llm_summary: z.boolean().default(false),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ enabled: false, host: '', username: '', password: '', interval_minutes: 10, concurrency: 4, retention_days: 0, transcriber: 'local', sentiment: 'lexicon' }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const issue of referenceIssues(cfg)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

/**
 * Cross-references (provider names, tools) checked on the raw tree too, so
 * they are reported together with shape errors elsewhere in the file.
 */
export function referenceIssues(raw: unknown): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (!raw || typeof raw !== 'object') return out;
  const cfg = raw as Record<string, unknown>;
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const providers = obj(cfg.providers);
  const pipelines = obj(cfg.pipelines);
  const names = [...Object.keys(providers), ...Object.keys(pipelines)];
  const have = names.join(', ') || 'none configured';
  const known = new Set(names);
  if (typeof cfg.default_provider === 'string' && cfg.default_provider && !known.has(cfg.default_provider)) {
    out.push({ path: ['default_provider'], message: `"${cfg.default_provider}" is not a provider or pipeline (have: ${have})` });
  }
  for (const [name, c] of Object.entries(obj(cfg.contexts))) {
    const ctx = obj(c);
    if (typeof ctx.provider === 'string' && !known.has(ctx.provider)) {
      out.push({ path: ['contexts', name, 'provider'], message: `"${ctx.provider}" is not a provider or pipeline (have: ${have})` });
    }
  }
  out.push(...toolReferenceIssues(raw));
  out.push(...failoverReferenceIssues(raw));
  for (const name of Object.keys(pipelines)) {
    if (name in providers) out.push({ path: ['pipelines', name], message: `"${name}" is both a provider and a pipeline; names must be unique` });
  }
  return out;
}

export type AgentConfig = z.infer<typeof configSchema>;
