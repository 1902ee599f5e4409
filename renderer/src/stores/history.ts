import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallDetail, CallListFilter, CallSummary } from '../api/contract';
import type { DashboardClient } from '../api/types';
import { idle, track, type Resource } from './resource';

export interface HistoryState {
  filter: CallListFilter;
  calls: Resource<CallSummary[]>;
  detail: Resource<CallDetail | null>;
  detailId?: string;
  setFilter(filter: CallListFilter): void;
  load(): Promise<void>;
  open(id: string | undefined): Promise<void>;
  /** A call ended: refresh the list if it would show it. */
  callEnded(call: CallSummary): void;
}

export type HistoryStore = StoreApi<HistoryState>;

const PAGE_SIZE = 200;

/** Drops empty fields so the engine's strict schema sees only what the user set. */
function cleanFilter(f: CallListFilter): CallListFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') out[k] = v;
  return out as CallListFilter;
}

export function createHistoryStore(client: DashboardClient): HistoryStore {
  return createStore<HistoryState>()((set, get) => ({
    filter: {},
    calls: idle(),
    detail: idle(),
    setFilter(filter) {
      set({ filter });
    },
    async load() {
      const filter = { limit: PAGE_SIZE, ...cleanFilter(get().filter) };
      await track(set, get, 'calls', () => client.invoke('calls.list', filter));
    },
    async open(id) {
      set({ detailId: id });
      if (!id) {
        set({ detail: idle() });
        return;
      }
      await track(set, get, 'detail', () => client.invoke('calls.get', { id }));
    },
    callEnded(call) {
      const s = get();
      if (!s.calls.data) return;
      const known = s.calls.data.some((c) => c.id === call.id);
      set({ calls: { ...s.calls, data: known ? s.calls.data.map((c) => (c.id === call.id ? call : c)) : s.calls.data } });
      if (!known) void get().load();
    },
  }));
}
