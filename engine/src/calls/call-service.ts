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
import { ProviderRegistry } from '../providers/registry.js';
import { CallsRepository } from './calls-repository.js';
import { CallController } from './call-controller.js';
import type { CallSession } from './call-session.js';
import { CallTransports } from './call-transports.js';
import { callRecordHooks } from './call-records.js';
import { checkMediaDir } from './file-playback.js';
import { startLevelsPublisher } from './levels-publisher.js';
import { CallIntegrations } from '../integrations/call-integrations.js';

export interface CallServiceOptions {
  ariBackoff?: BackoffOptions;
  setupTimeoutMs?: number;
  /** The engine's one media clock, shared by every transport (bench: lateness hook); by default the service owns one. */
  scheduler?: FrameScheduler;
}

export interface CallService extends EngineService {
  readonly controller: CallController;
  readonly ari: AriConnection;
  readonly providers: ProviderRegistry;
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
  const repo = new CallsRepository(ctx.db);
  const providers = new ProviderRegistry({ log });
  const ari = new AriConnection(ariSettings(ctx.config.current()), { log, backoff: opts.ariBackoff });
  const m = ctx.metrics;
  // One media clock (one timer) for every leg of every transport: inbound fill, alarms, outbound pacing.
  const scheduler = opts.scheduler ?? new FrameScheduler();
  const transports = new CallTransports({ config: () => ctx.config.current(), log, metrics: m, scheduler });
  let stopLevels: (() => void) | undefined;

  const records = callRecordHooks(ctx, repo, log, (s) => {
    integrations.callEnded(s.id); // [integrations hook] post-call webhook
    if (controller.active.length === 0) setImmediate(() => void transports.refresh());
  });
  // [integrations hook] built here, started/stopped/reloaded with the service, handed to every call.
  const integrations = new CallIntegrations({ ctx, log: log.child({ component: 'integrations' }), recordTool: records.tool, callDetail: (id) => repo.get(id) });

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
  ari.events.on('connected', ({ reconnect }) => {
    m.ariConnected.set(1);
    const rest = ari.rest;
    if (rest) controller.reconcile(rest).catch((err: Error) => log.warn({ err: err.message, reconnect }, 'reconcile after connect failed'));
  });
  ari.events.on('disconnected', () => m.ariConnected.set(0));

  const service: CallService = {
    name: 'calls',
    controller,
    ari,
    providers,
    integrations,
    transports: () => transports.running,

    async start() {
      const closed = repo.closeOrphans(Date.now());
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
      await integrations.stop(); // [integrations hook]
    },

    contributeHealth(report: HealthReport) {
      report.ari_connected = ari.connected;
      if (!ari.connected && ari.reason) report.ari_reason = ari.reason;
      transports.contributeHealth(report);
      Object.assign(report.providers, providers.health());
      report.active_calls = controller.active.length;
    },

    handlers: callHandlers(repo, controller, integrations),
  };
  return service;
}

/** The calls part of the control API. */
function callHandlers(repo: CallsRepository, controller: CallController, integrations: CallIntegrations): NonNullable<EngineService['handlers']> {
  const live = (id: string): CallSession => {
    const s = controller.get(id);
    if (!s) throw new ApiError('not_found', `call ${id} is not active`);
    return s;
  };
  return {
    'calls.active': () => controller.active.map((s): CallSummary => s.summary()),
    'calls.list': (args) => repo.list(args),
    'calls.get': ({ id }) => {
      const d = repo.get(id);
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
    'latency.points': ({ sinceMs, provider }) => repo.latencyPoints(sinceMs, provider),
    ...integrations.handlers, // [integrations hook] webhooks.queue, webhooks.resend, tools.catalog
  };
}
