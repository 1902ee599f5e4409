/**
 * The call engine as an EngineService: ARI link, media transports, providers,
 * the call controller, persistence, metrics, events, control-API handlers and
 * its part of /health. Each call keeps the config snapshot it started with.
 */
import type { EngineContext, EngineService } from '../engine-context.js';
import type { AgentConfig } from '../config/schema.js';
import type { HealthReport } from '../api/health.js';
import type { CallSummary, TransportKind } from '../api/calls.js';
import { ApiError } from '../api/define.js';
import type { MediaTransport } from '../media/transport.js';
import { FrameScheduler } from '../media/pacer.js';
import { AriConnection, type AriSettings } from '../ari/ari-connection.js';
import type { BackoffOptions } from '../ari/backoff.js';
import type { LivenessOptions } from '../ari/liveness.js';
import { ProviderRegistry } from '../providers/registry.js';
import { CallStore } from './call-store.js';
import { CallController } from './call-controller.js';
import { Reconciler } from './reconcile.js';
import type { CallSession } from './call-session.js';
import { CallTransports } from './call-transports.js';
import { callRecordHooks } from './call-records.js';
import { checkMediaDir } from './file-playback.js';
import { startLevelsPublisher } from './levels-publisher.js';
import { CallIntegrations } from '../integrations/call-integrations.js';

export interface CallServiceOptions {
  ariBackoff?: BackoffOptions;
  setupTimeoutMs?: number;
  /** Reconcile: wait before an unowned caller is judged again, ms (default 1000). */
  reconcileGraceMs?: number;
  /** ARI link options (tests: faster pings). */
  ariLiveness?: LivenessOptions;
  /** The engine's one media clock, shared by every transport (bench: lateness hook); by default the service owns one. */
  scheduler?: FrameScheduler;
  /** Media workers keep each frame's lateness for their stats (bench). */
  sampleMediaLateness?: boolean;
}

export interface CallService extends EngineService {
  readonly controller: CallController;
  readonly ari: AriConnection;
  readonly providers: ProviderRegistry;
  readonly reconciler: Reconciler;
  /** [integrations hook] pre-call lookup, tools, post-call webhooks. */
  readonly integrations: CallIntegrations;
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
  // Nothing on the call path writes SQLite at once but the call row before the answer (call-store.ts).
  const store = new CallStore(ctx.db, { log });
  const providers = new ProviderRegistry({ log });
  const ari = new AriConnection(ariSettings(ctx.config.current()), { log, backoff: opts.ariBackoff, liveness: opts.ariLiveness });
  const m = ctx.metrics;
  // One media clock (one timer) for every leg of every transport: inbound fill, alarms, outbound pacing.
  const scheduler = opts.scheduler ?? new FrameScheduler();
  const transports = new CallTransports({ config: () => ctx.config.current(), log, metrics: m, scheduler, sampleLateness: opts.sampleMediaLateness });
  let stopLevels: (() => void) | undefined;
  let stopped = false;

  const records = callRecordHooks(ctx, store, log, (s) => {
    // [integrations hook] post-call webhook: built from the final row, stored in the same write-behind batch.
    store.defer(() => integrations.callEnded(s.id));
    if (controller.active.length === 0) setImmediate(() => void transports.refresh());
  });
  // [integrations hook] built here, started/stopped/reloaded with the service, handed to every call.
  const integrations = new CallIntegrations({
    ctx,
    log: log.child({ component: 'integrations' }),
    recordTool: records.tool,
    callDetail: (id) => store.get(id),
    writeBehind: (write) => store.defer(write),
  });

  const controller: CallController = new CallController(
    {
      ari: () => ari.rest,
      // The app name follows config reloads (the ARI link reconnects with it).
      get appName() {
        return ari.appName;
      },
      transport: (kind) => transports.get(kind),
      providers,
      metrics: m,
      log,
      setupTimeoutMs: opts.setupTimeoutMs,
      integrations,
      ...records,
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

  const service: CallService = {
    name: 'calls',
    controller,
    ari,
    providers,
    reconciler,
    integrations,
    transports: () => transports.running,

    async start() {
      const closed = store.closeOrphans(Date.now());
      if (closed) log.warn({ closed }, 'closed calls left open by a previous run');
      const cfg = ctx.config.current();
      providers.update(cfg);
      integrations.start(cfg); // [integrations hook]
      ctx.config.events.on('reloaded', (l) => {
        providers.update(l.config);
        integrations.update(l.config); // [integrations hook]
        ari.update(ariSettings(l.config));
        void transports.refresh();
      });
      if (cfg.downstream_mode === 'file') {
        try {
          checkMediaDir(cfg.media_dir);
        } catch (err) {
          log.error({ err: (err as Error).message }, 'file playback will fail');
        }
      }
      try {
        await transports.get(cfg.audio_transport);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'media transport did not start');
      }
      ari.start();
      stopLevels = startLevelsPublisher(
        () => controller.active.map((s) => ({ id: s.id, levels: () => s.conversation?.levels() })),
        (ev) => ctx.bus.publish(ev),
      );
    },

    async stop(deadline: number) {
      stopped = true;
      reconciler.stop();
      transports.halt();
      controller.close();
      const ending = controller.active.map((s) => s.shutdown().catch(() => undefined));
      const left = Math.max(0, deadline - Date.now());
      await Promise.race([Promise.all(ending), new Promise((r) => setTimeout(r, left).unref())]);
      ari.stop();
      await transports.stop();
      stopLevels?.();
      if (!opts.scheduler) scheduler.stop();
      await providers.closeAll();
      store.close(); // the last rows and post-call documents are written before the webhook queue stops
      await integrations.stop(); // [integrations hook]
    },

    contributeHealth(report: HealthReport) {
      report.ari_connected = ari.connected;
      if (!ari.connected && ari.reason) report.ari_reason = ari.reason;
      transports.contributeHealth(report);
      Object.assign(report.providers, providers.health());
      report.active_calls = controller.active.length;
      if (reconciler.last) report.last_reconcile = reconciler.last;
    },

    handlers: callHandlers(store, controller, integrations),
  };
  return service;
}

/** The calls part of the control API; reads go through the store, which flushes its queue first. */
function callHandlers(store: CallStore, controller: CallController, integrations: CallIntegrations): NonNullable<EngineService['handlers']> {
  const live = (id: string): CallSession => {
    const s = controller.get(id);
    if (!s) throw new ApiError('not_found', `call ${id} is not active`);
    return s;
  };
  return {
    'calls.active': () => controller.active.map((s): CallSummary => s.summary()),
    'calls.list': (args) => store.list(args),
    'calls.get': ({ id }) => {
      const d = store.get(id);
      const s = controller.get(id);
      const detail = d && s ? { ...d, ...s.summary() } : d;
      return detail && integrations.decorate(detail); // [integrations hook] pre-call data
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
    ...integrations.handlers, // [integrations hook] webhooks.queue, webhooks.resend, tools.catalog
  };
}
