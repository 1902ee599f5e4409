/**
 * The dashboard's Contexts and Settings pages, engine side: control-API
 * handlers for the config (contexts editor, reload), settings (ARI
 * connection, transport) and write-only secrets. Edits go through the
 * config manager (config/), which validates, writes and reloads once.
 */
import type { EngineContext, EngineService } from '../engine-context.js';
import { ApiError, type ConfigView, type ValidationResult, type SecretStatus, type SettingsView } from '../api/index.js';
import { ConfigError } from '../config/load.js';
import { upsertContext, deleteContext, writtenContexts } from '../config/edit-contexts.js';
import { setScalars } from '../config/edit-yaml.js';
import { testAriConnection } from './test-ari.js';
import { selectableToolNames } from '../config/integrations-schema.js';

/** Secrets the product knows about (others may exist in the store). */
const KNOWN_SECRETS = [
  'ASTERISK_ARI_PASSWORD',
  'OPENAI_API_KEY',
  'DEEPGRAM_API_KEY',
  'RECORDINGS_ARI_PASSWORD',
  'SIP_PASSWORD',
  'SSH_PASSWORD',
];

/** What a context may list: built-ins, HTTP tools and every MCP server's `server.*`. */
function toolNames(cfg: Parameters<typeof selectableToolNames>[0]): string[] {
  const t = selectableToolNames(cfg);
  return [...t.builtin, ...t.http, ...t.mcpServers.map((s) => `${s}.*`)];
}

function asValidation(fn: () => void): ValidationResult {
  try {
    fn();
    return { ok: true };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, issues: err.issues };
    throw err;
  }
}

export function createSettingsService(ctx: EngineContext): EngineService {
  const { config, secrets } = ctx;

  const view = (): ConfigView => {
    const cfg = config.current();
    const info = config.info();
    const raw = writtenContexts(info.asWritten);
    return {
      path: info.path,
      loadedAt: info.loadedAt.toISOString(),
      defaultProvider: cfg.default_provider,
      audioTransport: cfg.audio_transport,
      appName: cfg.asterisk.app_name,
      contexts: Object.entries(cfg.contexts).map(([name, c]) => {
        const r = raw[name] ?? {};
        const str = (k: string, fallback?: string) => (typeof r[k] === 'string' ? (r[k] as string) : fallback);
        const vm = c.voicemail ? { voicemail: { mailbox: c.voicemail.mailbox, options: c.voicemail.options } } : {};
        const failover = c.failover ? { failover: c.failover } : {};
        return { name, greeting: str('greeting', c.greeting), prompt: str('prompt', c.prompt), provider: str('provider', c.provider), tools: c.tools, destination: str('destination', c.destination), ...vm, ...failover };
      }),
      providers: [
        ...Object.entries(cfg.providers).map(([name, p]) => ({ name, kind: 'provider' as const, type: p.type })),
        ...Object.keys(cfg.pipelines).map((name) => ({ name, kind: 'pipeline' as const, type: 'pipeline' })),
      ],
      tools: toolNames(cfg),
      preCallLookup: !!cfg.webhooks.pre_call?.url,
      transferDestinations: Object.entries(cfg.tools.transfer.destinations).map(([name, d]) => ({ name, type: d.type, target: d.target })),
      defaultFailover: cfg.on_provider_failure.failover,
      failoverContinueTo: `${cfg.on_provider_failure.context},${cfg.on_provider_failure.extension},${cfg.on_provider_failure.priority}`,
    };
  };

  const secretStatus = (name: string): SecretStatus => {
    if (process.env[name]) return { name, set: true, source: 'env' };
    if (secrets.get(name)) return { name, set: true, source: secrets.kind === 'memory' ? 'env' : secrets.kind };
    return { name, set: false, source: 'unset' };
  };
  const listSecrets = () => [...new Set([...KNOWN_SECRETS, ...secrets.names()])].sort().map(secretStatus);

  const reloadQuietly = () => {
    try {
      config.reload();
    } catch {
      // reported through config events; the running config stays
    }
  };

  return {
    name: 'settings',
    async start() {},
    async stop() {},
    handlers: {
      'config.get': () => view(),
      'config.validateContext': ({ name, context }) =>
        asValidation(() => config.validateText(upsertContext(config.readText(), name, context))),
      'config.saveContext': ({ name, renameFrom, context }) => {
        const cfg = config.current();
        if (renameFrom && renameFrom !== name && !(renameFrom in cfg.contexts)) {
          throw new ApiError('not_found', `context "${renameFrom}" does not exist`, { path: `contexts.${renameFrom}` });
        }
        if ((!renameFrom || renameFrom !== name) && name in cfg.contexts && renameFrom !== undefined) {
          throw new ApiError('conflict', `context "${name}" already exists`, { path: `contexts.${name}` });
        }
        return asValidation(() => config.writeText(upsertContext(config.readText(), name, context, renameFrom)));
      },
      'config.deleteContext': ({ name }) => {
        if (!(name in config.current().contexts)) throw new ApiError('not_found', `context "${name}" does not exist`, { path: `contexts.${name}` });
        if (name === 'default') throw new ApiError('conflict', 'the "default" context is used when AI_CONTEXT is unset or unknown; it cannot be deleted', { path: 'contexts.default' });
        return asValidation(() => config.writeText(deleteContext(config.readText(), name)));
      },
      'config.reload': () => asValidation(() => config.reload()),
      'settings.get': (): SettingsView => {
        const cfg = config.current();
        return {
          ari: { host: cfg.asterisk.host, port: cfg.asterisk.port, scheme: cfg.asterisk.scheme, username: cfg.asterisk.username, appName: cfg.asterisk.app_name, passwordSecret: 'ASTERISK_ARI_PASSWORD' },
          audioTransport: cfg.audio_transport,
          dataDir: ctx.dataDir,
          secrets: listSecrets(),
        };
      },
      'settings.saveAri': (a) => {
        const text = setScalars(config.readText(), [
          { path: ['asterisk', 'host'], value: a.host },
          { path: ['asterisk', 'port'], value: a.port },
          { path: ['asterisk', 'scheme'], value: a.scheme },
          { path: ['asterisk', 'username'], value: a.username },
          { path: ['asterisk', 'app_name'], value: a.appName },
        ]);
        config.writeText(text);
        return { ok: true as const };
      },
      'settings.saveTransport': ({ audioTransport }) => {
        config.writeText(setScalars(config.readText(), [{ path: ['audio_transport'], value: audioTransport }]));
        return { ok: true as const };
      },
      'settings.testAri': () => testAriConnection(config.current().asterisk),
      'secrets.list': () => listSecrets(),
      'secrets.set': ({ name, value }) => {
        secrets.set(name, value);
        reloadQuietly();
        return { ok: true as const };
      },
      'secrets.delete': ({ name }) => {
        secrets.delete(name);
        reloadQuietly();
        return { ok: true as const };
      },
    },
  };
}
