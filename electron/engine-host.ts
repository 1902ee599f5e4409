/**
 * Runs the engine in-process, built by the same createEngine as `serve`,
 * while keeping hold of the services (for aava-media:// → resolveMedia).
 */
import { createEngine, DEFAULT_SERVICES, loadConfigFile, type Engine, type EngineOptions, type EngineService, type ServiceFactory, type SecretStore } from '../engine/src/index.js';
import type { MediaResolver } from './protocols.js';
import type { PortOwners } from './startup-error.js';

export interface HostedEngine {
  engine: Engine;
  services: EngineService[];
  resolveMedia: MediaResolver;
}

export interface HostOptions {
  configPath: string;
  dataDir: string;
  secrets: SecretStore;
  factories?: ServiceFactory[];
  create?: (opts: EngineOptions) => Engine;
  http?: EngineOptions['http'];
}

function mediaResolverFor(services: readonly EngineService[]): MediaResolver {
  return (path) => {
    for (const s of services) {
      const hit = s.resolveMedia?.(path);
      if (hit) return hit;
    }
    return undefined;
  };
}

/** Builds and starts the engine. On a start failure everything already opened is closed before rethrowing. */
export async function startHostedEngine(opts: HostOptions): Promise<HostedEngine> {
  const services: EngineService[] = [];
  const factories = (opts.factories ?? DEFAULT_SERVICES).map<ServiceFactory>((f) => (ctx) => {
    const s = f(ctx);
    services.push(s);
    return s;
  });
  const engine = (opts.create ?? createEngine)({
    configPath: opts.configPath,
    dataDir: opts.dataDir,
    secrets: opts.secrets,
    services: factories,
    ...(opts.http !== undefined ? { http: opts.http } : {}),
  });
  try {
    await engine.start();
  } catch (err) {
    await engine.stop(2000).catch(() => undefined);
    throw err;
  }
  return { engine, services, resolveMedia: mediaResolverFor(services) };
}

/** The configured ports (for naming the key at fault in an EADDRINUSE message); {} when the config does not load. */
export function portOwnersFrom(configPath: string): PortOwners {
  try {
    const c = loadConfigFile(configPath).config;
    return { audiosocket: c.audiosocket.port, rtpRange: c.external_media.port_range, health: c.health.port };
  } catch {
    return {};
  }
}
