import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { ConfigError } from '../../engine/src/config/load.js';

const good = (greeting: string) => `default_provider: echo\nasterisk: {host: h, username: u}\nproviders: {echo: {type: echo}}\ncontexts:\n  default: {greeting: "${greeting}"}\n`;

let mgr: ConfigManager | undefined;
let dir: string;
afterEach(() => {
  mgr?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('config reload', () => {
  it('picks up a changed file; a bad file is rejected and the running config stays', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-reload-'));
    const file = join(dir, 'ai-agent.yaml');
    writeFileSync(file, good('one'));
    mgr = new ConfigManager(file, { env: {}, dotEnvPaths: [] });
    const snapshot = mgr.current();
    const errors: ConfigError[] = [];
    mgr.events.on('error', (e) => errors.push(e));
    mgr.watch();

    writeFileSync(file, good('two'));
    await expect.poll(() => mgr!.current().contexts.default?.greeting, { timeout: 5000 }).toBe('two');
    // A call that started earlier keeps its snapshot.
    expect(snapshot.contexts.default?.greeting).toBe('one');

    writeFileSync(file, good('three').replace('default_provider: echo', 'default_provider: nope'));
    await expect.poll(() => errors.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(errors[0]!.message).toContain('default_provider: "nope" is not a provider or pipeline (have: echo)');
    expect(mgr.current().contexts.default?.greeting).toBe('two');
    expect(mgr.error()).toBeDefined();
    expect(() => mgr!.reload()).toThrow(ConfigError);

    writeFileSync(file, good('four'));
    await expect.poll(() => mgr!.current().contexts.default?.greeting, { timeout: 5000 }).toBe('four');
    expect(mgr.error()).toBeUndefined();
  });

  it('writeText never writes an invalid file', () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-reload-'));
    const file = join(dir, 'ai-agent.yaml');
    writeFileSync(file, good('one'));
    mgr = new ConfigManager(file, { env: {}, dotEnvPaths: [] });
    expect(() => mgr!.writeText('default_provider: [')).toThrow(ConfigError);
    expect(mgr.readText()).toBe(good('one'));
    mgr.writeText(good('five'));
    expect(mgr.current().contexts.default?.greeting).toBe('five');
  });
});
