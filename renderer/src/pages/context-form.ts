/** Pure helpers of the context editor: the form model and where each config issue belongs. */
import type { ConfigIssue, ContextInput, ContextView } from '../api/contract';

export type FieldKey = 'name' | 'greeting' | 'prompt' | 'provider' | 'tools' | 'destination' | 'voicemail' | 'failover';

export interface ContextForm {
  name: string;
  greeting: string;
  prompt: string;
  provider: string;
  tools: string[];
  destination: string;
  /** The voicemail tool's mailbox (e.g. 2000@default) and VoiceMail() options (u by default). */
  voicemailMailbox: string;
  voicemailOptions: string;
  /** '' = the global default (on_provider_failure.failover). */
  failover: string;
}

export const PROMPT_VARIABLES = [
  { token: '{caller_name}', help: 'Caller ID name' },
  { token: '{caller_number}', help: 'Caller ID number' },
] as const;

export const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function formFrom(c: ContextView | undefined): ContextForm {
  return {
    name: c?.name ?? '',
    greeting: c?.greeting ?? '',
    prompt: c?.prompt ?? '',
    provider: c?.provider ?? '',
    tools: c?.tools ? [...c.tools] : [],
    destination: c?.destination ?? '',
    voicemailMailbox: c?.voicemail?.mailbox ?? '',
    voicemailOptions: c?.voicemail?.options ?? 'u',
    failover: c?.failover ?? '',
  };
}

/** The contract's input: empty strings mean "not set" (inherit), so they are left out. */
export function toInput(f: ContextForm): ContextInput {
  const out: ContextInput = { tools: f.tools };
  if (f.greeting.trim()) out.greeting = f.greeting;
  if (f.prompt.trim()) out.prompt = f.prompt;
  if (f.provider) out.provider = f.provider;
  if (f.destination.trim()) out.destination = f.destination.trim();
  if (f.voicemailMailbox.trim()) out.voicemail = { mailbox: f.voicemailMailbox.trim(), options: f.voicemailOptions.trim() };
  if (f.failover) out.failover = f.failover;
  return out;
}

export function sameForm(a: ContextForm, b: ContextForm): boolean {
  return (
    a.name === b.name &&
    a.greeting === b.greeting &&
    a.prompt === b.prompt &&
    a.provider === b.provider &&
    a.destination === b.destination &&
    a.voicemailMailbox === b.voicemailMailbox &&
    a.voicemailOptions === b.voicemailOptions &&
    a.failover === b.failover &&
    a.tools.join('\u0000') === b.tools.join('\u0000')
  );
}

const FIELDS: FieldKey[] = ['greeting', 'prompt', 'provider', 'tools', 'destination', 'voicemail', 'failover'];

/**
 * Sorts issues by the form field they concern. Engine issues name the YAML path
 * (`contexts.sales.provider`); argument errors name the API path (`context.tools.0`, `name`).
 */
export function issuesByField(issues: ConfigIssue[], name: string): { byField: Partial<Record<FieldKey, ConfigIssue[]>>; other: ConfigIssue[] } {
  const byField: Partial<Record<FieldKey, ConfigIssue[]>> = {};
  const other: ConfigIssue[] = [];
  const push = (f: FieldKey, i: ConfigIssue) => (byField[f] ??= []).push(i);
  for (const i of issues) {
    const p = i.path;
    const yamlPrefix = `contexts.${name}.`;
    let rest: string | undefined;
    if (p.startsWith(yamlPrefix)) rest = p.slice(yamlPrefix.length);
    else if (p.startsWith('context.')) rest = p.slice('context.'.length);
    else if (p === 'name' || p === 'renameFrom' || p === `contexts.${name}`) {
      push('name', i);
      continue;
    }
    const field = rest?.split('.')[0] as FieldKey | undefined;
    if (field && FIELDS.includes(field)) push(field, i);
    else other.push(i);
  }
  return { byField, other };
}

/** Inserts `token` at the textarea selection and returns the new text and caret position. */
export function insertAt(text: string, start: number, end: number, token: string): { text: string; caret: number } {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  return { text: text.slice(0, s) + token + text.slice(e), caret: s + token.length };
}

/**
 * Variables used in the text that the caller id does not fill: `{customer_name}` or
 * `{customer_name|fallback}`. With a pre-call lookup they come from it; without one they are likely typos.
 */
export function unknownVariables(text: string): string[] {
  const known = new Set<string>(PROMPT_VARIABLES.map((v) => v.token));
  const found = [...text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)(?:\|[^{}]*)?\}/g)].map((m) => `{${m[1]}}`);
  return [...new Set(found.filter((t) => !known.has(t)))];
}
