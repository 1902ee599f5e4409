/**
 * The composition root shared by `serve` and Electron's main process:
 * config, store, logs, metrics, event bus, control-API router, services,
 * and the HTTP server on health.host:port.
 */
import { resolve, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ConfigManager } from './config/config-manager.js';
import { openDatabase, type Db } from './store/database.js';
import { startWalCheckpointer } from './store/wal-checkpointer.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type EngineMetrics } from './observability/metrics.js';
import { EventBus } from './observability/event-bus.js';
import { ApiRouter } from './api-server/router.js';
import { createHttpServer, type EngineHttpServer } from './api-server/http-server.js';
import type { EngineContext, EngineService, ServiceFactory } from './engine-context.js';
import type { SecretStore } from './secrets/secret-store.js';
import { FileSecretStore } from './secrets/file-secret-store.js';
import { createSettingsService } from './settings/settings-service.js';
import { createCallService } from './calls/call-service.js';
import { createRecordingsService } from './recordings/recordings-service.js';
import { createDoctorService } from './doctor/doctor-service.js';
import { createSoftphoneService } from './softphone/softphone-service.js';
import { buildHealth } from './api-server/health.js';
import type { HealthReport } from './api/health.js';
import { LogTail } from './observability/log-tail.js';

export interface EngineOptions {
  configPath: string;
  /** Defaults: AI_ENGINE_DATA_DIR, config `data_dir`, then ./data. */
  dataDir?: string;
  secrets?: SecretStore;
  log?: Logger;
  /** Where log lines go when `log` is not given (default stderr); the API's log tail sees them either way. */
  logDestination?: NodeJS.WritableStream;
  /** Directory of the built dashboard to serve at / (serve mode). */
  dashboardDir?: string;
  /** Override the HTTP listen address (tests use port 0). */
  http?: { host?: string; port?: number } | false;
  /** Watch the config file for changes (default true). */
  watchConfig?: boolean;
  /** Replace or extend the services (tests). */
  services?: ServiceFactory[];
  defaultMetrics?: boolean;
}

export interface Engine {
  ctx: EngineContext;
  router: ApiRouter;
  http?: EngineHttpServer;
  health(): HealthReport;
  start(): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
  service<T extends EngineService>(name: string): T | undefined;
}

export const DEFAULT_SERVICES: ServiceFactory[] = [
  createSettingsService,
  createCallService,
  createRecordingsService,
  createDoctorService,
  createSoftphoneService,
];

function resolveDataDir(explicit: string | undefined, fromConfig: string | undefined): string {
  return resolve(explicit ?? process.env.AI_ENGINE_DATA_DIR ?? fromConfig ?? './data');
}

/** Builds the engine. Throws ConfigError (path-named) when the config is bad; nothing is started yet. */
export function createEngine(opts: EngineOptions): Engine {
  const startedAt = Date.now();
  const tail = new LogTail(200);
  const log = opts.log ?? createLogger({ tap: (line) => tail.push(line), destination: opts.logDestination });
  // Bootstrap read (without secrets) to find the data dir, then the real one.
  const bootstrap = new ConfigManager(opts.configPath);
  const dataDir = resolveDataDir(opts.dataDir, bootstrap.current().data_dir);
  bootstrap.close();
  mkdirSync(dataDir, { recursive: true });
  const secrets = opts.secrets ?? new FileSecretStore(join(dataDir, 'secrets.json'));
  const config = new ConfigManager(opts.configPath, { secrets: (name) => secrets.get(name) });
  let db: Db | undefined;
  try {
    db = openDatabase(join(dataDir, 'aava.db'));
  } catch (err) {
    throw new Error(`${join(dataDir, 'aava.db')}: cannot open the database (${(err as Error).message})`);
  }
  // WAL checkpoints run in a worker thread, not inside a commit on the engine's (media clock's) thread.
  const checkpointer = startWalCheckpointer(db, { log });
  const metrics: EngineMetrics = createMetrics({ defaultMetrics: opts.defaultMetrics });
  const bus = new EventBus();
  tail.onLine = (line) => bus.publish({ type: 'log', line });
  const ctx: EngineContext = { config, db, log, metrics, bus, secrets, dataDir };
  const router = new ApiRouter();
  const services = (opts.services ?? DEFAULT_SERVICES).map((f) => f(ctx));
  for (const s of services) if (s.handlers) router.handleAll(s.handlers);

  const health = () => buildHealth(ctx, services, startedAt);
  router.handle('health.get', () => health());

  config.events.on('reloaded', (l) => {
    log.info({ path: l.path }, 'config reloaded');
    bus.publish({ type: 'config.reloaded', at: l.loadedAt.toISOString(), path: l.path });
  });
  config.events.on('error', (e) => {
    log.warn({ path: e.file, issues: e.issues }, 'config rejected; the running config stays');
    bus.publish({ type: 'config.error', at: new Date().toISOString(), message: e.message });
  });

  let http: EngineHttpServer | undefined;
  if (opts.http !== false) {
    const cfg = config.current();
    http = createHttpServer({
      ctx,
      router,
      services,
      health,
      host: opts.http?.host ?? cfg.health.host,
      port: opts.http?.port ?? cfg.health.port,
      token: cfg.api.token,
      dashboardDir: opts.dashboardDir,
    });
  }

  // Push health.changed when something a person would notice changes (polled: cheap, no service hooks needed).
  let lastHealthKey = '';
  let healthTimer: NodeJS.Timeout | undefined;
  const publishHealthIfChanged = () => {
    const h = health();
    const key = JSON.stringify({ ...h, uptime_seconds: 0 });
    if (key !== lastHealthKey) {
      lastHealthKey = key;
      bus.publish({ type: 'health.changed', health: h });
    }
  };

  let started = false;
  let stopping: Promise<void> | undefined;
  const engine: Engine = {
    ctx,
    router,
    http,
    health,
    service: <T extends EngineService>(name: string) => services.find((s) => s.name === name) as T | undefined,
    async start() {
      if (opts.watchConfig !== false) config.watch();
      if (http) await http.listen();
      for (const s of services) await s.start();
      started = true;
      publishHealthIfChanged();
      healthTimer = setInterval(publishHealthIfChanged, 1000);
      healthTimer.unref();
      log.info({ dataDir, config: config.path, http: http?.address() }, 'engine started');
    },
    stop(timeoutMs = 5000) {
      stopping ??= (async () => {
        const deadline = Date.now() + timeoutMs;
        clearInterval(healthTimer);
        for (const s of [...services].reverse()) {
          try {
            await s.stop(deadline);
          } catch (err) {
            log.error({ err, service: s.name }, 'service stop failed');
          }
        }
        if (http) await http.close();
        config.close();
        await checkpointer?.stop();
        db?.close();
        if (started) log.info('engine stopped');
      })();
      return stopping;
    },
  };
  return engine;
}
