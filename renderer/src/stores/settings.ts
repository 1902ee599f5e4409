import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ArgsOf, ConnectionDiagnosis, RecordingsSettingsView, SettingsView, WebhookQueueView } from '../api/contract';
import type { DashboardClient } from '../api/types';
import { attempt, idle, track, type Resource } from './resource';
import type { ApiError } from '../api/errors';

export type ActionResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface SettingsState {
  settings: Resource<SettingsView>;
  recordings: Resource<RecordingsSettingsView>;
  /** The post-call webhook queue and its dead letters. */
  webhooks: Resource<WebhookQueueView>;
  load(): Promise<void>;
  loadWebhooks(): Promise<void>;
  resendWebhook(id: number): Promise<ActionResult>;
  loadRecordings(): Promise<void>;
  saveAri(v: ArgsOf<'settings.saveAri'>): Promise<ActionResult>;
  testAri(): Promise<ActionResult<{ ok: boolean; message: string; fix?: string }>>;
  saveTransport(t: 'audiosocket' | 'externalmedia'): Promise<ActionResult>;
  setSecret(name: string, value: string): Promise<ActionResult>;
  deleteSecret(name: string): Promise<ActionResult>;
  saveRecordings(v: ArgsOf<'recordings.saveSettings'>): Promise<ActionResult>;
  testRecordings(v: ArgsOf<'recordings.testConnection'>): Promise<ActionResult<ConnectionDiagnosis>>;
}

export type SettingsStore = StoreApi<SettingsState>;

export function createSettingsStore(client: DashboardClient): SettingsStore {
  return createStore<SettingsState>()((set, get) => {
    const reloadAfter = async <T>(r: ActionResult<T>, which: 'settings' | 'recordings'): Promise<ActionResult<T>> => {
      if (r.ok) await (which === 'settings' ? get().load() : get().loadRecordings());
      return r;
    };
    return {
      settings: idle(),
      recordings: idle(),
      webhooks: idle(),
      async load() {
        await track(set, get, 'settings', () => client.invoke('settings.get'));
      },
      async loadWebhooks() {
        await track(set, get, 'webhooks', () => client.invoke('webhooks.queue'));
      },
      async resendWebhook(id) {
        const r = await attempt(() => client.invoke('webhooks.resend', { id }));
        if (r.ok) await get().loadWebhooks();
        return r;
      },
      async loadRecordings() {
        await track(set, get, 'recordings', () => client.invoke('recordings.settings'));
      },
      async saveAri(v) {
        return reloadAfter(await attempt(() => client.invoke('settings.saveAri', v)), 'settings');
      },
      async testAri() {
        return attempt(() => client.invoke('settings.testAri'));
      },
      async saveTransport(audioTransport) {
        return reloadAfter(await attempt(() => client.invoke('settings.saveTransport', { audioTransport })), 'settings');
      },
      async setSecret(name, value) {
        return reloadAfter(await attempt(() => client.invoke('secrets.set', { name, value })), 'settings');
      },
      async deleteSecret(name) {
        return reloadAfter(await attempt(() => client.invoke('secrets.delete', { name })), 'settings');
      },
      async saveRecordings(v) {
        return reloadAfter(await attempt(() => client.invoke('recordings.saveSettings', v)), 'recordings');
      },
      async testRecordings(v) {
        return attempt(() => client.invoke('recordings.testConnection', v));
      },
    };
  });
}
