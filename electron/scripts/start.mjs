#!/usr/bin/env node
/**
 * `npm start`: the desktop app in development.
 *   1. Electron's binary: when `npm ci` skipped it, run electron's own install.js (downloads it).
 *   2. Native modules rebuilt for Electron's ABI (electron-builder install-app-deps), once per version.
 *   3. Build renderer + main + preload (electron/scripts/build.mjs).
 *   4. Launch Electron on the app, passing our arguments through (e.g. `npm start -- --config x.yaml`).
 * Flags: --no-build (launch what is in out/), --no-rebuild.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, electronPackageDir, electronVersion, nativeRuntime, setNativeRuntime } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ours = new Set(['--no-build', '--no-rebuild']);
const flags = new Set(process.argv.slice(2).filter((a) => ours.has(a)));
const appArgs = process.argv.slice(2).filter((a) => !ours.has(a));

function fail(msg) {
  console.error(`\nnpm start: ${msg}\n`);
  process.exit(1);
}

function ensureBinary() {
  let exe = electronBinary(root);
  if (exe) return exe;
  console.log('npm start: Electron binary missing (npm ci skips it); downloading it with electron/install.js …');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD; // install.js exits early when this is set
  spawnSync(process.execPath, [join(electronPackageDir(root), 'install.js')], { cwd: root, env, stdio: 'inherit' });
  exe = electronBinary(root);
  if (!exe) {
    fail(
      `Electron ${electronVersion(root) ?? ''} could not be downloaded (is github.com reachable?).\n` +
        'The desktop app needs it. Without it, `npm run serve` runs the same engine and dashboard at http://127.0.0.1:15000/.\n' +
        'Behind a proxy/mirror set ELECTRON_MIRROR, or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron.',
    );
  }
  return exe;
}

/** better-sqlite3 loads under this Node only while it is still built for Node's ABI (then Electron cannot load it). */
function nativeBuiltForNode() {
  const probe = "new (require('better-sqlite3'))(':memory:').close()";
  return spawnSync(process.execPath, ['-e', probe], { cwd: root, stdio: 'ignore' }).status === 0;
}

function ensureNativeForElectron() {
  const want = `electron-${electronVersion(root)}`;
  if (nativeRuntime(root) === want && !nativeBuiltForNode()) return;
  console.log(`npm start: rebuilding native modules (better-sqlite3) for ${want} …`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-builder', 'cli.js'), 'install-app-deps'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('`electron-builder install-app-deps` failed; see above (a C++ toolchain may be needed when no prebuilt binary exists).');
  setNativeRuntime(root, want);
  console.log('npm start: note — `npm test` runs under Node: run `npm rebuild better-sqlite3` before testing again.');
}

const exe = ensureBinary();
if (!flags.has('--no-rebuild')) ensureNativeForElectron();
if (!flags.has('--no-build')) {
  const r = spawnSync(process.execPath, [join(root, 'electron', 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('the build failed (see above)');
}
const child = spawn(exe, ['.', ...appArgs], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
