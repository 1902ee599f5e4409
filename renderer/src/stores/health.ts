import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HealthReport } from '../api/contract';
import type { ConnectionState, DashboardClient } from '../api/types';
import { idle, track, type Resource } from './resource';

export interface HealthState {
  health: Resource<HealthReport>;
  /** clock time the last report arrived (its uptime_seconds was true then). */
  receivedAt?: number;
  connection: ConnectionState;
  load(): Promise<void>;
  apply(report: HealthReport): void;
  setConnection(state: ConnectionState): void;
}

export type HealthStore = StoreApi<HealthState>;

export function createHealthStore(client: DashboardClient, now: () => number = Date.now): HealthStore {
  return createStore<HealthState>()((set, get) => ({
    health: idle(),
    connection: client.connection(),
    async load() {
      const report = await track(set, get, 'health', () => client.invoke('health.get'));
      if (report) set({ receivedAt: now() });
    },
    apply(report) {
      set({ health: { data: report, loading: false }, receivedAt: now() });
    },
    setConnection(connection) {
      set({ connection });
    },
  }));
}

/** Overall light for the header: ok / degraded / down (no link to the engine). */
export function selectStatus(s: HealthState): 'healthy' | 'degraded' | 'offline' | 'unknown' {
  if (s.connection.status === 'closed') return 'offline';
  const h = s.health.data;
  if (!h) return s.health.error ? 'offline' : 'unknown';
  return h.status;
}

/** The engine's uptime at `at`: the last report's uptime plus the time since it arrived. */
export function uptimeAt(s: Pick<HealthState, 'health' | 'receivedAt'>, at: number): number | undefined {
  const h = s.health.data;
  if (!h) return undefined;
  return h.uptime_seconds + Math.max(0, (at - (s.receivedAt ?? at)) / 1000);
}
