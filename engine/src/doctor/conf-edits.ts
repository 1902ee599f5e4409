/**
 * The exact file contents the doctor proposes (pure): http_custom.conf
 * bindaddr, the ARI user block, and extensions_custom.conf contexts that
 * route into the Stasis app. Each builder takes the current text (undefined
 * when the file does not exist) and returns the desired text; equal text
 * means "already applied".
 */
import { AsteriskConf } from './asterisk-conf.js';

export const MANAGED_COMMENT = '; added by AAVA Desktop doctor';

export function buildHttpCustom(current: string | undefined, bindaddr: string): string {
  const conf = new AsteriskConf(current ?? '');
  if (!conf.section('general')) conf.appendSection('general', [MANAGED_COMMENT]);
  conf.set('general', 'enabled', 'yes');
  conf.set('general', 'bindaddr', bindaddr);
  return conf.toString();
}

export interface AriUserSpec {
  username: string;
  password: string;
  readOnly: boolean;
}

/** An ARI user section as FreePBX writes it (type=user, read_only, password, password_format=plain). */
export function buildAriUser(current: string | undefined, user: AriUserSpec): string {
  const conf = new AsteriskConf(current ?? '');
  if (!conf.section(user.username)) conf.appendSection(user.username, [MANAGED_COMMENT]);
  conf.set(user.username, 'type', 'user');
  conf.set(user.username, 'read_only', user.readOnly ? 'yes' : 'no');
  conf.set(user.username, 'password', user.password);
  conf.set(user.username, 'password_format', 'plain');
  return conf.toString();
}

/** The AI context a call gets when AI_CONTEXT is unset: the guide's plain [from-ai-agent] reaches it. */
const DEFAULT_AI_CONTEXT = 'default';

/**
 * Dialplan context names for the app's config contexts: the guide's plain from-ai-agent (the `default`
 * context, no AI_CONTEXT needed) plus from-ai-agent-<ctx> setting AI_CONTEXT for every other context.
 */
export function dialplanContextNames(contexts: string[]): { dialplan: string; aiContext?: string }[] {
  const out: { dialplan: string; aiContext?: string }[] = [{ dialplan: 'from-ai-agent' }];
  for (const c of contexts) if (c !== DEFAULT_AI_CONTEXT) out.push({ dialplan: `from-ai-agent-${c}`, aiContext: c });
  return out;
}

function contextBody(appName: string, aiContext?: string): string[] {
  const body = [MANAGED_COMMENT, `exten => s,1,NoOp(AAVA AI voice agent${aiContext ? ` - ${aiContext}` : ''})`];
  if (aiContext) body.push(` same => n,Set(AI_CONTEXT=${aiContext})`);
  body.push(` same => n,Stasis(${appName})`, ' same => n,Hangup()');
  return body;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when a context body already sends calls to Stasis(appName). */
function bodyHasStasis(lines: string[], appName: string): boolean {
  const re = new RegExp(`Stasis\\(\\s*${escapeRe(appName)}\\s*[,)]`, 'i');
  return lines.some((l) => re.test(l.split(';')[0]!));
}

/**
 * Adds missing contexts; replaces the body of a context that exists but does
 * not reach Stasis(appName); leaves working contexts (even hand-edited) alone.
 */
export function buildExtensionsCustom(current: string | undefined, appName: string, contexts: string[]): string {
  const conf = new AsteriskConf(current ?? '');
  for (const { dialplan, aiContext } of dialplanContextNames(contexts)) {
    const body = conf.bodyLines(dialplan);
    if (body === undefined) conf.appendSection(dialplan, contextBody(appName, aiContext));
    else if (!bodyHasStasis(body, appName)) conf.replaceSectionBody(dialplan, contextBody(appName, aiContext));
  }
  return conf.toString();
}
