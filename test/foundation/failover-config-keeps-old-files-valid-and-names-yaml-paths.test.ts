/**
 * The failover settings in the config file: a file written for the older
 * `on_provider_failure.action` still loads and means the same failover; a
 * failover naming no transfer destination, or contradicting `action`, is
 * rejected with the YAML path; the Contexts API writes a context's failover
 * into the YAML and reads it back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, ConfigError } from '../../engine/src/config/load.js';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { createSettingsService } from '../../engine/src/settings/settings-service.js';
import { openDatabase } from '../../engine/src/store/database.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { createMetrics } from '../../engine/src/observability/metrics.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { failoverOf } from '../../engine/src/calls/provider-failover.js';
import type { ConfigView, ValidationResult } from '../../engine/src/api/config.js';

const BASE = `default_provider: echo
asterisk: { host: pbx, username: u }
providers: { echo: { type: echo } }
tools:
  transfer:
    destinations:
      operator: { type: extension, target: "100" }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aava-failover-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(extra: string) {
  const file = join(dir, 'ai-agent.yaml');
  writeFileSync(file, BASE + extra);
  return loadConfigFile(file, { env: {} });
}

function issues(extra: string): string[] {
  try {
    load(extra);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('failover config', () => {
  it('maps the older action onto failover, keeps every other key, and contexts override the default', () => {
    const old = load(`on_provider_failure:\n  action: continue\n  message: "One moment."\n  context: from-internal\n  extension: "500"\n  priority: 1\ncontexts:\n  sales: { tools: [], failover: "transfer:operator" }\n  support: { tools: [] }\n`).config;
    expect(old.on_provider_failure).toMatchObject({ failover: 'continue', message: 'One moment.', extension: '500', provider_timeout_s: 10 });
    expect(failoverOf(old, 'sales')).toBe('transfer:operator');
    expect(failoverOf(old, 'support')).toBe('continue');
    expect(load(`on_provider_failure: { action: announce_hangup }\n`).config.on_provider_failure.failover).toBe('hangup');
    expect(load('').config.on_provider_failure).toMatchObject({ failover: 'hangup', provider_timeout_s: 10 });
  });

  it('rejects what cannot work, naming the YAML path', () => {
    expect(issues(`on_provider_failure: { failover: "transfer:sales" }\n`)).toEqual(['on_provider_failure.failover: "sales" is not a transfer destination (have: operator)']);
    expect(issues(`contexts:\n  sales: { failover: voicemail }\n`)).toEqual(['contexts.sales.failover: "voicemail": use hangup, continue or transfer:<destination> (a name under tools.transfer.destinations)']);
    expect(issues(`on_provider_failure: { action: continue, failover: hangup }\n`)).toEqual(['on_provider_failure.action: action: continue contradicts failover: hangup; remove action (failover replaces it)']);
    expect(issues(`on_provider_failure: { provider_timeout_s: 0 }\n`)[0]).toMatch(/^on_provider_failure\.provider_timeout_s: /);
  });

  it('the Contexts API saves a context’s failover into the YAML and validates it', async () => {
    const file = join(dir, 'ai-agent.yaml');
    writeFileSync(file, `${BASE}contexts:\n  sales:\n    tools: [] # keep me\n`);
    const cfg = new ConfigManager(file);
    try {
      const handlers = createSettingsService({ config: cfg, db: openDatabase(':memory:'), log: silentLogger(), metrics: createMetrics({ defaultMetrics: false }), bus: new EventBus(), secrets: new MemorySecretStore(), dataDir: dir }).handlers!;
      const bad = (await handlers['config.saveContext']!({ name: 'sales', context: { tools: [], failover: 'transfer:nobody' } })) as ValidationResult;
      expect(bad).toEqual({ ok: false, issues: [{ path: 'contexts.sales.failover', message: '"nobody" is not a transfer destination (have: operator)' }] });
      expect(await handlers['config.saveContext']!({ name: 'sales', context: { tools: [], failover: 'transfer:operator' } })).toEqual({ ok: true });
      expect(readFileSync(file, 'utf8')).toContain('failover: transfer:operator');
      const view = (await handlers['config.get']!(undefined)) as ConfigView;
      expect(view.contexts.find((c) => c.name === 'sales')).toMatchObject({ failover: 'transfer:operator' });
      expect(view).toMatchObject({ defaultFailover: 'hangup', failoverContinueTo: 'from-internal,s,1' });
    } finally {
      cfg.close();
    }
  });
});
