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

export function createOpenAICompatibleLlm(config: LlmConfig, where: string): LlmAdapter {
  // OPENAI_API_KEY only applies to OpenAI itself (no base_url, or api.openai.com).
  const openai = !config.base_url || /api\.openai\.com/.test(config.base_url);
  const key = config.api_key || (openai ? process.env.OPENAI_API_KEY || '' : '');
  registerSecretValue(key);
  const needsKey = openai;
  let client: OpenAI | undefined;
  const getClient = () =>
    (client ??= new OpenAI({ apiKey: key || NO_KEY, maxRetries: 1, timeout: 30_000, ...(config.base_url ? { baseURL: config.base_url } : {}) }));
  return {
    type: 'openai_compatible',
    health(): StageHealth {
      if (needsKey && !key) return { ready: false, reason: `OPENAI_API_KEY is not set (or ${where}.api_key)` };
      return { ready: true };
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
