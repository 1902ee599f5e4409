/**
 * Which media transports calls can use, for the checks that depend on it:
 * `audio_transport` from the app's config, plus every `Set(AI_TRANSPORT=…)`
 * before `Stasis()` in the app's dialplan contexts as Asterisk has them loaded
 * (a context can send its calls over another transport than the default).
 */
import type { TransportKind } from '../api/calls.js';
import type { DialplanContext } from './cli-parsers.js';
import type { DoctorInputs } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';

const KINDS: readonly TransportKind[] = ['audiosocket', 'externalmedia', 'websocket'];

/** The AI_TRANSPORT=… value set before Stasis, if it names a transport. */
function aiTransportOf(ctx: DialplanContext): TransportKind | undefined {
  for (const p of ctx.priorities) {
    if (p.app.toLowerCase() === 'stasis') break;
    const m = /^AI_TRANSPORT=(.*)$/.exec(p.args);
    const v = m?.[1]?.trim().toLowerCase();
    if (p.app.toLowerCase() === 'set' && v && (KINDS as readonly string[]).includes(v)) return v as TransportKind;
  }
  return undefined;
}

/** Each transport in use, with why: `audio_transport` or the dialplan contexts that choose it. */
export function transportsInUse(f: Pick<PbxFacts, 'dialplan'>, inp: Pick<DoctorInputs, 'transport'>): Map<TransportKind, string> {
  const uses = new Map<TransportKind, string[]>([[inp.transport, ['audio_transport']]]);
  for (const [name, ctx] of Object.entries(f.dialplan ?? {})) {
    const t = ctx.exists ? aiTransportOf(ctx) : undefined;
    if (!t) continue;
    const list = uses.get(t) ?? [];
    list.push(`[${name}] Set(AI_TRANSPORT=${t})`);
    uses.set(t, list);
  }
  return new Map([...uses].map(([k, why]) => [k, why.join(', ')]));
}
