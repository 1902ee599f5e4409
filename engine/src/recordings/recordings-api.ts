/**
 * What the recordings service shows outside: its control-API handlers, a recording's detail with the latency
 * markers of its call, and its audio files under `/media/recordings/<id>/audio`.
 */
import { resolve, sep } from 'node:path';
import { existsSync } from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import type { ApiHandler, MethodName } from '../api/index.js';
import { ApiError } from '../api/define.js';
import type { RecordingDetail, SyncSummary } from '../api/recordings.js';
import type { RecordingsRepo } from './recordings-repo.js';
import { testConnection } from './test-connection.js';
import { effectiveSettings, settingsView, endpointOf, saveSettings, type EffectiveSettings } from './recordings-settings.js';

export const LAST_SYNC_KEY = 'recordings.lastSync';
const CONTENT_TYPES: Record<string, string> = { wav: 'audio/wav', wav16: 'audio/wav', gsm: 'audio/x-gsm', ulaw: 'audio/basic', alaw: 'audio/x-alaw-basic' };

/** What the handlers need of the running service. */
export interface RecordingsApiDeps {
  ctx: EngineContext;
  repo: RecordingsRepo;
  settings(): EffectiveSettings;
  sync(): Promise<SyncSummary>;
  /** Settings were saved from the app (the sync timer may need re-arming). */
  settingsChanged(): void;
}

export function recordingsHandlers(d: RecordingsApiDeps): { [M in MethodName]?: ApiHandler<M> } {
  const { ctx, repo } = d;
  return {
    'recordings.list': (args) => {
      for (const field of ['from', 'to'] as const) {
        const v = args[field];
        if (v !== undefined && Number.isNaN(Date.parse(v))) throw new ApiError('bad_request', `${field}: "${v}" is not a date (use ISO 8601, e.g. 2026-11-21 or 2026-11-21T06:50:00Z)`, { path: field });
      }
      return repo.list(args);
    },
    'recordings.get': ({ id }) => recordingDetail(ctx, repo, id),
    'recordings.settings': () => settingsView(d.settings()),
    'recordings.saveSettings': (input) => {
      saveSettings(input, repo, ctx.secrets);
      d.settingsChanged();
      return { ok: true as const };
    },
    'recordings.testConnection': async (input) => {
      const overlay = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Parameters<typeof effectiveSettings>[4];
      const cfg = ctx.config.current();
      const s = effectiveSettings(cfg.recordings, repo, ctx.secrets, cfg.asterisk, overlay);
      if (!s.host) throw new ApiError('bad_request', 'host: required', { path: 'host' });
      return testConnection(endpointOf(s));
    },
    'recordings.syncNow': () => d.sync(),
    'recordings.lastSync': () => repo.setting<SyncSummary>(LAST_SYNC_KEY) ?? null,
  };
}

/** A recording with, when it belongs to a call of ours, the turn latencies placed on its timeline. */
function recordingDetail(ctx: EngineContext, repo: RecordingsRepo, id: string): RecordingDetail | null {
  const d = repo.detail(id);
  if (!d) return null;
  if (d.callId) {
    const rows = ctx.db
      .prepare('SELECT t.end_of_speech_at AS at, t.first_audio_ms AS ms, c.started_at AS start FROM turns t JOIN calls c ON c.id = t.call_id WHERE t.call_id = ? AND t.first_audio_ms IS NOT NULL ORDER BY t.turn')
      .all(d.callId) as { at: number; ms: number; start: number }[];
    if (rows.length) d.latencyMarkers = rows.map((r) => ({ atSec: Math.max(0, (r.at - r.start) / 1000), latencyMs: r.ms }));
  }
  return d;
}

/** `recordings/<id>/audio` → the downloaded file, never a path outside the recordings dir. */
export function recordingAudioFile(repo: RecordingsRepo, dir: string, path: string): { file: string; contentType: string } | undefined {
  const m = /^recordings\/([0-9a-f]{24})\/audio$/.exec(path);
  if (!m) return undefined;
  const row = repo.row(m[1]!);
  if (!row?.file_path) return undefined;
  const root = resolve(dir);
  const file = resolve(root, row.file_path);
  if (!file.startsWith(root + sep) || !existsSync(file)) return undefined;
  return { file, contentType: CONTENT_TYPES[row.format ?? ''] ?? 'application/octet-stream' };
}
