/**
 * A call whose provider failed: the reason is counted
 * (`ai_agent_provider_failures_total{provider,reason}`) and kept with the
 * call, the caller hears the fallback line at once, and the call goes where
 * its context's failover says (else `on_provider_failure.failover`): a
 * transfer destination, back into the dialplan, or hung up. It ends as
 * `provider_error` either way; when ARI refuses the dialplan exit, the caller
 * is hung up.
 */
import type { AgentConfig } from '../config/schema.js';
import type { Failover } from '../config/failover-schema.js';
import type { CallOutcome, ProviderFailureReason } from '../api/calls.js';
import type { EngineMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/logger.js';
import { asProviderError } from '../providers/provider-errors.js';
import { policyExit, transferExit, type DialplanExit } from './dialplan-exits.js';

/** Where a call of `context` goes when its provider fails. */
export function failoverOf(config: AgentConfig, context: string | undefined): Failover {
  return ((context && config.contexts[context]?.failover) || config.on_provider_failure.failover) as Failover;
}

/** The dialplan exit of a failover (undefined: hang up). */
export function failoverExit(config: AgentConfig, context: string | undefined): DialplanExit | undefined {
  const f = failoverOf(config, context);
  if (f === 'continue') return policyExit(config.on_provider_failure);
  if (f.startsWith('transfer:')) return transferExit(config, f.slice('transfer:'.length));
  return undefined;
}

/** The call that fails over (CallSession). */
export interface FailingCall {
  readonly config: AgentConfig;
  readonly resolved?: { context: string; provider: string };
  failureReason?: ProviderFailureReason;
  /** Silences the provider and plays the fallback line; absent when media never came up. */
  readonly conversation?: { playFallback(): Promise<void> };
  /** The caller continues in the dialplan at `exit`; false when ARI refused. */
  leaveForFailover(exit: DialplanExit): Promise<boolean>;
  end(outcome: CallOutcome, error?: string): Promise<void>;
}

export interface FailoverDeps {
  log: Logger;
  metrics: EngineMetrics;
  /** A system line in the call's transcript (the admin's record of what happened). */
  note(text: string): void;
}

export async function failOver(call: FailingCall, deps: FailoverDeps, err: Error): Promise<void> {
  const failure = asProviderError(err, 'connect_failed');
  const context = call.resolved?.context;
  const failover = failoverOf(call.config, context);
  call.failureReason = failure.reason;
  deps.metrics.providerFailures.inc({ provider: call.resolved?.provider ?? call.config.default_provider, reason: failure.reason });
  deps.log.error({ reason: failure.reason, err: failure.message, failover }, 'provider failed: fallback line, then failover');
  deps.note(`Provider failed (${failure.reason.replace(/_/g, ' ')}); failover: ${failover}`);
  await call.conversation?.playFallback();
  const exit = failoverExit(call.config, context);
  if (exit) await call.leaveForFailover(exit);
  await call.end('provider_error', failure.message);
}
