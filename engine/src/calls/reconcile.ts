/**
 * Reconcile with the PBX on every ARI (re)connect, the first one included:
 * what a crashed or killed engine left behind is reclaimed, so no caller
 * sits in silence inside our Stasis app and nothing of ours stays on the PBX.
 *
 * - our bridges (`aava-<app>-…`) that no live call owns are destroyed, even
 *   with callers inside (pre-app-prefix `aava-<uuid>` bridges only when no
 *   caller is in them: another engine might own those);
 * - our media legs (`aava-<callId>-media`) in our app that no call owns are
 *   hung up;
 * - callers sitting in our Stasis app that no live call owns get the
 *   `orphaned_calls` policy: `continue` (back into the dialplan after
 *   `Stasis()`, where the admin's fallback lives) or `hangup`. They are
 *   judged twice, `graceMs` apart, so a StasisStart still on its way is not
 *   mistaken for an orphan;
 * - live calls whose caller or media leg vanished meanwhile are closed.
 *
 * Ownership is checked when each action is taken, not from the listing: a
 * call registers before it creates its bridge and leg.
 */
import type { AriRest } from '../ari/ari-rest.js';
import type { AriBridge, AriChannel } from '../ari/ari-types.js';
import { AriError } from '../ari/ari-types.js';
import type { Logger } from '../observability/logger.js';
import type { ReconcileReport } from '../api/health.js';
import { callIdOfBridge, callIdOfLeg, callIdOfLegacyBridge, isMediaChannel, stasisAppOf } from './ari-names.js';

export type ReclaimKind = 'bridge' | 'caller' | 'media_leg' | 'call';

/** What the reconciler asks the call controller. */
export interface CallOwnership {
  ownsCall(callId: string): boolean;
  ownsCaller(channelId: string): boolean;
  ownsLeg(channelId: string): boolean;
  /**
   * Called before the channel listing; the returned function, given the listed channel ids,
   * closes the calls of that moment whose caller or media leg is missing, and says how many.
   */
  beginVanishedCheck(): (live: ReadonlySet<string>) => number;
}

export interface ReconcilerDeps {
  ari(): AriRest | undefined;
  appName(): string;
  policy(): 'continue' | 'hangup';
  owner: CallOwnership;
  log: Logger;
  reclaimed(kind: ReclaimKind, n: number): void;
  /** Wait before an unowned caller is judged a second time, ms (default 1000). */
  graceMs?: number;
}

/** True when the request succeeded (a 404 means someone else already removed it: not counted). */
const done = (p: Promise<unknown>): Promise<boolean> => p.then(
  () => true,
  () => false,
);

export class Reconciler {
  /** The last finished reconcile (health). */
  last?: ReconcileReport;
  private running?: Promise<ReconcileReport>;
  private again = false;
  private stopped = false;

  constructor(private readonly d: ReconcilerDeps) {}

  /** Engine shutdown: a run in progress takes no further action (the calls' own shutdown owns their callers). */
  stop(): void {
    this.stopped = true;
  }

  /** Runs now, or once more right after the run in progress (connects can come in quick succession). */
  run(reconnect: boolean): Promise<ReconcileReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const p = (async () => {
      let report: ReconcileReport;
      do {
        this.again = false;
        report = await this.once(reconnect);
        this.last = report;
      } while (this.again);
      return report;
    })().finally(() => (this.running = undefined));
    this.running = p;
    return p;
  }

  private async once(reconnect: boolean): Promise<ReconcileReport> {
    const started = Date.now();
    const report: ReconcileReport = { at: new Date(started).toISOString(), reconnect, reclaimed: { bridges: 0, callers: 0, media_legs: 0, calls: 0 }, duration_ms: 0 };
    const ari = this.d.ari();
    try {
      if (!ari) throw new Error('ARI REST is not loaded');
      const closeVanished = this.d.owner.beginVanishedCheck();
      const [channels, bridges] = await Promise.all([ari.listChannels(), ari.listBridges()]);
      report.reclaimed.bridges = await this.bridges(ari, bridges);
      report.reclaimed.media_legs = await this.legs(ari, channels);
      report.reclaimed.calls = closeVanished(new Set(channels.map((c) => c.id)));
      report.reclaimed.callers = await this.callers(ari, channels);
    } catch (err) {
      report.error = (err as Error).message;
      this.d.log.warn({ err: report.error, reconnect }, 'reconcile with the PBX failed');
    }
    report.duration_ms = Date.now() - started;
    const r = report.reclaimed;
    this.d.reclaimed('bridge', r.bridges);
    this.d.reclaimed('media_leg', r.media_legs);
    this.d.reclaimed('call', r.calls);
    this.d.reclaimed('caller', r.callers);
    if (r.bridges + r.media_legs + r.calls + r.callers > 0) this.d.log.info({ ...r, reconnect }, 'reconciled with the PBX');
    return report;
  }

  private async bridges(ari: AriRest, bridges: AriBridge[]): Promise<number> {
    const app = this.d.appName();
    let n = 0;
    for (const b of bridges) {
      const callId = callIdOfBridge(app, b.name);
      const legacy = callId ? undefined : callIdOfLegacyBridge(b.name);
      const orphan =
        (callId !== undefined && !this.d.owner.ownsCall(callId)) ||
        (legacy !== undefined && !this.d.owner.ownsCall(legacy) && b.channels.every((c) => callIdOfLeg(c) !== undefined));
      if (!orphan || this.stopped) continue;
      this.d.log.warn({ bridge: b.id, name: b.name, channels: b.channels.length }, 'destroying a bridge no live call owns');
      if (await done(ari.destroyBridge(b.id))) n++;
    }
    return n;
  }

  private async legs(ari: AriRest, channels: AriChannel[]): Promise<number> {
    const app = this.d.appName();
    let n = 0;
    for (const c of channels) {
      if (this.stopped || callIdOfLeg(c.id) === undefined || stasisAppOf(c) !== app || this.d.owner.ownsLeg(c.id)) continue;
      this.d.log.warn({ channel: c.id }, 'hanging up a media leg no call owns');
      if (await done(ari.hangup(c.id))) n++;
    }
    return n;
  }

  /** Callers in our app without a call: judged now and again after the grace, then reclaimed per policy. */
  private async callers(ari: AriRest, channels: AriChannel[]): Promise<number> {
    const app = this.d.appName();
    const unowned = (c: AriChannel) => stasisAppOf(c) === app && callIdOfLeg(c.id) === undefined && !isMediaChannel(c) && !this.d.owner.ownsCaller(c.id);
    const first = channels.filter(unowned);
    if (first.length === 0) return 0;
    await new Promise((r) => setTimeout(r, this.d.graceMs ?? 1000));
    if (this.stopped) return 0;
    const again = new Map((await ari.listChannels()).map((c) => [c.id, c]));
    let n = 0;
    for (const c of first) {
      const now = again.get(c.id);
      if (!now || !unowned(now) || this.stopped) continue;
      if (await this.reclaimCaller(ari, now)) n++;
    }
    return n;
  }

  private async reclaimCaller(ari: AriRest, c: AriChannel): Promise<boolean> {
    const policy = this.d.policy();
    const where = c.dialplan ? `${c.dialplan.context},${c.dialplan.exten},${c.dialplan.priority}` : undefined;
    if (policy === 'continue') {
      try {
        await ari.continueAfterStasis(c.id);
        this.d.log.warn({ channel: c.id, from: where }, 'caller left in our Stasis app by no live call: sent back to the dialplan');
        return true;
      } catch (err) {
        // Gone or left Stasis meanwhile: nothing to do. Anything else: never leave the caller in silence.
        if (err instanceof AriError && (err.notFound || err.notInStasis)) return false;
        this.d.log.warn({ channel: c.id, err: (err as Error).message }, 'continue failed; hanging the orphaned caller up');
      }
    }
    const ok = await done(ari.hangup(c.id));
    if (ok) this.d.log.warn({ channel: c.id, from: where }, 'caller left in our Stasis app by no live call: hung up');
    return ok;
  }
}
