/**
 * Where a call leaves the agent for the dialplan: a transfer destination,
 * the voicemail target (the mailbox goes in channel variables first), the
 * on_provider_failure `continue` target. Each is an ARI continue on the
 * caller's channel; the session sets its state and ends the call around it.
 */
import type { AgentConfig } from '../config/schema.js';
import type { AriRest } from '../ari/ari-rest.js';
import { continueToVoicemail } from '../tools/voicemail.js';

export interface DialplanExit {
  /** What the call's row shows as its transfer target. */
  target: string;
  /** For logs and the call's error: "<what> failed: …". */
  what: string;
  go(ari: AriRest, channelId: string): Promise<void>;
}

/** A configured transfer destination (undefined when the config does not name it). */
export function transferExit(config: AgentConfig, name: string): DialplanExit | undefined {
  const dest = config.tools.transfer.destinations[name];
  if (!dest) return undefined;
  return { target: name, what: `transfer to ${name}`, go: (ari, ch) => ari.continueInDialplan(ch, dest.context, dest.target, dest.priority) };
}

/** [integrations hook] the voicemail tool's action: mailbox variables, then the voicemail target (tools.voicemail). */
export function voicemailExit(config: AgentConfig, box: { mailbox: string; options: string }): DialplanExit {
  const t = config.tools.voicemail;
  return { target: `voicemail ${box.mailbox}`, what: `voicemail (${t.context},${t.extension},${t.priority})`, go: (ari, ch) => continueToVoicemail(ari, ch, t, box) };
}

/** on_provider_failure `continue` (also the engine's shutdown): back into the dialplan where the admin said. */
export function policyExit(policy: { context: string; extension: string; priority: number }): DialplanExit {
  const target = `${policy.context},${policy.extension},${policy.priority}`;
  return { target, what: `continue to ${target}`, go: (ari, ch) => ari.continueInDialplan(ch, policy.context, policy.extension, policy.priority) };
}
