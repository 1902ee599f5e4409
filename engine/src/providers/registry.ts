/**
 * Builds the configured providers and pipelines (by `type`, via catalog.ts,
 * plus the built-in `echo`), answers their health, and survives reloads:
 * a call holds a lease on the provider it started with; a provider whose
 * config changed is replaced for new calls and closed once its last call ends.
 */
import type { AgentConfig } from '../config/schema.js';
import type { ProviderHealth } from '../api/health.js';
import type { Logger } from '../observability/logger.js';
import type { Provider, ProviderDeps } from './provider.js';
import { providerFactories, pipelineFactory } from './catalog.js';
import { createEchoProvider } from './echo/echo-provider.js';
import { RetiringLeases } from '../util/retiring-leases.js';

interface Entry {
  name: string;
  configJson: string;
  provider?: Provider;
  /** Why it could not be built (unknown type, missing module, factory error). */
  error?: string;
  kind: 'provider' | 'pipeline';
  type: string;
  leases: number;
  retired: boolean;
}

export interface ProviderLease {
  provider: Provider;
  release(): void;
}

export class ProviderRegistry {
  private current = new Map<string, Entry>();
  private readonly leases = new RetiringLeases<Entry>((e) => this.closeEntry(e));

  constructor(private readonly deps: ProviderDeps & { log: Logger }) {}

  /** (Re)builds from config; unchanged entries are kept as they are. */
  update(config: AgentConfig): void {
    const next = new Map<string, Entry>();
    const wanted: [string, 'provider' | 'pipeline', unknown][] = [
      ...Object.entries(config.providers).map(([n, c]) => [n, 'provider', c] as [string, 'provider', unknown]),
      ...Object.entries(config.pipelines).map(([n, c]) => [n, 'pipeline', c] as [string, 'pipeline', unknown]),
    ];
    for (const [name, kind, cfg] of wanted) {
      // Endpointing (`vad:`) belongs to each call's voice activity, read from the call's config snapshot.
      const json = JSON.stringify(cfg);
      const old = this.current.get(name);
      if (old && old.configJson === json && old.kind === kind) {
        next.set(name, old);
        continue;
      }
      next.set(name, this.build(name, kind, cfg, json));
    }
    for (const [name, old] of this.current) if (next.get(name) !== old) this.leases.retire(old);
    this.current = next;
  }

  private build(name: string, kind: 'provider' | 'pipeline', cfg: unknown, json: string): Entry {
    const type = kind === 'pipeline' ? 'pipeline' : String((cfg as { type?: string }).type);
    const entry: Entry = { name, configJson: json, kind, type, leases: 0, retired: false };
    try {
      if (kind === 'pipeline') {
        if (!pipelineFactory.create) throw new Error('pipelines are not available in this build');
        entry.provider = pipelineFactory.create(name, cfg as never, this.deps);
      } else if (type === 'echo') {
        entry.provider = createEchoProvider(name, cfg as never);
      } else {
        const factory = providerFactories[type as keyof typeof providerFactories];
        if (!factory) throw new Error(`provider type "${type}" is not available in this build`);
        entry.provider = factory(name, cfg as never, this.deps);
      }
    } catch (err) {
      entry.error = `${kind === 'pipeline' ? 'pipelines' : 'providers'}.${name}: ${(err as Error).message}`;
      this.deps.log.error({ provider: name, err: entry.error }, 'provider could not be built');
    }
    return entry;
  }

  private async closeEntry(e: Entry): Promise<void> {
    try {
      await e.provider?.close();
    } catch (err) {
      this.deps.log.warn({ provider: e.name, err: (err as Error).message }, 'provider close failed');
    }
  }

  /** A provider for a new call; throws with a readable reason when it is not usable. */
  acquire(name: string): ProviderLease {
    const e = this.current.get(name);
    if (!e) throw new Error(`provider "${name}" is not configured`);
    if (!e.provider) throw new Error(e.error ?? `provider "${name}" is not available`);
    return { provider: e.provider, release: this.leases.take(e) };
  }

  health(): Record<string, ProviderHealth> {
    const out: Record<string, ProviderHealth> = {};
    for (const [name, e] of this.current) {
      if (!e.provider) {
        out[name] = { ready: false, reason: e.error ?? 'not built', kind: e.kind, type: e.type };
        continue;
      }
      try {
        out[name] = { ...e.provider.health(), kind: e.kind, type: e.type };
      } catch (err) {
        out[name] = { ready: false, reason: (err as Error).message, kind: e.kind, type: e.type };
      }
    }
    return out;
  }

  async closeAll(): Promise<void> {
    const live = [...this.current.values()];
    this.current.clear();
    await this.leases.closeAll(live);
  }
}
