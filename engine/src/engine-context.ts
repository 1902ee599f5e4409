/**
 * What every engine service receives, and what it gives back. Services are
 * built by factories in their own folders and wired in engine.ts.
 */
import type { ConfigManager } from './config/config-manager.js';
import type { Db } from './store/database.js';
import type { Logger } from './observability/logger.js';
import type { EngineMetrics } from './observability/metrics.js';
import type { EventBus } from './observability/event-bus.js';
import type { SecretStore } from './secrets/secret-store.js';
import type { ApiHandler, HealthReport, MethodName } from './api/index.js';

export interface EngineContext {
  config: ConfigManager;
  db: Db;
  log: Logger;
  metrics: EngineMetrics;
  bus: EventBus;
  secrets: SecretStore;
  /** Absolute data dir (db, recordings, secrets file, pinned keys). */
  dataDir: string;
}

export interface EngineService {
  readonly name: string;
  start(): Promise<void>;
  /** Graceful: finish or end work within the deadline (epoch ms). */
  stop(deadline: number): Promise<void>;
  /** Adds this service's part to /health. */
  contributeHealth?(report: HealthReport): void;
  /** Control-API methods this service answers. */
  handlers?: { [M in MethodName]?: ApiHandler<M> };
  /**
   * Media files this service exposes (e.g. `recordings/<id>/audio`). serve maps
   * GET /media/<path> here, Electron its aava-media:// protocol.
   */
  resolveMedia?(path: string): { file: string; contentType: string } | undefined;
}

export type ServiceFactory = (ctx: EngineContext) => EngineService;
