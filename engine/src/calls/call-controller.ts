/**
 * Routes ARI events to calls. A StasisStart is either one of our media legs
 * (recognised by the channel id we chose for it) or a caller (a new call).
 * Hangups, DTMF and playback events go to the call that owns the channel.
 * After an ARI reconnect, calls whose channels are gone are closed.
 */
import type { AriEvent } from '../ari/ari-types.js';
import type { AriRest } from '../ari/ari-rest.js';
import type { Logger } from '../observability/logger.js';
import type { AgentConfig } from '../config/schema.js';
import { CallSession, type CallHooks } from './call-session.js';

export class CallController {
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
        if (ch.id.startsWith('aava-')) {
          // A media leg of a call we no longer know (e.g. from before a restart).
          this.log.warn({ channel: ch.id }, 'orphan media leg entered Stasis; hanging it up');
          void this.hooks.ari()?.hangup(ch.id).catch(() => undefined);
          return;
        }
        if (/^(UnicastRTP|AudioSocket|WebSocket|Snoop|Announcer|Recorder)\//.test(ch.name)) {
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

  /**
   * After every (re)connect: calls whose caller (or media leg) no longer exists
   * are closed, and bridges/media legs of ours that no call owns (left by a
   * crash or restart) are removed from Asterisk.
   */
  async reconcile(ari: AriRest): Promise<number> {
    // Only calls that existed before the listing can be judged by it.
    const before = [...this.byId.values()];
    const channels = await ari.listChannels();
    const mine = (id: string) => /^aava-.+-media$/.test(id);
    // Ownership is checked at decision time: a call registers before it creates its bridge and leg.
    const ownBridge = (name: string) => this.byId.has(name.slice('aava-'.length));
    const ownLeg = (id: string) => this.legs.has(id) || this.byId.has(id.slice('aava-'.length, -'-media'.length));
    const bridged = new Set<string>();
    for (const b of await ari.listBridges().catch(() => [])) {
      b.channels.forEach((c) => bridged.add(c));
      // Another engine on the same PBX may own a bridge of that name: only one with no caller left is an orphan.
      if (b.name?.startsWith('aava-') && !ownBridge(b.name) && b.channels.every(mine)) {
        this.log.warn({ bridge: b.id }, 'removing an orphan bridge');
        await ari.destroyBridge(b.id).catch(() => undefined);
        b.channels.forEach((c) => bridged.delete(c));
      }
    }
    for (const c of channels) {
      if (mine(c.id) && !ownLeg(c.id) && !bridged.has(c.id)) {
        this.log.warn({ channel: c.id }, 'removing an orphan media leg');
        await ari.hangup(c.id).catch(() => undefined);
      }
    }
    const live = new Set(channels.map((c) => c.id));
    let closed = 0;
    for (const s of before) {
      if (s.ended) continue;
      if (!live.has(s.caller.id)) {
        s.callerLeft();
        closed++;
      } else if (s.state !== 'setup' && !live.has(s.legChannelId)) {
        s.legGone();
        closed++;
      }
    }
    if (closed) this.log.info({ closed }, 'reconciled calls after ARI reconnect');
    return closed;
  }
}
