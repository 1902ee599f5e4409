import type { ApiEvent } from '../api/contract';
import type { DashboardClient } from '../api/types';
import { createHealthStore, type HealthStore } from './health';
import { createLiveCallsStore, type LiveCallsStore } from './calls';
import { createLatencyStore, type LatencyStore } from './latency';
import { createConfigStore, type ConfigStore } from './config';
import { createHistoryStore, type HistoryStore } from './history';
import { createRecordingsStore, type RecordingsStore } from './recordings';
import { createSettingsStore, type SettingsStore } from './settings';
import { createDoctorStore, type DoctorStore } from './doctor';
import { createClock, type Clock } from './clock';
import { createLogsStore, type LogsStore } from './logs';
import { createLevelsStore, type LevelsStore } from './levels';

export interface AppStores {
  client: DashboardClient;
  clock: Clock;
  health: HealthStore;
  calls: LiveCallsStore;
  levels: LevelsStore;
  latency: LatencyStore;
  config: ConfigStore;
  history: HistoryStore;
  recordings: RecordingsStore;
  settings: SettingsStore;
  doctor: DoctorStore;
  logs: LogsStore;
  dispose(): void;
}

/** Routes one engine event to the stores that care. */
export function dispatchEvent(s: AppStores, e: ApiEvent): void {
  switch (e.type) {
    case 'call.started':
    case 'call.updated':
      s.calls.getState().upsert(e.call);
      break;
    case 'call.ended':
      s.calls.getState().ended(e.call);
      s.levels.getState().remove(e.call.id);
      s.history.getState().callEnded(e.call);
      break;
    case 'call.transcript':
      s.calls.getState().addTranscript(e.line);
      break;
    case 'call.turn':
      s.calls.getState().addTurn(e.latency);
      s.latency.getState().addTurn(e.latency);
      break;
    case 'call.tool':
      s.calls.getState().addTool(e.tool);
      break;
    case 'calls.levels':
      s.levels.getState().apply(e.at, e.levels);
      break;
    case 'health.changed':
      s.health.getState().apply(e.health);
      break;
    case 'config.reloaded':
      s.config.getState().onReloaded(e.at);
      break;
    case 'config.error':
      s.config.getState().setReloadError({ at: e.at, message: e.message });
      break;
    case 'sync.progress':
      s.recordings.getState().onProgress(e.progress);
      break;
    case 'sync.finished':
      s.recordings.getState().onFinished(e.summary);
      break;
    case 'recording.updated':
      s.recordings.getState().upsert(e.recording);
      break;
    case 'doctor.check':
      s.doctor.getState().onCheck(e.check);
      break;
    case 'log':
      s.logs.getState().push(e.line);
      break;
  }
}

export function createAppStores(client: DashboardClient, opts: { healthPollMs?: number } = {}): AppStores {
  const calls = createLiveCallsStore(client);
  const stores: AppStores = {
    client,
    clock: createClock(),
    health: createHealthStore(client),
    calls,
    levels: createLevelsStore(),
    latency: createLatencyStore(client),
    config: createConfigStore(client),
    history: createHistoryStore(client),
    recordings: createRecordingsStore(client),
    settings: createSettingsStore(client),
    doctor: createDoctorStore(client),
    logs: createLogsStore(),
    dispose() {
      unsubEvents();
      unsubConn();
      calls.dispose();
      stores.clock.dispose();
      if (poll) clearInterval(poll);
    },
  };
  const unsubEvents = client.subscribe((e) => dispatchEvent(stores, e));
  let wasOpen = client.connection().status === 'open';
  const unsubConn = client.onConnection((state) => {
    stores.health.getState().setConnection(state);
    // After a reconnect, events may have been missed: refetch what is live.
    if (state.status === 'open' && !wasOpen) {
      void stores.health.getState().load();
      void stores.calls.getState().load();
      if (stores.config.getState().config.data) void stores.config.getState().load();
    }
    wasOpen = state.status === 'open';
  });
  // Uptime and anything without an event (e.g. transport state) stays fresh with a slow poll.
  const pollMs = opts.healthPollMs ?? 15_000;
  const poll = pollMs > 0 ? setInterval(() => void stores.health.getState().load(), pollMs) : undefined;
  return stores;
}
