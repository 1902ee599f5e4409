/**
 * `on_provider_failure` (the global default) and `contexts.<name>.failover`:
 * what the caller hears when the provider fails (the fallback line, spoken by
 * the engine's own TTS, or a sound file), where the call goes then, and when
 * a silent provider counts as failed. The older `action: announce_hangup |
 * continue` still reads: it is `failover: hangup | continue`.
 */
import { z } from 'zod';

/** `hangup`, `continue` (into on_provider_failure.context/extension/priority) or `transfer:<destination>`. */
const FAILOVER_RE = /^(hangup|continue|transfer:[A-Za-z0-9_.-]+)$/;
export const failoverSchema = z.string().regex(FAILOVER_RE, 'use hangup, continue or transfer:<destination> (a name under tools.transfer.destinations)');
export type Failover = 'hangup' | 'continue' | `transfer:${string}`;

export const PROVIDER_FAILURE_DEFAULT = {
  failover: 'hangup' as Failover,
  message: 'Sorry, I am having trouble right now. Please call again later.',
  context: 'from-internal',
  extension: 's',
  priority: 1,
  provider_timeout_s: 10,
};

export const onProviderFailureSchema = z
  .object({
    /** The older spelling: announce_hangup = failover hangup, continue = failover continue. */
    action: z.enum(['announce_hangup', 'continue']).optional(),
    failover: failoverSchema.optional(),
    /** The fallback line (empty: none), spoken with the engine's own TTS. */
    message: z.string().default(PROVIDER_FAILURE_DEFAULT.message),
    /** A WAV file on the engine's machine played instead of the message. */
    sound: z.string().optional(),
    context: z.string().default(PROVIDER_FAILURE_DEFAULT.context),
    extension: z.string().default(PROVIDER_FAILURE_DEFAULT.extension),
    priority: z.number().int().min(1).default(PROVIDER_FAILURE_DEFAULT.priority),
    /** No first agent audio this long after the caller's turn ended (the end-of-turn decision) = the provider failed. */
    provider_timeout_s: z.number().min(0.5).max(120).default(PROVIDER_FAILURE_DEFAULT.provider_timeout_s),
  })
  .strict()
  .superRefine((p, ctx) => {
    const implied = p.action === 'continue' ? 'continue' : 'hangup';
    if (p.action && p.failover && p.failover !== implied) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: `action: ${p.action} contradicts failover: ${p.failover}; remove action (failover replaces it)` });
    }
  })
  .transform((p) => ({ ...p, failover: (p.failover ?? (p.action === 'continue' ? 'continue' : 'hangup')) as Failover }));

/** `transfer:<name>` values that name no transfer destination, with their YAML paths (checked on the raw tree). */
export function failoverReferenceIssues(raw: unknown): { path: (string | number)[]; message: string }[] {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const cfg = obj(raw);
  const destinations = Object.keys(obj(obj(obj(cfg.tools).transfer).destinations));
  const out: { path: (string | number)[]; message: string }[] = [];
  const check = (value: unknown, path: (string | number)[]) => {
    if (typeof value !== 'string' || !value.startsWith('transfer:')) return;
    const name = value.slice('transfer:'.length);
    if (!destinations.includes(name)) out.push({ path, message: `"${name}" is not a transfer destination (have: ${destinations.join(', ') || 'none; add one under tools.transfer.destinations'})` });
  };
  check(obj(cfg.on_provider_failure).failover, ['on_provider_failure', 'failover']);
  for (const [name, c] of Object.entries(obj(cfg.contexts))) check(obj(c).failover, ['contexts', name, 'failover']);
  return out;
}
