import { z } from 'zod';
import { query, command, noArgs } from './define.js';
import type { PreCallRecord, ToolKind } from './integrations.js';

export type CallState = 'setup' | 'greeting' | 'listening' | 'thinking' | 'speaking' | 'transferring' | 'ending' | 'ended';
export type CallOutcome = 'completed' | 'transferred' | 'caller_hangup' | 'agent_hangup' | 'error' | 'no_input_timeout' | 'provider_error';
export const CALL_OUTCOMES = ['completed', 'transferred', 'caller_hangup', 'agent_hangup', 'error', 'no_input_timeout', 'provider_error'] as const satisfies readonly CallOutcome[];

/** Why a call ended as `provider_error` (the label of ai_agent_provider_failures_total{reason}). */
export const PROVIDER_FAILURE_REASONS = [
  /** A realtime provider's socket closed mid-call (and the one reconnect did not bring it back). */
  'socket_drop',
  /** The provider answered with an HTTP 4xx (bad key, bad request) other than quota. */
  'http_4xx',
  /** The provider answered with an HTTP 5xx (or reported a server error). */
  'http_5xx',
  /** Out of quota or rate-limited (HTTP 429/402, `insufficient_quota`). */
  'quota',
  /** A pipeline's LLM failed without an HTTP status (stream cut, refused connection, bad answer). */
  'llm_error',
  /** A pipeline's TTS failed without an HTTP status. */
  'tts_error',
  /** A pipeline's recognizer failed (process exit, socket closed, request failed). */
  'stt_error',
  /** No first agent audio within `provider_timeout_s` after the caller's turn ended. */
  'no_first_audio',
  /** The session could not be set up (no connection, no answer to its setup). */
  'connect_failed',
  /** The provider cannot be built at all (configuration, missing key). */
  'unavailable',
] as const;

export type ProviderFailureReason = (typeof PROVIDER_FAILURE_REASONS)[number];

export type TransportKind = 'audiosocket' | 'externalmedia' | 'websocket';

/** Where a resolved value came from, for display and debugging. */
export type ValueSource = 'channel_var' | 'context' | 'provider' | 'llm' | 'default';

export interface CallSummary {
  id: string;
  channelId: string;
  uniqueId?: string;
  callerName?: string;
  callerNumber?: string;
  context: string;
  provider: string;
  transport: TransportKind;
  state: CallState;
  startedAt: string;
  endedAt?: string;
  outcome?: CallOutcome;
  /** With outcome `provider_error`: why the provider failed. */
  failureReason?: ProviderFailureReason;
  transferTarget?: string;
  lastTurnLatencyMs?: number;
  turns: number;
}

export interface TurnLatency {
  callId: string;
  turn: number;
  provider: string;
  /**
   * Epoch ms of the caller's end of speech: the last voiced frame by the engine's own VAD (also when the
   * provider detects turns itself). The other marks are ms after it (null when the stage does not exist).
   */
  endOfSpeechAt: number;
  /** End-of-speech wait: until the end-of-turn decision (engine VAD, or the provider's speech-stopped / end-of-turn event). */
  endOfTurnMs?: number | null;
  sttFinalMs: number | null;
  llmFirstTokenMs: number | null;
  ttsFirstByteMs: number | null;
  /** The provider's first agent audio of the turn reached the engine. */
  providerAudioMs?: number | null;
  /** The first agent frame on the wire (or, where the transport reports it, the moment the caller began to hear it): the turn latency the caller feels. */
  firstAudioMs: number | null;
  bargeInReactionMs: number | null;
}

/** Audio levels of one live call (dBFS, -90 = silence), sampled by the engine a few times a second. */
export interface CallLevel {
  callId: string;
  callerDb: number;
  agentDb: number;
}

export interface TranscriptLine {
  callId: string;
  seq: number;
  role: 'caller' | 'agent' | 'system';
  text: string;
  at: string;
}

export interface ToolCallRecord {
  callId: string;
  /** As the context lists it (`lookup_order`, `tickets.create_ticket`). */
  name: string;
  /** Arguments with secrets redacted. */
  args: unknown;
  /** What went back to the model (secrets redacted). */
  result: unknown;
  at: string;
  ok: boolean;
  kind?: ToolKind;
  durationMs?: number;
  error?: string;
}

export interface CallDetail extends CallSummary {
  greeting: string;
  prompt: string;
  sources: Record<'provider' | 'context' | 'greeting' | 'prompt' | 'persona', ValueSource>;
  transcript: TranscriptLine[];
  turnLatencies: TurnLatency[];
  toolCalls: ToolCallRecord[];
  recordingId?: string;
  error?: string;
  /** The pre-call lookup's variables, when webhooks.pre_call is set. */
  preCall?: PreCallRecord;
}

export const callListFilter = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
    caller: z.string().max(64).optional(),
    context: z.string().max(64).optional(),
    provider: z.string().max(64).optional(),
    outcome: z.enum(CALL_OUTCOMES).optional(),
    text: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    offset: z.number().int().min(0).optional(),
  })
  .strict();
export type CallListFilter = z.infer<typeof callListFilter>;

/** One turn for the latency charts: `at` is its last voiced frame (epoch ms); stages as in TurnLatency; `totalMs` = last voiced frame → first audio. */
export interface LatencyPoint {
  at: number;
  provider: string;
  totalMs: number;
  /** End-of-speech wait (null when unknown, e.g. turns recorded before it was measured). */
  endOfTurnMs?: number | null;
  sttFinalMs: number | null;
  llmFirstTokenMs: number | null;
  ttsFirstByteMs: number | null;
  providerAudioMs?: number | null;
  firstAudioMs: number | null;
}

export const callMethods = {
  'calls.active': query<CallSummary[]>()(noArgs),
  'calls.list': query<CallSummary[]>()(callListFilter),
  'calls.get': query<CallDetail | null>()(z.object({ id: z.string().min(1).max(128) }).strict()),
  'calls.hangup': command<{ ok: true }>()(z.object({ id: z.string().min(1).max(128) }).strict()),
  'calls.transfer': command<{ ok: true }>()(
    z.object({ id: z.string().min(1).max(128), destination: z.string().min(1).max(64) }).strict(),
  ),
  'latency.points': query<LatencyPoint[]>()(
    z.object({ sinceMs: z.number().int().min(0), provider: z.string().max(64).optional() }).strict(),
  ),
};
