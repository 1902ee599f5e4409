/**
 * The contexts editor's API for the new context settings: config.get lists
 * every selectable tool (built-ins, HTTP, server.*) and a context's voicemail
 * box; config.saveContext writes `voicemail:` into the YAML (comments kept)
 * and validation names contexts.<c>.voicemail.mailbox / tools paths.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { createSettingsService } from '../../engine/src/settings/settings-service.js';
import { openDatabase } from '../../engine/src/store/database.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { createMetrics } from '../../engine/src/observability/metrics.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import type { ConfigView, ValidationResult } from '../../engine/src/api/config.js';

const YAML = `# my config
default_provider: echo
asterisk: { host: pbx, username: u }
providers: { echo: { type: echo } }
tools:
  http:
    lookup_order: { description: Look up an order, url: "https://shop.example/orders/{order_number}" }
  mcp:
    tickets: { url: "https://mcp.example/mcp" }
contexts:
  support:
    tools: [hangup] # keep me
`;

describe('contexts API: tools and voicemail', () => {
  let dir: string;
  let cfg: ConfigManager;
  let handlers: NonNullable<ReturnType<typeof createSettingsService>['handlers']>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aava-ctx-'));
    writeFileSync(join(dir, 'ai-agent.yaml'), YAML);
    cfg = new ConfigManager(join(dir, 'ai-agent.yaml'));
    const db = openDatabase(':memory:');
    handlers = createSettingsService({ config: cfg, db, log: silentLogger(), metrics: createMetrics({ defaultMetrics: false }), bus: new EventBus(), secrets: new MemorySecretStore(), dataDir: dir }).handlers!;
  });
  afterEach(() => {
    cfg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the selectable tools, saves a voicemail box and reads it back; removing it removes the key', async () => {
    const view = (await handlers['config.get']!(undefined)) as ConfigView;
    expect(view.tools).toEqual(['transfer', 'hangup', 'voicemail', 'lookup_order', 'tickets.*']);
    expect(view.preCallLookup).toBe(false);
    const saved = (await handlers['config.saveContext']!({ name: 'support', context: { tools: ['hangup', 'voicemail', 'lookup_order', 'tickets.create_ticket'], voicemail: { mailbox: '2000@default', options: 'u' } } })) as ValidationResult;
    expect(saved).toEqual({ ok: true });
    const text = readFileSync(join(dir, 'ai-agent.yaml'), 'utf8');
    expect(text).toContain('# my config');
    expect(text).toContain('voicemail: {mailbox: "2000@default"}');
    const support = ((await handlers['config.get']!(undefined)) as ConfigView).contexts.find((c) => c.name === 'support')!;
    expect(support).toMatchObject({ tools: ['hangup', 'voicemail', 'lookup_order', 'tickets.create_ticket'], voicemail: { mailbox: '2000@default', options: 'u' } });
    await handlers['config.saveContext']!({ name: 'support', context: { tools: ['hangup'] } });
    expect(readFileSync(join(dir, 'ai-agent.yaml'), 'utf8')).not.toContain('voicemail:');
  });

  it('rejects the voicemail tool without a box and unknown tools, naming the YAML path', async () => {
    const r = (await handlers['config.validateContext']!({ name: 'support', context: { tools: ['voicemail', 'billing.*'] } })) as ValidationResult;
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['contexts.support.tools.1', 'contexts.support.voicemail.mailbox']));
    const bad = (await handlers['config.validateContext']!({ name: 'support', context: { tools: ['voicemail'], voicemail: { mailbox: '2000,evil' } } })) as ValidationResult;
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['contexts.support.voicemail.mailbox']);
  });
});
