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
import type { VoiceEvent } from '../media/voice/voice-activity.js';

export interface ProviderCapabilities {
  /** Format the provider wants caller audio in. */
  input: AudioFormat;
  /** Format of the audio it produces. */
  output: AudioFormat;
  /**
   * True when the provider detects turns and the caller cutting in itself (server VAD) and reports
   * barge-in through its sink; the engine then never cuts the agent on its own voice activity.
   * Either way the engine's voice activity measures the caller's true end of speech.
   */
  nativeVad: boolean;
  /** How the engine's one voice detector runs on this provider's calls (defaults: the config's `vad:` section). */
  voice?: { energyOnly?: boolean; energyThreshold?: number; endSilenceMs?: number };
}

/** What the engine hands every provider factory. */
export interface ProviderDeps {
  log: Logger;
}

export type LatencyMark = 'end_of_speech' | 'stt_final' | 'llm_first_token' | 'tts_first_byte';

/** What a session reports back to the call. All methods are cheap and never throw. */
export interface SessionSink {
  /** Agent audio in `capabilities.output` format, as it arrives. */
  audio(chunk: Buffer): void;
  transcript(role: 'caller' | 'agent', text: string, final: boolean): void;
  /**
   * A latency mark for the current turn; `at` is performance.now() (defaults to now). `end_of_speech`
   * is the provider's end-of-turn decision (its speech-stopped / end-of-turn event, or the engine's
   * voice `end` it acted on); the engine measures every stage from the caller's last voiced frame.
   */
  mark(mark: LatencyMark, at?: number): void;
  /** The caller started speaking (provider VAD): drop queued agent audio. */
  bargeIn(): void;
  /** The agent finished its current utterance. */
  agentDone(): void;
  /** Run a tool; resolves with what to tell the model. */
  callTool(name: string, args: unknown): Promise<ToolResult>;
  /**
   * fatal=true: the session cannot go on (the call reconnects once when a realtime socket dropped, else
   * plays the fallback line and fails over per `on_provider_failure`). Report a ProviderError
   * (provider-errors.ts) so the call knows why; other errors are classified by their HTTP status.
   */
  error(err: Error, fatal: boolean): void;
  /** The caller's turn needs no reply (nothing was understood): the engine stops waiting for first audio. */
  turnSkipped?(): void;
}

/** One line of the conversation so far, handed to a session that resumes a call (after a reconnect). */
export interface HistoryItem {
  role: 'caller' | 'agent';
  text: string;
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
  /**
   * The conversation so far when this session resumes a call whose previous session's socket dropped
   * (greeting is empty then): the provider loads it as context and, when the caller's turn is the
   * last line, answers it.
   */
  history?: HistoryItem[];
}

export interface ProviderSession {
  /** Starts the conversation: connects, configures, plays the greeting. */
  start(): Promise<void>;
  /** Caller audio in `capabilities.input` format. */
  sendAudio(chunk: Buffer): void;
  sendDtmf(digit: string): void;
  /** The engine cut the agent off (barge-in on its voice activity): stop generating. */
  interrupt(): void;
  /**
   * The engine's voice activity on this call (one detector per call, every frame seen once):
   * speech start, sustained speech, and the end decided on the wall clock. Providers without
   * their own VAD take turns on it; the others may ignore it.
   */
  voice?(ev: VoiceEvent): void;
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
