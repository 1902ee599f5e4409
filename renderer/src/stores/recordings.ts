import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RecordingDetail, RecordingSummary, SyncProgress, SyncSummary } from '../api/contract';
import type { DashboardClient } from '../api/types';
import type { ApiError } from '../api/errors';
import { attempt, idle, track, type Resource } from './resource';

export interface RecordingsFilter {
  text?: string;
  from?: string;
  to?: string;
  direction?: string;
  number?: string;
  sentiment?: 'positive' | 'neutral' | 'negative';
}

/** What the progress line shows: the live sync.progress, or the finished sync's summary (with its unchanged count). */
export type ShownProgress = SyncProgress & { skipped?: number };

/** The finished sync as the progress line shows it: the same counts as the summary ("Last sync …"). */
function progressOfSummary(s: SyncSummary): ShownProgress {
  const counts = { found: s.found, downloaded: s.downloaded, failed: s.failed, bytes: s.bytes, skipped: s.skipped };
  return s.error ? { phase: 'failed', ...counts, reason: s.error } : { phase: 'done', ...counts };
}

export interface RecordingsState {
  filter: RecordingsFilter;
  list: Resource<RecordingSummary[]>;
  detail: Resource<RecordingDetail | null>;
  detailId?: string;
  lastSync: Resource<SyncSummary | null>;
  progress?: ShownProgress;
  syncing: boolean;
  syncError?: ApiError;
  setFilter(filter: RecordingsFilter): void;
  load(): Promise<void>;
  loadLastSync(): Promise<void>;
  open(id: string | undefined): Promise<void>;
  syncNow(): Promise<void>;
  onProgress(p: SyncProgress): void;
  onFinished(s: SyncSummary): void;
  upsert(r: RecordingSummary): void;
}

export type RecordingsStore = StoreApi<RecordingsState>;

export function createRecordingsStore(client: DashboardClient): RecordingsStore {
  return createStore<RecordingsState>()((set, get) => ({
    filter: {},
    list: idle(),
    detail: idle(),
    lastSync: idle(),
    syncing: false,
    setFilter(filter) {
      set({ filter });
    },
    async load() {
      const args: Record<string, string> = {};
      for (const [k, v] of Object.entries(get().filter)) if (v) args[k] = v;
      await track(set, get, 'list', () => client.invoke('recordings.list', { ...args, limit: 500 }));
    },
    async loadLastSync() {
      await track(set, get, 'lastSync', () => client.invoke('recordings.lastSync'));
    },
    async open(id) {
      set({ detailId: id });
      if (!id) {
        set({ detail: idle() });
        return;
      }
      await track(set, get, 'detail', () => client.invoke('recordings.get', { id }));
    },
    async syncNow() {
      set({ syncing: true, syncError: undefined, progress: { phase: 'listing', found: 0, downloaded: 0, failed: 0, bytes: 0 } });
      const r = await attempt(() => client.invoke('recordings.syncNow'));
      set({ syncing: false });
      if (r.ok) {
        set({ lastSync: { data: r.value, loading: false }, progress: progressOfSummary(r.value) });
        await get().load();
      } else {
        set({ syncError: r.error, progress: undefined });
      }
    },
    onProgress(progress) {
      // The end of a sync is shown from sync.finished: its counts are the summary's (the progress event's
      // "found" counts only new or changed recordings).
      if (progress.phase === 'done' || progress.phase === 'failed') return;
      set({ progress, syncing: true });
    },
    onFinished(summary) {
      set({ lastSync: { data: summary, loading: false }, syncing: false, progress: progressOfSummary(summary) });
      void get().load();
    },
    upsert(r) {
      const s = get();
      const list = s.list.data;
      if (list) {
        const i = list.findIndex((x) => x.id === r.id);
        const next = i >= 0 ? list.map((x) => (x.id === r.id ? r : x)) : [r, ...list];
        set({ list: { ...s.list, data: next } });
      }
      if (s.detailId === r.id && s.detail.data) {
        const statusChanged = s.detail.data.status !== r.status;
        set({ detail: { ...s.detail, data: { ...s.detail.data, ...r } } });
        // Analysis finished (or failed) while the review was open: fetch the transcript and stats it produced.
        if (statusChanged) void get().open(r.id);
      }
    },
  }));
}

/** 0..1 share of the sync done, or null while the total is unknown. */
export function syncFraction(p: SyncProgress | undefined): number | null {
  if (!p) return null;
  if (p.phase === 'done') return 1;
  if (p.found <= 0) return null;
  return Math.min(1, (p.downloaded + p.failed) / p.found);
}
