/**
 * Recordings service (issue 5): FreePBX call recordings over ARI → local
 * files → transcript, sentiment, stats and search. The interval timer and
 * "Sync now" share one single-flight job; a file lock keeps a cron
 * `aava sync --once` from running at the same time.
 */
import { join } from 'node:path';
import type { EngineContext, EngineService } from '../engine-context.js';
import type { SyncSummary } from '../api/recordings.js';
import type { SyncProgress } from '../api/events.js';
import { RecordingsRepo } from './recordings-repo.js';
import { runSync } from './sync-engine.js';
import { effectiveSettings, endpointOf, type EffectiveSettings } from './recordings-settings.js';
import { LAST_SYNC_KEY, recordingAudioFile, recordingsHandlers } from './recordings-api.js';
import { AnalysisQueue } from '../analysis/analysis-queue.js';
import { selectTranscriber, selectLlm } from '../analysis/select.js';

export interface RecordingsService extends EngineService {
  /** Single-flight: a second call while one runs gets the same promise. */
  sync(): Promise<SyncSummary>;
  readonly analysis: AnalysisQueue;
  readonly dir: string;
  settings(): EffectiveSettings;
  /** Progress listener (besides the event bus), e.g. for the CLI. */
  onProgress?: (p: SyncProgress) => void;
}

export interface RecordingsServiceOptions {
  /** Delay of the first timed sync after start, ms (default 10 s). */
  firstSyncDelayMs?: number;
  /** Run the analysis worker (default true). */
  analysis?: boolean;
  /** Delay of the first sync after the user switches sync on, ms (default 5 s). */
  enableSyncDelayMs?: number;
}

export function createRecordingsService(ctx: EngineContext, opts: RecordingsServiceOptions = {}): RecordingsService {
  const repo = new RecordingsRepo(ctx.db);
  const dir = join(ctx.dataDir, 'recordings');
  const log = ctx.log.child({ component: 'recordings' });
  const settings = () => effectiveSettings(ctx.config.current().recordings, repo, ctx.secrets, ctx.config.current().asterisk);
  let running: Promise<SyncSummary> | undefined;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  /** `enabled/interval` the timer was armed with. */
  let armed: string | undefined;

  const analysis = new AnalysisQueue({
    db: ctx.db,
    repo,
    log,
    dir,
    transcriber: () => selectTranscriber(ctx.config.current().recordings, ctx.secrets),
    llm: () => selectLlm(ctx.config.current().recordings, ctx.secrets),
    updated: (recording) => ctx.bus.publish({ type: 'recording.updated', recording }),
  });

  const service: RecordingsService = {
    name: 'recordings',
    analysis,
    dir,
    settings,
    sync() {
      running ??= (async () => {
        const s = settings();
        abort = new AbortController();
        let summary: SyncSummary;
        if (!s.host || !s.username) {
          const now = new Date().toISOString();
          summary = { found: 0, downloaded: 0, skipped: 0, failed: 0, bytes: 0, startedAt: now, finishedAt: now, error: 'recordings: host and username must be set (Settings → FreePBX Integration, or recordings.host/username in the config)' };
        } else {
          summary = await runSync(
            repo,
            log,
            { endpoint: endpointOf(s), dir, concurrency: s.concurrency, retentionDays: s.retentionDays, signal: abort.signal },
            {
              progress: (progress) => {
                ctx.bus.publish({ type: 'sync.progress', progress });
                service.onProgress?.(progress);
              },
              recording: (recording) => ctx.bus.publish({ type: 'recording.updated', recording }),
              downloaded: () => analysis.kick(),
              count: (result) => ctx.metrics.recordingsSynced.inc({ result }),
            },
          );
        }
        repo.saveSetting(LAST_SYNC_KEY, summary);
        running = undefined; // listeners of sync.finished see the job as over
        abort = undefined;
        ctx.bus.publish({ type: 'sync.finished', summary });
        if (summary.error) log.warn({ error: summary.error }, 'recordings sync failed');
        else log.info({ found: summary.found, downloaded: summary.downloaded, failed: summary.failed, bytes: summary.bytes }, 'recordings sync finished');
        return summary;
      })();
      const job = running;
      job
        .finally(() => {
          if (running === job) running = undefined;
        })
        .catch(() => undefined);
      return job;
    },
    async start() {
      started = true;
      if (opts.analysis !== false) analysis.start();
      schedule(opts.firstSyncDelayMs ?? 10_000);
      ctx.config.events.on('reloaded', onReload);
    },
    async stop(deadline: number) {
      started = false;
      ctx.config.events.off('reloaded', onReload);
      if (timer) clearTimeout(timer);
      abort?.abort();
      const wait = Math.max(0, deadline - Date.now());
      await Promise.race([Promise.all([running?.catch(() => undefined), analysis.stop()]), new Promise((r) => setTimeout(r, wait).unref())]);
    },
    contributeHealth(report) {
      const last = repo.setting<SyncSummary>(LAST_SYNC_KEY);
      const h: NonNullable<typeof report.recordings> = { enabled: settings().enabled };
      if (last?.finishedAt) h.last_sync_at = last.finishedAt;
      if (running) h.last_result = 'running';
      else if (last) h.last_result = last.error ? 'failed' : 'ok';
      if (last?.error) h.last_error = last.error;
      report.recordings = h;
    },
    resolveMedia: (path) => recordingAudioFile(repo, dir, path),
    handlers: recordingsHandlers({ ctx, repo, settings, sync: () => service.sync(), settingsChanged: () => onSettingsChanged() }),
  };

  function schedule(delayMs?: number) {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const s = settings();
    armed = `${s.enabled}/${s.intervalMinutes}`;
    if (!started || !s.enabled) return;
    timer = setTimeout(() => {
      void service
        .sync()
        .catch((err: Error) => log.error({ err: err.message }, 'recordings sync crashed'))
        .finally(() => schedule());
    }, delayMs ?? s.intervalMinutes * 60_000);
    timer.unref();
  }
  /** Re-arms the timer only when enabled/interval changed (a reload must not postpone the next sync); switching on syncs soon. */
  function onSettingsChanged() {
    const s = settings();
    if (running || `${s.enabled}/${s.intervalMinutes}` === armed) return;
    const wasEnabled = armed?.startsWith('true') ?? false;
    schedule(!wasEnabled && s.enabled ? (opts.enableSyncDelayMs ?? 5_000) : undefined);
  }
  const onReload = () => onSettingsChanged();

  return service;
}
