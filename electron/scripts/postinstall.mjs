#!/usr/bin/env node
/**
 * postinstall guard: rebuild native modules for Electron's ABI
 * (`electron-builder install-app-deps`) only when Electron's binary is
 * present. Where it is not (CI, ELECTRON_SKIP_BINARY_DOWNLOAD, no internet)
 * it does nothing. It never fails the install: a failed rebuild is reported
 * and `npm start` retries it.
 * Set AAVA_SKIP_APP_DEPS=1 to keep Node's ABI (e.g. to run `npm test` afterwards).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, electronVersion, setNativeRuntime } from './electron-binary.mjs';

const root = process.env.AAVA_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');

if (process.env.AAVA_SKIP_APP_DEPS) {
  console.log('aava postinstall: AAVA_SKIP_APP_DEPS set, native modules stay built for Node');
} else if (!electronBinary(root)) {
  console.log("aava postinstall: Electron's binary is not installed, skipping the native rebuild for Electron (Node ABI kept)");
} else {
  const version = electronVersion(root);
  console.log(`aava postinstall: rebuilding native modules for Electron ${version}`);
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'install-app-deps'], { cwd: root, stdio: 'inherit' });
  if (r.status === 0) setNativeRuntime(root, `electron-${version}`);
  else console.warn('aava postinstall: `electron-builder install-app-deps` failed; `npm start` will retry it');
}
process.exit(0);
