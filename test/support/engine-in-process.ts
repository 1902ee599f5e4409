/**
 * A real engine in this process, as `serve` runs it: a temp dir with the config
 * file and the data dir, HTTP on 127.0.0.1:0 (optionally serving a dashboard).
 * Used by the serve API, config-save and recordings-service tests and the
 * browser tests.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../../engine/src/engine.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { createLogger } from '../../engine/src/observability/logger.js';

export interface RunningEngine {
  engine: Engine;
  /** http://127.0.0.1:<port>/ (with the slash: page URLs append `#/…`). */
  url: string;
  /** http://127.0.0.1:<port> (API paths append `/api/…`). */
  base: string;
  dir: string;
  configPath: string;
  readConfig(): string;
  stop(): Promise<void>;
}

export interface StartEngineOptions {
  configText: string;
  dashboardDir?: string;
  secrets?: Record<string, string>;
  extra?: Partial<EngineOptions>;
  /** Runs with the temp dir made and the config written, before the engine is created; may add engine options that name files in it. */
  prepare?(dir: string): Partial<EngineOptions> | void;
  /** Runs once the engine is created, before it starts (subscribe to its bus here to see start-up events). */
  beforeStart?(engine: Engine): void;
}

export async function startEngine(opts: StartEngineOptions): Promise<RunningEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'aava-engine-'));
  const configPath = join(dir, 'ai-agent.yaml');
  writeFileSync(configPath, opts.configText);
  const fromDir = opts.prepare?.(dir) ?? {};
  const engine = createEngine({
    configPath,
    dataDir: join(dir, 'data'),
    secrets: new MemorySecretStore(opts.secrets ?? {}),
    log: createLogger({ level: process.env.AAVA_E2E_LOG ?? 'silent' }),
    ...(opts.dashboardDir ? { dashboardDir: opts.dashboardDir } : {}),
    http: { host: '127.0.0.1', port: 0 },
    defaultMetrics: false,
    ...opts.extra,
    ...fromDir,
  });
  opts.beforeStart?.(engine);
  await engine.start();
  const addr = engine.http?.address();
  if (!addr) throw new Error('engine http did not bind');
  const base = `http://127.0.0.1:${addr.port}`;
  return {
    engine,
    url: `${base}/`,
    base,
    dir,
    configPath,
    readConfig: () => readFileSync(configPath, 'utf8'),
    async stop() {
      await engine.stop(3000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
