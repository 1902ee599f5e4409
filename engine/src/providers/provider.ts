/**
 * The provider interface every engine (OpenAI Realtime, Deepgram Agent,
 * STT→LLM→TTS pipelines, echo) implements. Capabilities are data: the call
 * session adapts audio to what the provider declares; a provider never
 * special-cases the engine.
 */
import type { AudioFormat } from '../media/audio-format.js';
import type { ProviderHealth } from '../api/health.js';
import type { ToolSpec, ToolResult } from '../tools/tool.js';
import type { Logger } from '../observability/logger.js';

export interface ProviderCapabilities {
  /** Format the provider wants caller audio in. */
  input: AudioFormat;
  /** Format of the audio it produces. */
  output: AudioFormat;
  /** True when the provider detects the caller's speech itself (server VAD). */
  nativeVad: boolean;
}

/** What the engine hands every provider factory. */
export interface ProviderDeps {
  log: Logger;
  /** The config's `vad:` section; pipelines use it for local endpointing and barge-in (defaults apply when absent). */
  vad?: { webrtc_aggressiveness: number; energy_threshold: number; min_speech_ms: number; end_silence_ms: number };
}

export type LatencyMark = 'end_of_speech' | 'stt_final' | 'llm_first_token' | 'tts_first_byte';

/** What a session reports back to the call. All methods are cheap and never throw. */
export interface SessionSink {
  /** Agent audio in `capabilities.output` format, as it arrives. */
  audio(chunk: Buffer): void;
  transcript(role: 'caller' | 'agent', text: string, final: boolean): void;
  /** A latency mark for the current turn; `at` is performance.now() (defaults to now). */
  mark(mark: LatencyMark, at?: number): void;
  /** The caller started speaking (provider VAD): drop queued agent audio. */
  bargeIn(): void;
  /** The agent finished its current utterance. */
  agentDone(): void;
  /** Run a tool; resolves with what to tell the model. */
  callTool(name: string, args: unknown): Promise<ToolResult>;
  /** fatal=true ends the call per `on_provider_failure`. */
  error(err: Error, fatal: boolean): void;
}

export interface SessionInit {
  callId: string;
  context: string;
  greeting: string;
  /** Prompt with persona and caller-id already applied. */
  instructions: string;
  tools: ToolSpec[];
  callerName?: string;
  callerNumber?: string;
  /** The format on the Asterisk wire (lets µ-law providers skip transcoding). */
  wireFormat: AudioFormat;
  sink: SessionSink;
  log: Logger;
}

export interface ProviderSession {
  /** Starts the conversation: connects, configures, plays the greeting. */
  start(): Promise<void>;
  /** Caller audio in `capabilities.input` format. */
  sendAudio(chunk: Buffer): void;
  sendDtmf(digit: string): void;
  /** Local VAD detected barge-in: stop generating. */
  interrupt(): void;
  /** Speak a fixed text (check-in, farewell, failure notice). */
  say(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface Provider {
  readonly name: string;
  readonly type: string;
  readonly kind: 'provider' | 'pipeline';
  capabilities(wire: AudioFormat): ProviderCapabilities;
  health(): ProviderHealth;
  createSession(init: SessionInit): ProviderSession;
  close(): Promise<void>;
}
