/**
 * Secrets of the integrations and how they are kept out of what the model
 * hears, the call record and the logs (pure). A secret is any configured
 * header value (other than plainly public headers) and any webhook secret;
 * for `Bearer xyz`-style values the credential alone counts as well, so a
 * server that echoes only the token is caught too.
 */
import type { AgentConfig } from '../config/schema.js';

const PUBLIC_HEADERS = new Set(['accept', 'accept-language', 'content-type', 'content-language', 'user-agent', 'cache-control']);
/** Argument or result keys whose values are never stored or shown. */
const SENSITIVE_KEY = /password|passwd|passcode|secret|token|api[-_]?key|authorization|cookie|credential|^pin$|^cvv$|^cvc$/i;
export const REDACTED = '[redacted]';
/** Shorter values are too likely to occur by chance to be masked everywhere. */
const MIN_SECRET_LENGTH = 4;

export function headerSecrets(headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (PUBLIC_HEADERS.has(name.toLowerCase())) continue;
    out.push(value);
    const cred = /^(?:bearer|token|basic|apikey|key)\s+(\S+)$/i.exec(value.trim());
    if (cred) out.push(cred[1]!);
  }
  return out;
}

/** Every secret value the integrations of this config carry. */
export function integrationSecrets(config: AgentConfig): string[] {
  const all: string[] = [];
  for (const t of Object.values(config.tools.http)) all.push(...headerSecrets(t.headers));
  for (const s of Object.values(config.tools.mcp)) all.push(...headerSecrets(s.headers), ...Object.values(s.env));
  const w = config.webhooks;
  if (w.pre_call) all.push(...headerSecrets(w.pre_call.headers), w.pre_call.secret);
  if (w.post_call) all.push(...headerSecrets(w.post_call.headers), w.post_call.secret);
  // Longest first, so a value containing a shorter secret is masked whole.
  return [...new Set(all.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
}

function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A deep copy with secret values masked and sensitive keys' values replaced. */
export function redact(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEY.test(k) && v !== null && v !== '' ? REDACTED : redact(v, secrets, depth + 1);
  return out;
}
