/**
 * The three pipeline stages, one small interface each. Audio is pcm16 in
 * the stage's declared format; text flows as typed async streams.
 */
import type { AudioFormat } from '../../media/audio-format.js';
import type { Logger } from '../../observability/logger.js';
import type { ToolSpec } from '../../tools/tool.js';

export interface StageHealth {
  ready: boolean;
  reason?: string;
}

/** One call's recognizer. */
export interface SttStream {
  /** Caller audio in the adapter's `format`, continuously (speech and silence). */
  write(audio: Buffer): void;
  /** Local VAD saw speech start (batch recognizers start collecting here). */
  speechStarted(): void;
  /** Local VAD saw end of speech: resolves with the final transcript of this turn ('' if none, or when `signal` aborts). */
  finalize(signal: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

export interface SttAdapter {
  readonly type: string;
  /** pcm16 format the recognizer wants, given the call's wire format. */
  format(wire: AudioFormat): AudioFormat;
  health(): StageHealth;
  /** `onFatal`: the recognizer died mid-call (process exit, socket closed). */
  open(log: Logger, wire: AudioFormat, onFatal: (err: Error) => void): SttStream;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

export type LlmEvent = { type: 'text'; text: string } | { type: 'tool_call'; id: string; name: string; arguments: string };

export interface LlmAdapter {
  readonly type: string;
  health(): StageHealth;
  /** Streams the reply: text deltas as they arrive, tool calls once complete. */
  stream(messages: ChatMessage[], tools: ToolSpec[], signal: AbortSignal): AsyncIterable<LlmEvent>;
}

export interface TtsAdapter {
  readonly type: string;
  /** pcm16 format of the audio it yields. */
  readonly format: AudioFormat;
  health(): StageHealth;
  /** Audio for one sentence, in chunks as they arrive. */
  synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer>;
}
