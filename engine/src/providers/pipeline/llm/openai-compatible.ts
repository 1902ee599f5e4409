/**
 * One LLM adapter for every OpenAI-compatible Chat Completions endpoint
 * (OpenAI, Ollama http://127.0.0.1:11434/v1, llama.cpp server, Groq …):
 * streaming text deltas and tool calls through the official SDK.
 */
import OpenAI from 'openai';
import type { z } from 'zod';
import type { llmSchema } from '../../../config/provider-schemas.js';
import type { ToolSpec } from '../../../tools/tool.js';
import type { ChatMessage, LlmAdapter, LlmEvent, StageHealth } from '../stages.js';
import { registerSecretValue } from '../../../observability/logger.js';

export type LlmConfig = z.infer<typeof llmSchema>;

/** Local servers (Ollama, llama.cpp) need no key; the SDK insists on one, so a placeholder is sent. */
const NO_KEY = 'not-needed';
const PROBE_EVERY_MS = 30_000;
const PROBE_TIMEOUT_MS = 2000;

function isLocalUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const h = new URL(url).hostname;
    return h === 'localhost' || h === '127.0.0.1' || h === '[::1]' || h === '::1';
  } catch {
    return false;
  }
}

/**
 * Reachability of a local LLM server (GET <base_url>/models), refreshed at
 * most every 30 s when health is asked for; never blocks health().
 */
function localProbe(baseUrl: string, model: string, key: string) {
  let state: StageHealth = { ready: true };
  let lastAt = -Infinity;
  let running = false;
  const run = async () => {
    running = true;
    lastAt = performance.now();
    try {
      const res = await fetch(`${baseUrl.replace(/\/$/, '')}/models`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
      if (!res.ok) {
        state = { ready: false, reason: `LLM server ${baseUrl} answered /models with HTTP ${res.status}` };
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { data?: Array<{ id?: string }> };
      const ids = (body.data ?? []).map((m) => String(m.id ?? ''));
      const known = ids.length === 0 || ids.some((id) => id === model || id.startsWith(`${model}:`) || id.endsWith(`/${model}`));
      // llama.cpp serves whatever it loaded under its file name; only Ollama-style lists are checked strictly.
      state = known || !ids.some((id) => id.includes(':')) ? { ready: true } : { ready: false, reason: `model "${model}" is not on ${baseUrl} (have: ${ids.join(', ')}); e.g. ollama pull ${model}` };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      state = { ready: false, reason: `LLM server ${baseUrl} is not reachable (${cause}); start Ollama or llama.cpp server` };
    } finally {
      running = false;
    }
  };
  return {
    health(): StageHealth {
      if (!running && performance.now() - lastAt > PROBE_EVERY_MS) void run();
      return state;
    },
    /** Test/CLI hook: probe now and return the result. */
    async check(): Promise<StageHealth> {
      await run();
      return state;
    },
  };
}

export function createOpenAICompatibleLlm(config: LlmConfig, where: string): LlmAdapter & { probe?: () => Promise<StageHealth> } {
  // OPENAI_API_KEY only applies to OpenAI itself (no base_url, or api.openai.com).
  const openai = !config.base_url || /api\.openai\.com/.test(config.base_url);
  const key = config.api_key || (openai ? process.env.OPENAI_API_KEY || '' : '');
  registerSecretValue(key);
  const needsKey = openai;
  const probe = isLocalUrl(config.base_url) ? localProbe(config.base_url!, config.model, key) : undefined;
  probe?.health();
  let client: OpenAI | undefined;
  const getClient = () =>
    (client ??= new OpenAI({ apiKey: key || NO_KEY, maxRetries: 1, timeout: 30_000, ...(config.base_url ? { baseURL: config.base_url } : {}) }));
  return {
    type: 'openai_compatible',
    ...(probe ? { probe: () => probe.check() } : {}),
    health(): StageHealth {
      if (needsKey && !key) return { ready: false, reason: `OPENAI_API_KEY is not set (or ${where}.api_key)` };
      return probe ? probe.health() : { ready: true };
    },
    async *stream(messages: ChatMessage[], tools: ToolSpec[], signal: AbortSignal): AsyncIterable<LlmEvent> {
      const stream = await getClient().chat.completions.create(
        {
          model: config.model,
          messages: messages as OpenAI.Chat.Completions.ChatCompletionMessageParam[],
          stream: true,
          ...(tools.length ? { tools: tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) } : {}),
          ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
          ...(config.max_tokens !== undefined ? { max_tokens: config.max_tokens } : {}),
        },
        { signal },
      );
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (!choice) continue;
        const delta = choice.delta;
        if (delta?.content) yield { type: 'text', text: delta.content };
        for (const tc of delta?.tool_calls ?? []) {
          const c = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) c.id = tc.id;
          if (tc.function?.name) c.name += tc.function.name;
          if (tc.function?.arguments) c.arguments += tc.function.arguments;
          calls.set(tc.index, c);
        }
      }
      for (const [i, c] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
        yield { type: 'tool_call', id: c.id || `call_${i}`, name: c.name, arguments: c.arguments };
      }
    },
  };
}
