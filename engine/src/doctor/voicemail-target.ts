/**
 * The voicemail tool's dialplan target (default `aava-voicemail,s,1`): a
 * check that it exists and runs VoiceMail() when a context uses the tool,
 * and a fix that adds it to extensions_custom.conf (extensions.conf without
 * FreePBX). The target's body is tools/voicemail.ts's voicemailDialplanBody().
 */
import type { CheckResult } from '../api/doctor.js';
import { parseDialplanShow } from './cli-parsers.js';
import { AsteriskConf } from './asterisk-conf.js';
import { MANAGED_COMMENT } from './conf-edits.js';
import { check, FIX, type DoctorInputs } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';
import type { FixAction } from './fixes.js';
import { shellQuote, type RemoteShell } from './ssh-session.js';
import { trimOutput } from './remote-batch.js';
import { voicemailDialplanBody } from '../tools/voicemail.js';

/** The target with its VoiceMail() step added (pure; a working hand-made target is left alone). */
export function buildVoicemailTarget(current: string | undefined, context: string): string {
  const conf = new AsteriskConf(current ?? '');
  const body = conf.bodyLines(context);
  const runsVoicemail = body?.some((l) => /VoiceMail\(/i.test(l.split(';')[0]!));
  if (body === undefined) conf.appendSection(context, [MANAGED_COMMENT, ...voicemailDialplanBody()]);
  else if (!runsVoicemail) conf.replaceSectionBody(context, [MANAGED_COMMENT, ...voicemailDialplanBody()]);
  return conf.toString();
}

export async function voicemailTargetCheck(shell: RemoteShell, f: PbxFacts, inp: DoctorInputs): Promise<CheckResult> {
  const vm = inp.voicemail;
  const title = `Voicemail target ${vm?.context ?? 'aava-voicemail'},${vm?.extension ?? 's'},${vm?.priority ?? 1}`;
  if (!vm?.used) return check('voicemail-target', title, 'skip', [], 'No context uses the voicemail tool.');
  const command = `asterisk -rx ${shellQuote(`dialplan show ${vm.context}`)}`;
  const r = await shell.exec(command, { privileged: true, timeoutMs: 30_000 });
  const ev = [{ command, output: trimOutput(r.stdout + r.stderr) }];
  const c = parseDialplanShow(r.stdout, vm.context);
  const file = f.confFiles.extensions;
  const snippet = `[${vm.context}]\n${voicemailDialplanBody().join('\n')}`;
  if (!c.exists) return check('voicemail-target', title, 'fail', ev, `Context ${vm.context} does not exist, so the voicemail tool would drop callers: add it to ${file}:\n${snippet}`, [FIX.voicemail]);
  const step = c.priorities.find((p) => p.app.toLowerCase() === 'voicemail');
  if (!step) return check('voicemail-target', title, 'fail', ev, `${vm.context} never runs VoiceMail(); it should be:\n${snippet}`, [FIX.voicemail]);
  if (!/AAVA_VOICEMAIL_BOX/.test(step.args)) return check('voicemail-target', title, 'warn', ev, `${vm.context} runs VoiceMail(${step.args}) but not the mailbox the agent chose (\${AAVA_VOICEMAIL_BOX}).`);
  return check('voicemail-target', `${title} → VoiceMail()`, 'pass', ev);
}

/** The fix: the target in the dialplan file (composes with other edits of the same file). */
export function voicemailFix(f: PbxFacts, inp: DoctorInputs, wanted: Set<string>): FixAction {
  const path = f.confFiles.extensions;
  const context = inp.voicemail?.context ?? 'aava-voicemail';
  const edit = (text: string | undefined) => buildVoicemailTarget(text, context);
  const before = f.files[path];
  const after = wanted.has(FIX.voicemail) ? edit(before) : before;
  return {
    id: FIX.voicemail,
    title: `Voicemail target [${context}] for the voicemail tool (${path.replace(/^.*\//, '')})`,
    files: after !== undefined && after !== before ? [{ path, before, after, edit }] : [],
    commands: [],
    undo: [],
    reload: ['dialplan'],
    secrets: [],
    needed: wanted.has(FIX.voicemail),
  };
}
