#!/usr/bin/env node
/**
 * Builds what the desktop app loads:
 *   out/renderer/            vite build --config renderer/vite.config.ts (skipped with --no-renderer)
 *   out/electron/main.js     tsc -p electron --noEmit false (ESM, with out/engine/src/**)
 *   out/electron/preload.cjs esbuild bundle: a sandboxed preload cannot load ESM or npm modules
 * Usage: node electron/scripts/build.mjs [--no-renderer] [--preload-only]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function run(name, argv) {
  console.log(`> ${name} ${argv.join(' ')}`);
  const r = spawnSync(bin(name), argv, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`build: ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

/** The preload as one CommonJS file; only `electron` stays a require (the sandbox provides it). */
export async function buildPreload(outfile = join(root, 'out', 'electron', 'preload.cjs')) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'electron', 'preload.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'chrome120',
    external: ['electron'],
    sourcemap: false,
    logLevel: 'warning',
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('build.mjs')) {
  if (!args.has('--preload-only')) {
    if (!args.has('--no-renderer')) {
      if (existsSync(join(root, 'renderer', 'vite.config.ts'))) run('vite', ['build', '--config', 'renderer/vite.config.ts']);
      else console.warn('build: renderer/vite.config.ts not found, skipping the renderer');
    }
    run('tsc', ['-p', 'electron', '--noEmit', 'false']);
  }
  console.log(`> esbuild preload → ${await buildPreload()}`);
}
