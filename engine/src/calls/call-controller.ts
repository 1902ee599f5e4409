/**
 * Routes ARI events to calls. A StasisStart is either one of our media legs
 * (recognised by the channel id we chose for it) or a caller (a new call).
 * Hangups, DTMF and playback events go to the call that owns the channel.
 * It answers the reconciler's ownership questions (reconcile.ts).
 */
import type { AriEvent } from '../ari/ari-types.js';
import type { Logger } from '../observability/logger.js';
import type { AgentConfig } from '../config/schema.js';
import { CallSession, type CallHooks } from './call-session.js';
import { callIdOfLeg, isMediaChannel } from './ari-names.js';
import type { CallOwnership } from './reconcile.js';

export class CallController implements CallOwnership {
  /** By caller channel id. */
  readonly calls = new Map<string, CallSession>();
  private readonly byId = new Map<string, CallSession>();
  private readonly legs = new Map<string, CallSession>();
  private accepting = true;

  constructor(
    private readonly hooks: Omit<CallHooks, 'registerLeg' | 'unregisterLeg' | 'ended'> & { ended(s: CallSession): void },
    private readonly currentConfig: () => AgentConfig,
    private readonly log: Logger,
  ) {}

  get active(): CallSession[] {
    return [...this.byId.values()];
  }

  get(callId: string): CallSession | undefined {
    return this.byId.get(callId);
  }

  /** Stop taking new calls (shutdown). */
  close(): void {
    this.accepting = false;
  }

  handle(ev: AriEvent): void {
    if (ev.application && ev.application !== this.hooks.appName) return;
    const ch = ev.channel;
    switch (ev.type) {
      case 'StasisStart': {
        if (!ch) return;
        const leg = this.legs.get(ch.id);
        if (leg) return leg.legEnteredStasis();
        if (callIdOfLeg(ch.id) !== undefined) {
          // A media leg of a call we no longer know (e.g. from before a restart).
          this.log.warn({ channel: ch.id }, 'orphan media leg entered Stasis; hanging it up');
          void this.hooks.ari()?.hangup(ch.id).catch(() => undefined);
          return;
        }
        if (isMediaChannel(ch)) {
          // Media-only channels are never callers (e.g. a leg another client created).
          this.log.warn({ channel: ch.id, name: ch.name }, 'media channel that is not ours entered Stasis; ignored');
          return;
        }
        if (this.calls.has(ch.id)) return;
        if (!this.accepting) {
          void this.hooks.ari()?.hangup(ch.id).catch(() => undefined);
          return;
        }
        this.startCall(ch);
        return;
      }
      case 'StasisEnd':
      case 'ChannelHangupRequest':
      case 'ChannelDestroyed': {
        if (!ch) return;
        this.calls.get(ch.id)?.callerLeft();
        const leg = this.legs.get(ch.id);
        if (leg && ev.type !== 'StasisEnd') leg.legGone();
        return;
      }
      case 'ChannelDtmfReceived': {
        if (ch && ev.digit) this.calls.get(ch.id)?.conversation?.ariDtmf(ev.digit);
        return;
      }
      case 'PlaybackStarted':
      case 'PlaybackFinished': {
        const m = ev.playback ? /^aava-pb-(.+)-\d+$/.exec(ev.playback.id) : null;
        if (m) this.byId.get(m[1]!)?.conversation?.playbackEvent(ev.playback!.id, ev.type);
        return;
      }
      default:
        return;
    }
  }

  private startCall(ch: NonNullable<AriEvent['channel']>): void {
    const session = new CallSession(
      {
        ...this.hooks,
        registerLeg: (id, s) => this.legs.set(id, s),
        unregisterLeg: (id) => this.legs.delete(id),
        ended: (s) => {
          this.calls.delete(s.caller.id);
          this.byId.delete(s.id);
          this.hooks.ended(s);
        },
      },
      ch,
      this.currentConfig(),
    );
    this.calls.set(ch.id, session);
    this.byId.set(session.id, session);
    void session.run();
  }

  // ---- ownership, for the reconcile with the PBX (reconcile.ts) --------------

  ownsCall(callId: string): boolean {
    return this.byId.has(callId);
  }

  ownsCaller(channelId: string): boolean {
    return this.calls.has(channelId);
  }

  /** A leg is registered before externalMedia is requested; the call id in its name covers the rest. */
  ownsLeg(channelId: string): boolean {
    const callId = callIdOfLeg(channelId);
    return this.legs.has(channelId) || (callId !== undefined && this.byId.has(callId));
  }

  beginVanishedCheck(): (live: ReadonlySet<string>) => number {
    // Only calls that existed before the listing can be judged by it, and a leg only if it existed then.
    const before = [...this.byId.values()].filter((s) => !s.ended).map((s) => ({ s, legUp: s.state !== 'setup' }));
    return (live) => {
      let closed = 0;
      for (const { s, legUp } of before) {
        if (s.ended) continue;
        if (!live.has(s.caller.id)) {
          s.callerLeft();
          closed++;
        } else if (legUp && !live.has(s.legChannelId)) {
          s.legGone();
          closed++;
        }
      }
      return closed;
    };
  }
}
