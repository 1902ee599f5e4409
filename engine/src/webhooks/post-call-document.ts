/**
 * The post-call document (webhooks.post_call), built from the finished call
 * as stored (pure). snake_case, versioned; tool arguments and results are
 * already redacted when stored.
 */
import type { CallDetail } from '../api/calls.js';

const POST_CALL_VERSION = 1;

export interface PostCallDocument {
  version: number;
  event: 'call.ended';
  call_id: string;
  channel_id: string;
  caller: { number: string | null; name: string | null };
  context: string;
  provider: string;
  transport: string;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  outcome: string | null;
  transfer_target: string | null;
  error: string | null;
  transcript: { role: string; text: string; at: string }[];
  turns: {
    turn: number;
    end_of_speech_at: string;
    end_of_turn_ms: number | null;
    stt_final_ms: number | null;
    llm_first_token_ms: number | null;
    tts_first_byte_ms: number | null;
    provider_audio_ms: number | null;
    first_audio_ms: number | null;
    barge_in_reaction_ms: number | null;
  }[];
  tool_calls: { name: string; kind: string | null; args: unknown; result: unknown; ok: boolean; at: string; duration_ms: number | null; error: string | null }[];
  pre_call: { status: string; variables: Record<string, string>; duration_ms: number; error: string | null } | null;
}

export function postCallDocument(d: CallDetail): PostCallDocument {
  const ended = d.endedAt ?? null;
  return {
    version: POST_CALL_VERSION,
    event: 'call.ended',
    call_id: d.id,
    channel_id: d.channelId,
    caller: { number: d.callerNumber ?? null, name: d.callerName ?? null },
    context: d.context,
    provider: d.provider,
    transport: d.transport,
    started_at: d.startedAt,
    ended_at: ended,
    duration_ms: ended ? Date.parse(ended) - Date.parse(d.startedAt) : null,
    outcome: d.outcome ?? null,
    transfer_target: d.transferTarget ?? null,
    error: d.error ?? null,
    transcript: d.transcript.map((l) => ({ role: l.role, text: l.text, at: l.at })),
    turns: d.turnLatencies.map((t) => ({
      turn: t.turn,
      end_of_speech_at: new Date(t.endOfSpeechAt).toISOString(),
      end_of_turn_ms: t.endOfTurnMs ?? null,
      stt_final_ms: t.sttFinalMs,
      llm_first_token_ms: t.llmFirstTokenMs,
      tts_first_byte_ms: t.ttsFirstByteMs,
      provider_audio_ms: t.providerAudioMs ?? null,
      first_audio_ms: t.firstAudioMs,
      barge_in_reaction_ms: t.bargeInReactionMs,
    })),
    tool_calls: d.toolCalls.map((t) => ({ name: t.name, kind: t.kind ?? null, args: t.args ?? null, result: t.result ?? null, ok: t.ok, at: t.at, duration_ms: t.durationMs ?? null, error: t.error ?? null })),
    pre_call: d.preCall ? { status: d.preCall.status, variables: d.preCall.variables, duration_ms: d.preCall.durationMs, error: d.preCall.error ?? null } : null,
  };
}
