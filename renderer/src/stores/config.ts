import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConfigIssue, ConfigView, ContextInput, ToolCatalogView, ValidationResult } from '../api/contract';
import type { DashboardClient } from '../api/types';
import type { ApiError } from '../api/errors';
import { attempt, idle, track, type Resource } from './resource';

export interface ConfigState {
  config: Resource<ConfigView>;
  /** Every tool a context may list, with descriptions and the MCP servers' state (tools.catalog). */
  catalog: Resource<ToolCatalogView>;
  /** Last config.error event (a bad edit on disk was rejected; the running config stays). */
  reloadError?: { at: string; message: string };
  load(): Promise<void>;
  loadCatalog(): Promise<void>;
  validate(name: string, context: ContextInput): Promise<Outcome>;
  save(name: string, context: ContextInput, renameFrom?: string): Promise<Outcome>;
  remove(name: string): Promise<Outcome>;
  setReloadError(e: { at: string; message: string } | undefined): void;
  /**
   * The engine reloaded its config (event `config.reloaded`, `at` = its loadedAt). Loads once, unless a write
   * of ours is still answering (the write loads when it does) or the view already shows that load.
   */
  onReloaded(at: string): void;
}

/** What an editor shows after validate/save/delete: ok, config issues (with YAML paths), or an API error. */
export type Outcome = { ok: true } | { ok: false; issues: ConfigIssue[]; error?: ApiError };

export type ConfigStore = StoreApi<ConfigState>;

function toOutcome(r: { ok: true; value: ValidationResult } | { ok: false; error: ApiError }): Outcome {
  if (!r.ok) return { ok: false, issues: r.error.issues ?? (r.error.path ? [{ path: r.error.path, message: r.error.message }] : []), error: r.error };
  return r.value.ok ? { ok: true } : { ok: false, issues: r.value.issues };
}

export function createConfigStore(client: DashboardClient): ConfigStore {
  let writesInFlight = 0;
  return createStore<ConfigState>()((set, get) => {
    /** A save or delete, then one load of the config it wrote (the reload event it causes loads nothing more). */
    const write = async (request: () => Promise<ValidationResult>): Promise<Outcome> => {
      writesInFlight++;
      try {
        const out = toOutcome(await attempt(request));
        if (out.ok) await get().load();
        return out;
      } finally {
        writesInFlight--;
      }
    };
    return {
      config: idle(),
      catalog: idle(),
      async load() {
        await track(set, get, 'config', () => client.invoke('config.get'));
      },
      async loadCatalog() {
        await track(set, get, 'catalog', () => client.invoke('tools.catalog'));
      },
      async validate(name, context) {
        return toOutcome(await attempt(() => client.invoke('config.validateContext', { name, context })));
      },
      save(name, context, renameFrom) {
        const args = renameFrom && renameFrom !== name ? { name, renameFrom, context } : { name, context };
        return write(() => client.invoke('config.saveContext', args));
      },
      remove(name) {
        return write(() => client.invoke('config.deleteContext', { name }));
      },
      setReloadError(reloadError) {
        set({ reloadError });
      },
      onReloaded(at) {
        set({ reloadError: undefined });
        if (writesInFlight > 0 || get().config.data?.loadedAt === at) return;
        void get().load();
      },
    };
  });
}
