/**
 * Which OS notifications the engine's state deserves. Pure and stateful:
 * feed it health snapshots and bus events, it answers with notifications
 * (already filtered by the user's toggles). Only transitions notify, so a
 * health poll every few seconds never repeats itself.
 */
import type { ApiEvent } from '../engine/src/api/events.js';
import type { HealthReport } from '../engine/src/api/health.js';
import type { NotificationKind } from './prefs.js';

export interface DesktopNotification {
  kind: NotificationKind;
  title: string;
  body: string;
}

export class NotificationPolicy {
  private ari: boolean | undefined;
  private ariLostNotified = false;
  private providerReady = new Map<string, boolean>();
  private syncFailedThisRun = false;
  private negativeSeen = new Set<string>();

  constructor(private readonly enabled: () => Record<NotificationKind, boolean>) {}

  private emit(out: DesktopNotification[], n: DesktopNotification): void {
    if (this.enabled()[n.kind]) out.push(n);
  }

  health(h: HealthReport): DesktopNotification[] {
    const out: DesktopNotification[] = [];
    if (this.ari === true && !h.ari_connected) {
      this.ariLostNotified = true;
      this.emit(out, { kind: 'ariConnection', title: 'Asterisk ARI disconnected', body: h.ari_reason ?? 'The engine is reconnecting; new calls are not answered meanwhile.' });
    } else if (this.ari === false && h.ari_connected && this.ariLostNotified) {
      this.ariLostNotified = false;
      this.emit(out, { kind: 'ariConnection', title: 'Asterisk ARI reconnected', body: 'Calls are answered again.' });
    }
    this.ari = h.ari_connected;

    const newlyDown: string[] = [];
    for (const [name, p] of Object.entries(h.providers)) {
      const before = this.providerReady.get(name);
      if (!p.ready && before !== false) newlyDown.push(`${name}: ${p.reason ?? p.lastError ?? 'not ready'}`);
      this.providerReady.set(name, p.ready);
    }
    if (newlyDown.length > 0) {
      this.emit(out, {
        kind: 'providerNotReady',
        title: newlyDown.length === 1 ? 'Provider not ready' : `${newlyDown.length} providers not ready`,
        body: newlyDown.join('\n'),
      });
    }
    return out;
  }

  event(e: ApiEvent): DesktopNotification[] {
    const out: DesktopNotification[] = [];
    switch (e.type) {
      case 'health.changed':
        return this.health(e.health);
      case 'sync.progress':
        if (e.progress.phase === 'listing') this.syncFailedThisRun = false;
        if (e.progress.phase === 'failed' && !this.syncFailedThisRun) {
          this.syncFailedThisRun = true;
          this.emit(out, { kind: 'syncFailed', title: 'Recordings sync failed', body: e.progress.reason ?? 'See the Recordings page for details.' });
        }
        break;
      case 'sync.finished':
        if (e.summary.error && !this.syncFailedThisRun) {
          this.emit(out, { kind: 'syncFailed', title: 'Recordings sync failed', body: e.summary.error });
        }
        this.syncFailedThisRun = false;
        break;
      case 'recording.updated': {
        const r = e.recording;
        if (r.sentiment === 'negative' && !this.negativeSeen.has(r.id)) {
          this.negativeSeen.add(r.id);
          this.emit(out, { kind: 'negativeRecording', title: 'Negative call analyzed', body: `${r.name} was analyzed with negative sentiment.` });
        }
        break;
      }
      default:
        break;
    }
    return out;
  }
}

/** Live call count from call.started / call.ended (ids, so a repeated event never double-counts). */
export class CallCounter {
  private ids = new Set<string>();

  get count(): number {
    return this.ids.size;
  }

  /** Returns true when the count changed. */
  apply(e: ApiEvent): boolean {
    const before = this.ids.size;
    if (e.type === 'call.started') this.ids.add(e.call.id);
    else if (e.type === 'call.ended') this.ids.delete(e.call.id);
    else return false;
    return this.ids.size !== before;
  }

  reset(ids: Iterable<string>): void {
    this.ids = new Set(ids);
  }
}
