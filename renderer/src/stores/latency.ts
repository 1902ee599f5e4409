import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LatencyPoint, TurnLatency } from '../api/contract';
import type { DashboardClient } from '../api/types';
import { idle, track, type Resource } from './resource';
import { turnToPoint } from './latency-math';

export type LatencyRange = 'hour' | 'day';
export const RANGE_MS: Record<LatencyRange, number> = { hour: 3_600_000, day: 86_400_000 };

export interface LatencyState {
  range: LatencyRange;
  provider?: string;
  points: Resource<LatencyPoint[]>;
  /** Bumped on every change so charts can redraw without diffing arrays. */
  version: number;
  setRange(range: LatencyRange): Promise<void>;
  setProvider(provider: string | undefined): Promise<void>;
  load(): Promise<void>;
  addTurn(turn: TurnLatency): void;
}

export type LatencyStore = StoreApi<LatencyState>;

export function createLatencyStore(client: DashboardClient, now: () => number = Date.now): LatencyStore {
  return createStore<LatencyState>()((set, get) => ({
    range: 'hour',
    points: idle(),
    version: 0,
    async setRange(range) {
      set({ range });
      await get().load();
    },
    async setProvider(provider) {
      set({ provider });
      await get().load();
    },
    async load() {
      const { range, provider } = get();
      const sinceMs = Math.max(0, Math.floor(now() - RANGE_MS[range]));
      await track(set, get, 'points', () => client.invoke('latency.points', provider ? { sinceMs, provider } : { sinceMs }));
      set((s) => ({ version: s.version + 1 }));
    },
    addTurn(turn) {
      const p = turnToPoint(turn);
      const s = get();
      if (!p || !s.points.data) return;
      if (s.provider && p.provider !== s.provider) return;
      set({ points: { ...s.points, data: [...s.points.data, p] }, version: s.version + 1 });
    },
  }));
}
