/**
 * `voicemail`: send the caller to VoiceMail(<mailbox>). After the agent's last
 * sentence has played, the call sets two channel variables and continues in a
 * small dialplan target (default `aava-voicemail,s,1`) that the doctor checks
 * and can add:
 *
 *   [aava-voicemail]
 *   exten => s,1,NoOp(AAVA AI voice agent - voicemail)
 *    same => n,VoiceMail(${AAVA_VOICEMAIL_BOX},${AAVA_VOICEMAIL_OPTS})
 *    same => n,Hangup()
 */
import type { AgentConfig } from '../config/schema.js';
import type { EngineTool } from './tool.js';

const VOICEMAIL_BOX_VAR = 'AAVA_VOICEMAIL_BOX';
const VOICEMAIL_OPTS_VAR = 'AAVA_VOICEMAIL_OPTS';

/** The dialplan target's body (without the [context] header), one line each. */
export function voicemailDialplanBody(): string[] {
  return [
    'exten => s,1,NoOp(AAVA AI voice agent - voicemail)',
    ` same => n,VoiceMail(\${${VOICEMAIL_BOX_VAR}},\${${VOICEMAIL_OPTS_VAR}})`,
    ' same => n,Hangup()',
  ];
}

/** The mailbox of a context (its own, else tools.voicemail.mailbox). */
function mailboxFor(config: AgentConfig, context: string): { mailbox: string; options: string } | undefined {
  const own = config.contexts[context]?.voicemail;
  if (own) return { mailbox: own.mailbox, options: own.options };
  const fallback = config.tools.voicemail.mailbox;
  return fallback ? { mailbox: fallback, options: 'u' } : undefined;
}

export const voicemailTool: EngineTool = {
  name: 'voicemail',
  spec() {
    return {
      name: 'voicemail',
      description:
        'Send the caller to voicemail so they can leave a message (e.g. when nobody can take the call or they ask to leave a message). Say one short sentence first; the caller is sent once you finish speaking.',
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string', description: 'Why the caller goes to voicemail (for the call log)' } },
        additionalProperties: false,
      },
    };
  },
  run(_args, ctx) {
    const box = mailboxFor(ctx.config, ctx.context);
    if (!box) return { ok: false, output: { error: `no voicemail box is configured for context "${ctx.context}"` } };
    return { ok: true, output: { status: 'sending caller to voicemail' }, after: { action: 'voicemail', mailbox: box.mailbox, options: box.options } };
  },
};

/** What ARI needs to send a caller to voicemail. */
export interface VoicemailAri {
  setVar(channelId: string, variable: string, value: string): Promise<void>;
  continueInDialplan(channelId: string, context: string, extension: string, priority: number): Promise<void>;
}

/** Sets the mailbox variables on the caller's channel, then continues into the voicemail target. */
export async function continueToVoicemail(ari: VoicemailAri, channelId: string, target: AgentConfig['tools']['voicemail'], box: { mailbox: string; options: string }): Promise<void> {
  await ari.setVar(channelId, VOICEMAIL_BOX_VAR, box.mailbox);
  await ari.setVar(channelId, VOICEMAIL_OPTS_VAR, box.options);
  await ari.continueInDialplan(channelId, target.context, target.extension, target.priority);
}
