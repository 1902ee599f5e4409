/** A real engine in-process: temp config + data dir, HTTP on 127.0.0.1:0, serving the built dashboard. */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../../../engine/src/engine.js';
import { MemorySecretStore } from '../../../engine/src/secrets/secret-store.js';
import { createLogger } from '../../../engine/src/observability/logger.js';

export interface RunningEngine {
  engine: Engine;
  url: string;
  dir: string;
  configPath: string;
  readConfig(): string;
  stop(): Promise<void>;
}

export async function startEngine(opts: { configText: string; dashboardDir: string; secrets?: Record<string, string>; extra?: Partial<EngineOptions> }): Promise<RunningEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'aava-e2e-'));
  const configPath = join(dir, 'ai-agent.yaml');
  writeFileSync(configPath, opts.configText);
  const engine = createEngine({
    configPath,
    dataDir: join(dir, 'data'),
    secrets: new MemorySecretStore(opts.secrets ?? {}),
    log: createLogger({ level: process.env.AAVA_E2E_LOG ?? 'silent' }),
    dashboardDir: opts.dashboardDir,
    http: { host: '127.0.0.1', port: 0 },
    defaultMetrics: false,
    ...opts.extra,
  });
  await engine.start();
  const addr = engine.http?.address();
  if (!addr) throw new Error('engine http did not bind');
  return {
    engine,
    url: `http://127.0.0.1:${addr.port}/`,
    dir,
    configPath,
    readConfig: () => readFileSync(configPath, 'utf8'),
    async stop() {
      await engine.stop(3000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
