/**
 * The GA `session.update` payload and audio format choice for OpenAI
 * Realtime (pure, no I/O).
 */
import type { AudioFormat } from '../../media/audio-format.js';
import { PCM24K, ULAW8 } from '../../media/audio-format.js';
import type { ToolSpec } from '../../tools/tool.js';
import type { HistoryItem } from '../provider.js';
import type { ProviderConfig } from '../../config/provider-schemas.js';

export type OpenAIRealtimeConfig = Extract<ProviderConfig, { type: 'openai_realtime' }>;

/** pcmu only when the wire is µ-law and config asks for it; otherwise pcm16 at 24 kHz. */
export function realtimeAudioFormat(config: Pick<OpenAIRealtimeConfig, 'audio_format'>, wire: AudioFormat): AudioFormat {
  return config.audio_format === 'pcmu' && wire.encoding === 'ulaw' ? ULAW8 : PCM24K;
}

function formatParam(f: AudioFormat): { type: 'audio/pcm'; rate: 24000 } | { type: 'audio/pcmu' } {
  return f.encoding === 'ulaw' ? { type: 'audio/pcmu' } : { type: 'audio/pcm', rate: 24000 };
}

function realtimeTools(tools: ToolSpec[]): Array<{ type: 'function'; name: string; description: string; parameters: Record<string, unknown> }> {
  return tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters }));
}

export function buildSessionUpdate(config: OpenAIRealtimeConfig, opts: { instructions: string; tools: ToolSpec[]; format: AudioFormat }) {
  const td = config.turn_detection;
  return {
    type: 'session.update' as const,
    session: {
      type: 'realtime' as const,
      model: config.model,
      instructions: opts.instructions,
      output_modalities: ['audio' as const],
      audio: {
        input: {
          format: formatParam(opts.format),
          transcription: { model: config.transcription_model },
          turn_detection: {
            type: 'server_vad' as const,
            threshold: td.threshold,
            prefix_padding_ms: td.prefix_padding_ms,
            silence_duration_ms: td.silence_duration_ms,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: formatParam(opts.format), voice: config.voice },
      },
      tools: realtimeTools(opts.tools),
      tool_choice: 'auto' as const,
    },
  };
}

/** The conversation so far as GA conversation items (caller: input_text, agent: output_text), for a resumed session. */
export function historyItems(history: HistoryItem[]) {
  return history.map((h) => ({
    type: 'conversation.item.create' as const,
    item: {
      type: 'message' as const,
      role: h.role === 'caller' ? ('user' as const) : ('assistant' as const),
      content: [{ type: h.role === 'caller' ? ('input_text' as const) : ('output_text' as const), text: h.text }],
    },
  }));
}

/** Instructions for a response that speaks a fixed text. */
export function sayInstructions(text: string): string {
  return `Say exactly the following to the caller, word for word, and nothing else: ${text}`;
}

/** Realtime error codes that are expected races, not failures. */
export const BENIGN_ERROR_CODES = new Set(['response_cancel_not_active', 'conversation_already_has_active_response']);
