/**
 * From an ARI channel to resolveCall's input (pure). AI_* variables come from
 * the channel's `channelvars` (ari.conf `channelvars = AI_PROVIDER,...`) or,
 * when not listed there, from GET /channels/{id}/variable; caller id from
 * the channel object.
 */
import type { AriChannel } from '../ari/ari-types.js';
import type { ChannelVars } from './resolve-call.js';

const AI_VARS = ['AI_PROVIDER', 'AI_CONTEXT', 'AI_GREETING', 'AI_PERSONA', 'AI_TRANSPORT'] as const;
export type AiVar = (typeof AI_VARS)[number];

/** AI_* variables the snapshot does not carry (they must be fetched one by one). */
export function varsToFetch(ch: AriChannel): AiVar[] {
  const have = ch.channelvars ?? {};
  return AI_VARS.filter((v) => !(v in have));
}

export function channelVars(ch: AriChannel, fetched: Partial<Record<AiVar, string | undefined>> = {}): ChannelVars {
  const out: ChannelVars = {};
  for (const v of AI_VARS) {
    const value = ch.channelvars?.[v] ?? fetched[v];
    if (value !== undefined && value !== '') out[v] = value;
  }
  const name = ch.caller?.name?.trim();
  const num = ch.caller?.number?.trim();
  if (name) out.callerName = name;
  if (num) out.callerNumber = num;
  return out;
}

/** Our media legs carry ids we chose (channelId on externalMedia/originate). */
export function mediaLegChannelId(callId: string): string {
  return `aava-${callId}-media`;
}

/**
 * Drops the second report of one key press: AudioSocket 0x03 and ARI
 * ChannelDtmfReceived both deliver bridged DTMF.
 */
export class DtmfDedupe {
  private last: { digit: string; at: number; source: string } | undefined;
  constructor(private readonly windowMs = 150) {}

  accept(digit: string, source: 'media' | 'ari', at: number): boolean {
    const l = this.last;
    if (l && l.digit === digit && l.source !== source && at - l.at < this.windowMs) {
      this.last = undefined;
      return false;
    }
    this.last = { digit, at, source };
    return true;
  }
}
