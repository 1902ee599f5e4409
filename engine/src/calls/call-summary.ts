/** What the API and events show of a call (live, or just ended): its CallSummary. */
import type { CallOutcome, CallState, CallSummary, ProviderFailureReason, TransportKind } from '../api/calls.js';
import type { AriChannel } from '../ari/ari-types.js';

/** The parts of a call session a summary shows. */
export interface SummarizedCall {
  readonly id: string;
  readonly caller: AriChannel;
  readonly resolved?: { context: string; provider: string };
  readonly config: { default_provider: string };
  readonly transport: TransportKind;
  readonly state: CallState;
  readonly startedAt: number;
  readonly turns: number;
  readonly endedAt?: number;
  readonly outcome?: CallOutcome;
  readonly failureReason?: ProviderFailureReason;
  readonly transferTarget?: string;
  readonly lastTurnLatencyMs?: number;
}

export function callSummary(call: SummarizedCall): CallSummary {
  const r = call.resolved;
  const s: CallSummary = {
    id: call.id,
    channelId: call.caller.id,
    uniqueId: call.caller.id,
    context: r?.context ?? 'default',
    provider: r?.provider ?? call.config.default_provider,
    transport: call.transport,
    state: call.state,
    startedAt: new Date(call.startedAt).toISOString(),
    turns: call.turns,
  };
  if (call.caller.caller?.name) s.callerName = call.caller.caller.name;
  if (call.caller.caller?.number) s.callerNumber = call.caller.caller.number;
  if (call.endedAt) s.endedAt = new Date(call.endedAt).toISOString();
  if (call.outcome) s.outcome = call.outcome;
  if (call.failureReason) s.failureReason = call.failureReason;
  if (call.transferTarget) s.transferTarget = call.transferTarget;
  if (call.lastTurnLatencyMs !== undefined) s.lastTurnLatencyMs = call.lastTurnLatencyMs;
  return s;
}
