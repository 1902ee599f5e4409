import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HealthReport } from '../api/contract';
import type { ConnectionState, DashboardClient } from '../api/types';
import { idle, track, type Resource } from './resource';

export interface HealthState {
  health: Resource<HealthReport>;
  connection: ConnectionState;
  load(): Promise<void>;
  apply(report: HealthReport): void;
  setConnection(state: ConnectionState): void;
}

export type HealthStore = StoreApi<HealthState>;

export function createHealthStore(client: DashboardClient): HealthStore {
  return createStore<HealthState>()((set, get) => ({
    health: idle(),
    connection: client.connection(),
    async load() {
      await track(set, get, 'health', () => client.invoke('health.get'));
    },
    apply(report) {
      set({ health: { data: report, loading: false } });
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
