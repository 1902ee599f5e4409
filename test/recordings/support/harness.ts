/** A real engine context (config file, SQLite file, data dir) in a temp dir, for recordings tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { EngineContext } from '../../../engine/src/engine-context.js';
import type { ApiEvent } from '../../../engine/src/api/events.js';
import { ConfigManager } from '../../../engine/src/config/config-manager.js';
import { openDatabase } from '../../../engine/src/store/database.js';
import { createLogger } from '../../../engine/src/observability/logger.js';
import { createMetrics } from '../../../engine/src/observability/metrics.js';
import { EventBus } from '../../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../../engine/src/secrets/secret-store.js';

export interface Harness {
  root: string;
  dataDir: string;
  configPath: string;
  ctx: EngineContext;
  events: ApiEvent[];
  close(): void;
}

export function writeConfig(root: string, recordings: Record<string, unknown>): string {
  const configPath = join(root, 'ai-agent.yaml');
  const cfg = {
    default_provider: 'echo',
    providers: { echo: { type: 'echo' } },
    asterisk: { host: '127.0.0.1', username: 'aiagent', password: 'aiagentpass' },
    recordings: { enabled: false, host: '127.0.0.1', username: 'aiagent', password: 'aiagentpass', transcriber: 'none', ...recordings },
  };
  writeFileSync(configPath, stringify(cfg));
  return configPath;
}

export function makeHarness(recordings: Record<string, unknown>, opts: { captureEvents?: boolean } = {}): Harness {
  const root = mkdtempSync(join(tmpdir(), 'aava-rec-'));
  const dataDir = join(root, 'data');
  const configPath = writeConfig(root, recordings);
  const config = new ConfigManager(configPath, { env: {}, dotEnvPaths: [] });
  const db = openDatabase(join(dataDir, 'aava.db'));
  const bus = new EventBus();
  const events: ApiEvent[] = [];
  if (opts.captureEvents !== false) bus.subscribe((e) => events.push(e));
  const ctx: EngineContext = {
    config,
    db,
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    bus,
    secrets: new MemorySecretStore(),
    dataDir,
  };
  return {
    root,
    dataDir,
    configPath,
    ctx,
    events,
    close() {
      config.close();
      db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
