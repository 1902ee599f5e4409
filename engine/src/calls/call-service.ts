/**
 * The call engine as an EngineService: ARI link, media transports, providers,
 * the call controller, persistence, metrics, events, control-API handlers and
 * its part of /health. Each call keeps the config snapshot it started with.
 */
import type { EngineContext, EngineService } from '../engine-context.js';
import type { AgentConfig } from '../config/schema.js';
import type { HealthReport, TransportHealth } from '../api/health.js';
import type { CallSummary, TransportKind } from '../api/calls.js';
import { ApiError } from '../api/define.js';
import type { MediaTransport } from '../media/transport.js';
import type { FrameScheduler } from '../media/pacer.js';
import { createAudioSocketTransport } from '../media/audiosocket/audiosocket-transport.js';
import { createRtpTransport } from '../media/rtp/rtp-transport.js';
import { AriConnection, type AriSettings } from '../ari/ari-connection.js';
import type { BackoffOptions } from '../ari/backoff.js';
import type { LivenessOptions } from '../ari/liveness.js';
import { ProviderRegistry } from '../providers/registry.js';
import { CallStore } from './call-store.js';
import { CallController } from './call-controller.js';
import { Reconciler } from './reconcile.js';
import type { CallSession } from './call-session.js';
import { turnTotalMs } from './latency-tracker.js';
import { checkMediaDir } from './file-playback.js';

export interface CallServiceOptions {
  ariBackoff?: BackoffOptions;
  setupTimeoutMs?: number;
  /** Reconcile: wait before an unowned caller is judged again, ms (default 1000). */
  reconcileGraceMs?: number;
  /** ARI link options (tests: faster pings). */
  ariLiveness?: LivenessOptions;
  /** Shared outbound frame scheduler (bench: lateness hook). */
  scheduler?: FrameScheduler;
}

export interface CallService extends EngineService {
  readonly controller: CallController;
  readonly ari: AriConnection;
  readonly providers: ProviderRegistry;
  readonly reconciler: Reconciler;
  /** Started transports (leak checks, bench). */
  transports(): Map<TransportKind, MediaTransport>;
}

function ariSettings(cfg: AgentConfig): AriSettings {
  const a = cfg.asterisk;
  return { host: a.host, port: a.port, scheme: a.scheme, username: a.username, password: a.password, app_name: a.app_name };
}

export function createCallService(ctx: EngineContext): EngineService {
  return createCallServiceWith(ctx);
}

export function createCallServiceWith(ctx: EngineContext, opts: CallServiceOptions = {}): CallService {
  const log = ctx.log.child({ component: 'calls' });
  const store = new CallStore(ctx.db, { log });
  const providers = new ProviderRegistry({ log });
  const boot = ctx.config.current();
  const ari = new AriConnection(ariSettings(boot), { log, backoff: opts.ariBackoff, liveness: opts.ariLiveness });
  const transports = new Map<TransportKind, MediaTransport>();
  const starting = new Map<TransportKind, Promise<MediaTransport>>();
  const transportErrors = new Map<TransportKind, string>();
  const recorded = new Set<string>();
  const m = ctx.metrics;

  function buildTransport(kind: TransportKind, cfg: AgentConfig): MediaTransport {
    const onBytes = (dir: 'rx' | 'tx', n: number) => (dir === 'rx' ? m.rxBytes : m.txBytes).inc({ transport: kind }, n);
    if (kind === 'audiosocket') {
      const a = cfg.audiosocket;
      return createAudioSocketTransport({ host: a.host, advertiseHost: a.advertise_host, port: a.port, format: a.format, underrun: a.underrun, prebufferMs: cfg.playout.prebuffer_ms, log, onBytes, scheduler: opts.scheduler });
    }
    const e = cfg.external_media;
    return createRtpTransport({ host: e.rtp_host, advertiseHost: e.advertise_host, portRange: e.port_range, jitterBufferMs: e.jitter_buffer_ms, prebufferMs: cfg.playout.prebuffer_ms, log, onBytes, scheduler: opts.scheduler });
  }

  // Transport settings of the running listeners; a reload that changes them rebuilds the
  // listener once it carries no call (a listener cannot move while calls use its sockets).
  const builtWith = new Map<TransportKind, string>();
  const transportKey = (kind: TransportKind, cfg: AgentConfig) =>
    JSON.stringify(kind === 'audiosocket' ? [cfg.audiosocket, cfg.playout] : [cfg.external_media, cfg.playout]);

  let stopped = false;
  async function refreshTransports(): Promise<void> {
    if (stopped) return;
    const cfg = ctx.config.current();
    for (const [kind, t] of [...transports]) {
      if (builtWith.get(kind) === transportKey(kind, cfg)) continue;
      const st = t.stats();
      if (st.legs > 0 || st.pending > 0) continue; // retried when the last call on it ends
      transports.delete(kind);
      builtWith.delete(kind);
      await t.stop().catch(() => undefined);
      log.info({ transport: kind }, 'transport settings changed; restarting the listener');
      if (kind === cfg.audio_transport) await transport(kind).catch((err: Error) => log.error({ err: err.message }, 'media transport did not restart'));
    }
    // A listener that could not start (e.g. port in use) gets another try with the new settings.
    if (!transports.has(cfg.audio_transport) && !starting.has(cfg.audio_transport) && !stopped) {
      await transport(cfg.audio_transport).catch((err: Error) => log.error({ err: err.message }, 'media transport did not start'));
    }
  }

  function transport(kind: TransportKind): Promise<MediaTransport> {
    const have = transports.get(kind);
    if (have) return Promise.resolve(have);
    let p = starting.get(kind);
    if (!p) {
      p = (async () => {
        const t = buildTransport(kind, ctx.config.current());
        try {
          await t.start();
        } catch (err) {
          transportErrors.set(kind, (err as Error).message);
          starting.delete(kind);
          throw err;
        }
        transportErrors.delete(kind);
        transports.set(kind, t);
        builtWith.set(kind, transportKey(kind, ctx.config.current()));
        starting.delete(kind);
        return t;
      })();
      starting.set(kind, p);
    }
    return p;
  }

  function record(s: CallSession): void {
    if (recorded.has(s.id)) return;
    recorded.add(s.id);
    const r = s.resolved;
    store.insertCall({
      id: s.id,
      channelId: s.caller.id,
      uniqueId: s.caller.id,
      callerName: s.caller.caller?.name || undefined,
      callerNumber: s.caller.caller?.number || undefined,
      context: r?.context ?? 'default',
      provider: r?.provider ?? s.config.default_provider,
      transport: s.transport,
      greeting: r?.greeting ?? '',
      prompt: r?.prompt ?? '',
      sources: r?.sources ?? { provider: 'default', context: 'default', greeting: 'default', prompt: 'default', persona: 'default' },
      startedAt: s.startedAt,
    });
    m.activeCalls.inc();
  }

  const safe = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err: (err as Error).message }, `calls: ${what} failed`);
    }
  };

  const controller: CallController = new CallController(
    {
      ari: () => ari.rest,
      // The app name follows config reloads (the ARI link reconnects with it).
      get appName() {
        return ari.appName;
      },
      transport,
      providers,
      metrics: m,
      log,
      setupTimeoutMs: opts.setupTimeoutMs,
      started: (s) =>
        safe('start', () => {
          if (s.ended) return; // ended while reading its variables: the end hook records it
          record(s);
          ctx.bus.publish({ type: 'call.started', call: s.summary() });
        }),
      updated: (s) =>
        safe('update', () => {
          if (!recorded.has(s.id)) return;
          store.setState(s.id, s.state);
          ctx.bus.publish({ type: 'call.updated', call: s.summary() });
        }),
      ended: (s) =>
        safe('end', () => {
          record(s);
          recorded.delete(s.id);
          store.finishCall(s.id, { endedAt: s.endedAt ?? Date.now(), outcome: s.outcome ?? 'error', transferTarget: s.transferTarget, error: s.error });
          m.activeCalls.dec();
          m.callsTotal.inc({ outcome: s.outcome ?? 'error' });
          ctx.bus.publish({ type: 'call.ended', call: s.summary() });
          if (controller.active.length === 0) setImmediate(() => void refreshTransports());
        }),
      transcript: (l) =>
        safe('transcript', () => {
          const line = store.addTranscript(l.callId, l.role, l.text, l.at);
          ctx.bus.publish({ type: 'call.transcript', line });
        }),
      turn: (t) =>
        safe('turn', () => {
          store.addTurn(t);
          const labels = { provider: t.provider };
          const total = turnTotalMs(t);
          if (t.firstAudioMs !== null && total !== null) m.turnLatency.observe(labels, total / 1000);
          if (t.sttFinalMs !== null) m.sttLatency.observe(labels, t.sttFinalMs / 1000);
          if (t.llmFirstTokenMs !== null) m.llmLatency.observe(labels, (t.llmFirstTokenMs - (t.sttFinalMs ?? 0)) / 1000);
          if (t.ttsFirstByteMs !== null && t.llmFirstTokenMs !== null) m.ttsLatency.observe(labels, (t.ttsFirstByteMs - t.llmFirstTokenMs) / 1000);
          ctx.bus.publish({ type: 'call.turn', latency: t });
        }),
      tool: (r) =>
        safe('tool', () => {
          store.addTool(r);
          ctx.bus.publish({ type: 'call.tool', tool: r });
        }),
    },
    () => ctx.config.current(),
    log,
  );

  ari.events.on('event', (ev) => {
    try {
      controller.handle(ev);
    } catch (err) {
      log.error({ err: (err as Error).message, event: ev.type }, 'ARI event handling failed');
    }
  });
  const reconciler = new Reconciler({
    ari: () => ari.rest,
    appName: () => ari.appName,
    policy: () => ctx.config.current().orphaned_calls,
    owner: controller,
    log,
    reclaimed: (kind, n) => {
      if (n > 0) m.reclaimed.inc({ kind }, n);
    },
    graceMs: opts.reconcileGraceMs,
  });
  ari.events.on('connected', ({ reconnect }) => {
    m.ariConnected.set(1);
    if (!stopped) void reconciler.run(reconnect);
  });
  ari.events.on('disconnected', () => m.ariConnected.set(0));

  const live = (id: string): CallSession => {
    const s = controller.get(id);
    if (!s) throw new ApiError('not_found', `call ${id} is not active`);
    return s;
  };

  const service: CallService = {
    name: 'calls',
    controller,
    ari,
    providers,
    reconciler,
    transports: () => transports,

    async start() {
      const closed = store.closeOrphans(Date.now());
      if (closed) log.warn({ closed }, 'closed calls left open by a previous run');
      const cfg = ctx.config.current();
      providers.update(cfg);
      ctx.config.events.on('reloaded', (l) => {
        providers.update(l.config);
        ari.update(ariSettings(l.config));
        void refreshTransports();
      });
      if (cfg.downstream_mode === 'file') {
        try {
          checkMediaDir(cfg.media_dir);
        } catch (err) {
          log.error({ err: (err as Error).message }, 'file playback will fail');
        }
      }
      try {
        await transport(cfg.audio_transport);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'media transport did not start');
      }
      ari.start();
    },

    async stop(deadline: number) {
      stopped = true;
      reconciler.stop();
      controller.close();
      const ending = controller.active.map((s) => s.shutdown().catch(() => undefined));
      const left = Math.max(0, deadline - Date.now());
      await Promise.race([Promise.all(ending), new Promise((r) => setTimeout(r, left).unref())]);
      ari.stop();
      await Promise.all([...transports.values()].map((t) => t.stop().catch(() => undefined)));
      transports.clear();
      await providers.closeAll();
      store.close();
    },

    contributeHealth(report: HealthReport) {
      report.ari_connected = ari.connected;
      if (!ari.connected && ari.reason) report.ari_reason = ari.reason;
      const cfg = ctx.config.current();
      const kinds = new Set<TransportKind>([cfg.audio_transport, ...transports.keys()]);
      for (const k of kinds) {
        const t = transports.get(k);
        if (t) report.transports[k] = t.health();
        else {
          const bind = k === 'audiosocket' ? `${cfg.audiosocket.host}:${cfg.audiosocket.port}` : `${cfg.external_media.rtp_host}:${cfg.external_media.port_range.start}-${cfg.external_media.port_range.end}`;
          const advertise = k === 'audiosocket' ? `${cfg.audiosocket.advertise_host}:${cfg.audiosocket.port}` : cfg.external_media.advertise_host;
          const h: TransportHealth = { listening: false, bind, advertise, reason: transportErrors.get(k) ?? 'not started' };
          report.transports[k] = h;
        }
      }
      Object.assign(report.providers, providers.health());
      report.active_calls = controller.active.length;
      if (reconciler.last) report.last_reconcile = reconciler.last;
    },

    handlers: {
      'calls.active': () => controller.active.map((s): CallSummary => s.summary()),
      'calls.list': (args) => store.list(args),
      'calls.get': ({ id }) => {
        const d = store.get(id);
        const s = controller.get(id);
        return d && s ? { ...d, ...s.summary() } : d;
      },
      'calls.hangup': async ({ id }) => {
        await live(id).hangupNow();
        return { ok: true as const };
      },
      'calls.transfer': ({ id, destination }) => {
        try {
          live(id).requestTransfer(destination);
        } catch (err) {
          if (err instanceof ApiError) throw err;
          throw new ApiError('bad_request', (err as Error).message, { path: 'tools.transfer.destinations' });
        }
        return { ok: true as const };
      },
      'latency.points': ({ sinceMs, provider }) => store.latencyPoints(sinceMs, provider),
    },
  };
  return service;
}
