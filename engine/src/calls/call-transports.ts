/**
 * The calls service's media listeners: one transport per kind, started on
 * first use on the engine's one media clock. A reload that changes a
 * transport's settings rebuilds its listener once it carries no call (a
 * listener cannot move while calls use its sockets); a listener that could
 * not start (e.g. port in use) gets another try with the new settings.
 */
import type { AgentConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { EngineMetrics } from '../observability/metrics.js';
import type { HealthReport } from '../api/health.js';
import type { TransportKind } from '../api/calls.js';
import type { MediaTransport } from '../media/transport.js';
import type { FrameScheduler } from '../media/pacer.js';
import { createAudioSocketTransport } from '../media/audiosocket/audiosocket-transport.js';
import { createWorkerAudioSocketTransport } from '../media/media-worker/worker-audiosocket-transport.js';
import { createRtpTransport } from '../media/rtp/rtp-transport.js';
import { createWebSocketTransport } from '../media/websocket/websocket-transport.js';

export interface CallTransportsDeps {
  config(): AgentConfig;
  log: Logger;
  metrics: EngineMetrics;
  scheduler: FrameScheduler;
  /** Media workers keep each frame's lateness for their stats (bench). */
  sampleLateness?: boolean;
}

/** The settings a listener was built with: a reload that changes them rebuilds it. */
function settingsKey(kind: TransportKind, cfg: AgentConfig): string {
  const a = cfg.asterisk;
  const own = kind === 'audiosocket' ? cfg.audiosocket : kind === 'websocket' ? [cfg.websocket, a.host, a.port, a.scheme] : cfg.external_media;
  return JSON.stringify([own, cfg.playout]);
}

/** What /health shows for a transport that is not running. */
function addresses(k: TransportKind, cfg: AgentConfig): { bind: string; advertise: string } {
  if (k === 'audiosocket') return { bind: `${cfg.audiosocket.host}:${cfg.audiosocket.port}`, advertise: `${cfg.audiosocket.advertise_host}:${cfg.audiosocket.port}` };
  if (k === 'websocket') {
    const a = cfg.asterisk;
    return { bind: 'none (the engine connects out)', advertise: `${a.scheme === 'https' ? 'wss' : 'ws'}://${a.host}:${a.port}/media/` };
  }
  const e = cfg.external_media;
  return { bind: `${e.rtp_host}:${e.port_range.start}-${e.port_range.end}`, advertise: e.advertise_host };
}

export class CallTransports {
  /** Started transports. */
  readonly running = new Map<TransportKind, MediaTransport>();
  private readonly starting = new Map<TransportKind, Promise<MediaTransport>>();
  private readonly errors = new Map<TransportKind, string>();
  private readonly builtWith = new Map<TransportKind, string>();
  /** Per transport kind: media bytes counted since the metrics were last read. */
  private readonly tallies = new Map<TransportKind, (dir: 'rx' | 'tx', n: number) => void>();
  private stopped = false;

  constructor(private readonly d: CallTransportsDeps) {}

  /** The running transport of `kind`, started if need be. */
  get(kind: TransportKind): Promise<MediaTransport> {
    const have = this.running.get(kind);
    if (have) return Promise.resolve(have);
    let p = this.starting.get(kind);
    if (!p) {
      p = this.start(kind);
      this.starting.set(kind, p);
    }
    return p;
  }

  /** After a reload or the last call on a listener: rebuild what changed, retry what did not start. */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    const { log } = this.d;
    const cfg = this.d.config();
    for (const [kind, t] of [...this.running]) {
      if (this.builtWith.get(kind) === settingsKey(kind, cfg)) continue;
      const st = t.stats();
      if (st.legs > 0 || st.pending > 0) continue; // retried when the last call on it ends
      this.running.delete(kind);
      this.builtWith.delete(kind);
      await t.stop().catch(() => undefined);
      log.info({ transport: kind }, 'transport settings changed; restarting the listener');
      if (kind === cfg.audio_transport) await this.get(kind).catch((err: Error) => log.error({ err: err.message }, 'media transport did not restart'));
    }
    if (!this.running.has(cfg.audio_transport) && !this.starting.has(cfg.audio_transport) && !this.stopped) {
      await this.get(cfg.audio_transport).catch((err: Error) => log.error({ err: err.message }, 'media transport did not start'));
    }
  }

  /** The engine is stopping: no more rebuilds or retries (calls still end on their listeners). */
  halt(): void {
    this.stopped = true;
  }

  async stop(): Promise<void> {
    this.halt();
    await Promise.all([...this.running.values()].map((t) => t.stop().catch(() => undefined)));
    this.running.clear();
  }

  /** Each configured or running transport in /health; one that is not listening says why. */
  contributeHealth(report: HealthReport): void {
    const cfg = this.d.config();
    const kinds = new Set<TransportKind>([cfg.audio_transport, ...this.running.keys()]);
    for (const k of kinds) {
      const t = this.running.get(k);
      if (t) report.transports[k] = t.health();
      else {
        report.transports[k] = { listening: false, ...addresses(k, cfg), reason: this.errors.get(k) ?? 'not started' };
      }
    }
  }

  private async start(kind: TransportKind): Promise<MediaTransport> {
    const t = this.build(kind, this.d.config());
    try {
      await t.start();
    } catch (err) {
      this.errors.set(kind, (err as Error).message);
      this.starting.delete(kind);
      throw err;
    }
    this.errors.delete(kind);
    this.running.set(kind, t);
    this.builtWith.set(kind, settingsKey(kind, this.d.config()));
    this.starting.delete(kind);
    return t;
  }

  /** Bytes per frame add up in plain numbers; the counters get them whenever metrics are read. */
  private byteTally(kind: TransportKind): (dir: 'rx' | 'tx', n: number) => void {
    let tally = this.tallies.get(kind);
    if (!tally) {
      const t = { rx: 0, tx: 0 };
      const m = this.d.metrics;
      m.beforeRead(() => {
        if (t.rx) m.rxBytes.inc({ transport: kind }, t.rx);
        if (t.tx) m.txBytes.inc({ transport: kind }, t.tx);
        t.rx = t.tx = 0;
      });
      tally = (dir, n) => {
        if (dir === 'rx') t.rx += n;
        else t.tx += n;
      };
      this.tallies.set(kind, tally);
    }
    return tally;
  }

  private build(kind: TransportKind, cfg: AgentConfig): MediaTransport {
    const { log, metrics: m, scheduler } = this.d;
    const common = {
      scheduler,
      onBytes: this.byteTally(kind),
      onInboundFills: (n: number) => m.inboundFills.inc({ transport: kind }, n),
    };
    if (kind === 'audiosocket') {
      const a = cfg.audiosocket;
      const o = { host: a.host, advertiseHost: a.advertise_host, port: a.port, format: a.format, underrun: a.underrun, prebufferMs: cfg.playout.prebuffer_ms, log, ...common };
      return a.media_workers > 0 ? createWorkerAudioSocketTransport({ ...o, workers: a.media_workers, nice: a.media_worker_nice, realtime: a.media_worker_realtime, sampleLateness: this.d.sampleLateness }) : createAudioSocketTransport(o);
    }
    if (kind === 'websocket') {
      const a = cfg.asterisk;
      const onFlowEvent = (event: 'xoff' | 'xon' | 'flush') => m.websocketFlowEvents.inc({ event });
      return createWebSocketTransport({ host: a.host, port: a.port, scheme: a.scheme, format: cfg.websocket.format, prebufferMs: cfg.playout.prebuffer_ms, log, onFlowEvent, ...common });
    }
    const e = cfg.external_media;
    return createRtpTransport({ host: e.rtp_host, advertiseHost: e.advertise_host, portRange: e.port_range, jitterBufferMs: e.jitter_buffer_ms, prebufferMs: cfg.playout.prebuffer_ms, log, ...common });
  }
}
