/**
 * `aava sync --once`: one sync (then the due analysis jobs) for cron and
 * headless use. On a TTY it draws a progress bar; otherwise it writes JSON
 * lines (`{"event":"progress",...}`, `{"event":"finished",...}`).
 * Exit codes: 0 ok, 1 the sync failed, 2 some recordings failed, 3 bad setup.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import type { SyncProgress } from '../api/events.js';
import type { SyncSummary } from '../api/recordings.js';
import { ConfigManager } from '../config/config-manager.js';
import { openDatabase } from '../store/database.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { EventBus } from '../observability/event-bus.js';
import { FileSecretStore } from '../secrets/file-secret-store.js';
import { createRecordingsService } from './recordings-service.js';

export interface SyncOnceOptions {
  /** An existing engine context (Electron or tests), or build one from configPath + dataDir. */
  engineCtx?: EngineContext;
  configPath?: string;
  dataDir?: string;
  /** JSON lines instead of a progress bar (default: when `out` is not a TTY). */
  json?: boolean;
  out: NodeJS.WritableStream;
  /** Also work the analysis jobs that are due (default true). */
  analyze?: boolean;
}

function bar(p: SyncProgress, width = 28): string {
  const total = Math.max(1, p.found);
  const done = p.downloaded + p.failed;
  const frac = p.phase === 'done' ? 1 : Math.min(1, done / total);
  const filled = Math.round(frac * width);
  const mb = (p.bytes / 1048576).toFixed(1);
  return `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.phase} ${p.downloaded} downloaded, ${p.failed} failed, ${mb} MiB`;
}

function buildContext(configPath: string, dataDirArg?: string): { ctx: EngineContext; close(): void } {
  const bootstrap = new ConfigManager(configPath);
  const dataDir = dataDirArg ?? process.env.AI_ENGINE_DATA_DIR ?? bootstrap.current().data_dir ?? './data';
  bootstrap.close();
  mkdirSync(dataDir, { recursive: true });
  const secrets = new FileSecretStore(join(dataDir, 'secrets.json'));
  const config = new ConfigManager(configPath, { secrets: (n) => secrets.get(n) });
  const db = openDatabase(join(dataDir, 'aava.db'));
  const log = createLogger({ level: process.env.AAVA_LOG_LEVEL ?? 'warn' });
  const ctx: EngineContext = { config, db, log, metrics: createMetrics({ defaultMetrics: false }), bus: new EventBus(), secrets, dataDir };
  return {
    ctx,
    close() {
      config.close();
      db.close();
    },
  };
}

export async function runSyncOnce(opts: SyncOnceOptions): Promise<number> {
  let own: { ctx: EngineContext; close(): void } | undefined;
  let ctx = opts.engineCtx;
  const json = opts.json ?? !(opts.out as NodeJS.WriteStream).isTTY;
  const write = (obj: object) => opts.out.write(`${JSON.stringify(obj)}\n`);
  try {
    if (!ctx) {
      if (!opts.configPath) throw new Error('sync --once: a config path is required');
      own = buildContext(opts.configPath, opts.dataDir);
      ctx = own.ctx;
    }
  } catch (err) {
    if (json) write({ event: 'error', message: (err as Error).message });
    else opts.out.write(`${(err as Error).message}\n`);
    return 3;
  }
  const service = createRecordingsService(ctx, { analysis: false });
  let lastDraw = 0;
  service.onProgress = (p) => {
    if (json) write({ event: 'progress', ...p });
    else if (Date.now() - lastDraw > 100 || p.phase === 'done' || p.phase === 'failed') {
      lastDraw = Date.now();
      opts.out.write(bar(p));
    }
  };
  let summary: SyncSummary;
  try {
    summary = await service.sync();
    if (!json) opts.out.write('\n');
    if (!summary.error && opts.analyze !== false) {
      const analyzed = await service.analysis.drain();
      if (json) write({ event: 'analyzed', count: analyzed });
      else if (analyzed > 0) opts.out.write(`analyzed ${analyzed} recording(s)\n`);
    }
  } finally {
    await service.analysis.stop();
    own?.close();
  }
  if (json) write({ event: 'finished', ...summary });
  else if (summary.error) opts.out.write(`sync failed: ${summary.error}\n`);
  else opts.out.write(`found ${summary.found}, downloaded ${summary.downloaded}, unchanged ${summary.skipped}, failed ${summary.failed}\n`);
  return summary.error ? 1 : summary.failed > 0 ? 2 : 0;
}
