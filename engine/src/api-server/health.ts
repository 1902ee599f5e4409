import type { EngineContext, EngineService } from '../engine-context.js';
import type { HealthReport } from '../api/health.js';

const VERSION = '0.1.0';

/** Assembles /health from the services' contributions. `healthy` needs ARI up and every used provider ready. */
export function buildHealth(ctx: EngineContext, services: EngineService[], startedAt: number): HealthReport {
  const info = ctx.config.info();
  const report: HealthReport = {
    status: 'degraded',
    ari_connected: false,
    transports: {},
    providers: {},
    active_calls: 0,
    uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    config_loaded_at: info.loadedAt.toISOString(),
    config_path: info.path,
    secret_store: ctx.secrets.kind === 'memory' ? 'env' : ctx.secrets.kind,
    version: VERSION,
  };
  const err = ctx.config.error();
  if (err) report.config_error = err.message;
  for (const s of services) s.contributeHealth?.(report);
  const cfg = ctx.config.current();
  const def = report.providers[cfg.default_provider];
  const transportsOk = Object.values(report.transports).every((t) => t.listening);
  report.status = report.ari_connected && transportsOk && (def?.ready ?? false) ? 'healthy' : 'degraded';
  return report;
}
