/**
 * Pre-call lookup variables (pure): the CRM's reply becomes template
 * variables for the greeting and prompt (`{customer_name}`, with an optional
 * fallback: `{customer_name|there}`). Only flat values are taken: strings,
 * and numbers or booleans as text; keys are identifiers.
 */
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_VARS = 50;
const MAX_VALUE = 500;
/** Filled from the channel by resolveCall, never by the lookup. */
const RESERVED = new Set(['caller_name', 'caller_number']);
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,63})(?:\|([^{}]*))?\}/g;

export function parseLookupReply(reply: unknown): { variables: Record<string, string>; ignored: string[] } {
  const variables: Record<string, string> = {};
  const ignored: string[] = [];
  if (!reply || typeof reply !== 'object' || Array.isArray(reply)) return { variables, ignored };
  for (const [k, v] of Object.entries(reply)) {
    const flat = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    if (!KEY.test(k) || RESERVED.has(k) || flat === undefined || Object.keys(variables).length >= MAX_VARS) {
      ignored.push(k);
      continue;
    }
    variables[k] = flat.replace(/\s+/g, ' ').trim().slice(0, MAX_VALUE);
  }
  return { variables, ignored };
}

/**
 * Fills `{name}` / `{name|fallback}` from the variables. A placeholder without
 * a value takes its fallback, or `missing` (the greeting drops it, the prompt
 * says "unknown"), so a failed lookup is never spoken as a brace.
 */
export function fillVariables(text: string, vars: Record<string, string>, missing: string): string {
  return text.replace(PLACEHOLDER, (m, name: string, fallback: string | undefined) => {
    if (RESERVED.has(name)) return m;
    const v = vars[name];
    return v !== undefined && v !== '' ? v : (fallback ?? missing);
  });
}

/** Tidies a greeting after empty placeholders: "Hello , welcome" → "Hello, welcome". */
export function tidySpoken(text: string): string {
  return text.replace(/[ \t]{2,}/g, ' ').replace(/ +([,.!?;:])/g, '$1').replace(/^[ ,]+/, '').trim();
}

function usesVariables(text: string): boolean {
  return [...text.matchAll(PLACEHOLDER)].some((m) => !RESERVED.has(m[1]!));
}

/** Greeting and prompt with the lookup's variables applied; the prompt lists them when it names none. */
export function applyLookup(greeting: string, prompt: string, vars: Record<string, string>): { greeting: string; prompt: string } {
  const g = tidySpoken(fillVariables(greeting, vars, ''));
  let p = fillVariables(prompt, vars, 'unknown');
  const entries = Object.entries(vars);
  if (!usesVariables(prompt) && entries.length) p += `\n\nCaller details from the business's records: ${entries.map(([k, v]) => `${k}: ${v}`).join('; ')}`;
  return { greeting: g, prompt: p };
}
