import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configFlag, resolveDesktopPaths, ensureUserConfig } from '../../electron/app-paths.js';

const root = resolve(__dirname, '..', '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aava-paths-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('data dir and config selection', () => {
  it.each([
    [['electron', '.', '--config', 'a.yaml'], 'a.yaml'],
    [['/opt/AAVA Desktop/aava-desktop', '--config=/etc/aava.yaml'], '/etc/aava.yaml'],
    [['aava', '--config', '--hidden'], undefined],
    [['aava', '--config='], undefined],
    [['aava', '--hidden'], undefined],
  ])('configFlag(%j) = %s', (argv, want) => {
    expect(configFlag(argv)).toBe(want);
  });

  it('--config beats AI_AGENT_CONFIG beats userData; AI_ENGINE_DATA_DIR beats userData', () => {
    const base = { userData: '/home/a/.config/AAVA Desktop', appRoot: '/src/aava', isPackaged: false, cwd: '/work' };
    expect(resolveDesktopPaths({ ...base, argv: ['e', '.', '--config', 'x.yaml'], env: { AI_AGENT_CONFIG: '/y.yaml' } })).toEqual({
      dataDir: '/home/a/.config/AAVA Desktop',
      configPath: '/work/x.yaml',
      configSource: 'flag',
      shippedConfig: '/src/aava/config/ai-agent.yaml',
    });
    expect(resolveDesktopPaths({ ...base, argv: [], env: { AI_AGENT_CONFIG: '/y.yaml', AI_ENGINE_DATA_DIR: 'data' } })).toMatchObject({
      configPath: '/y.yaml',
      configSource: 'env',
      dataDir: '/work/data',
    });
    expect(resolveDesktopPaths({ ...base, argv: [], env: {}, isPackaged: true, resourcesPath: '/opt/aava/resources' })).toEqual({
      dataDir: '/home/a/.config/AAVA Desktop',
      configPath: '/home/a/.config/AAVA Desktop/ai-agent.yaml',
      configSource: 'user-data',
      shippedConfig: '/opt/aava/resources/config/ai-agent.yaml',
    });
  });

  it('copies the shipped config on first run only, 0600, and names both paths when it cannot', () => {
    const shipped = join(dir, 'shipped.yaml');
    writeFileSync(shipped, 'default_provider: x\n');
    const paths = { dataDir: dir, configPath: join(dir, 'user', 'ai-agent.yaml'), configSource: 'user-data' as const, shippedConfig: shipped };
    expect(ensureUserConfig(paths)).toBe(true);
    expect(statSync(paths.configPath).mode & 0o777).toBe(0o600);
    writeFileSync(paths.configPath, 'edited: true\n');
    expect(ensureUserConfig(paths)).toBe(false);
    expect(readFileSync(paths.configPath, 'utf8')).toBe('edited: true\n');
    expect(ensureUserConfig({ ...paths, configSource: 'flag', configPath: join(dir, 'nope.yaml') })).toBe(false);
    const missing = { ...paths, configPath: join(dir, 'other', 'ai-agent.yaml'), shippedConfig: join(dir, 'gone.yaml') };
    expect(() => ensureUserConfig(missing)).toThrow(`${missing.configPath}: no config yet, and the shipped default ${missing.shippedConfig} is missing`);
  });
});

describe('postinstall guard (never breaks npm ci)', () => {
  const guard = join(root, 'electron', 'scripts', 'postinstall.mjs');
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [guard], { env: { PATH: process.env.PATH ?? '', AAVA_ROOT: dir, ...env }, encoding: 'utf8' });

  it('skips the rebuild when Electron has no binary', () => {
    const r = run({});
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/binary is not installed, skipping/);
  });

  it('tries the rebuild when the binary is present and still exits 0 when it fails', () => {
    const e = join(dir, 'node_modules', 'electron');
    mkdirSync(join(e, 'dist'), { recursive: true });
    writeFileSync(join(e, 'package.json'), '{"version":"38.8.6"}');
    writeFileSync(join(e, 'path.txt'), 'electron');
    writeFileSync(join(e, 'dist', 'electron'), '#!/bin/sh\n');
    chmodSync(join(e, 'dist', 'electron'), 0o755);
    // no electron-builder in this fake root: the rebuild fails, the install must not
    const r = run({});
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/rebuilding native modules for Electron 38\.8\.6/);
    expect(r.stderr).toMatch(/install-app-deps` failed/);
    expect(run({ AAVA_SKIP_APP_DEPS: '1' }).stdout).toMatch(/AAVA_SKIP_APP_DEPS set/);
  });
});
