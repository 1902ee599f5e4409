#!/usr/bin/env node
/**
 * Checks the packaged file set without Electron's binary (where it cannot be downloaded):
 *   1. `npm run build` output must exist (out/electron, out/renderer).
 *   2. electron-builder --dir --linux with a stand-in Electron distribution (electronDist) and no
 *      native rebuild: exercises files/asarUnpack/extraResources exactly as `npm run dist` would.
 *   3. Extracts app.asar (+ .unpacked) and boots out/electron/main.js from it under plain Node,
 *      with `electron` resolved to the test stub: engine up, window on app://, health over IPC,
 *      orderly quit. A module left out of the package fails this step.
 * Usage: npm run build && node electron/scripts/verify-package.mjs   (about 30 s)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'aava-verify-package-'));
const keep = process.argv.includes('--keep');

function step(msg) {
  console.log(`\n▶ ${msg}`);
}
function fail(msg) {
  console.error(`\nverify-package: ${msg}`);
  if (!keep) rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

for (const f of ['out/electron/main.js', 'out/electron/preload.cjs', 'out/renderer/index.html']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing: run \`npm run build\` first`);
}

step('stand-in Electron distribution');
const fake = join(work, 'electron-dist');
mkdirSync(join(fake, 'resources'), { recursive: true });
writeFileSync(join(fake, 'electron'), '#!/bin/sh\necho "stand-in electron: packaging check only" >&2\nexit 1\n');
chmodSync(join(fake, 'electron'), 0o755);
writeFileSync(join(fake, 'version'), `v${require(join(root, 'node_modules', 'electron', 'package.json')).version}`);
writeFileSync(join(fake, 'LICENSE'), 'MIT');

step('electron-builder --dir --linux (no native rebuild)');
const out = join(work, 'dist');
const eb = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', '--dir', '--linux', `-c.electronDist=${fake}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
  { cwd: root, stdio: 'inherit' },
);
if (eb.status !== 0) fail('electron-builder failed (see above)');
const resources = join(out, 'linux-unpacked', 'resources');
for (const f of ['app.asar', 'app.asar.unpacked/node_modules/better-sqlite3', 'config/ai-agent.yaml']) {
  if (!existsSync(join(resources, f))) fail(`${f} is not in the package`);
}

step('extract app.asar and boot the packaged main under Node with the electron stub');
const app = join(work, 'app');
require('@electron/asar').extractAll(join(resources, 'app.asar'), app);
const esbuild = await import('esbuild');
const stub = join(work, 'electron-stub.mjs');
await esbuild.build({ entryPoints: [join(root, 'test', 'electron', 'stubs', 'electron.ts')], outfile: stub, format: 'esm', platform: 'node', bundle: true, logLevel: 'warning' });
writeFileSync(
  join(work, 'hooks.mjs'),
  `export async function resolve(s, c, next) { return s === 'electron' ? { url: ${JSON.stringify(pathToFileURL(stub).href)}, shortCircuit: true } : next(s, c); }\n`,
);
writeFileSync(join(work, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(work, 'hooks.mjs')).href)});\n`);
writeFileSync(
  join(work, 'ai-agent.yaml'),
  'default_provider: openai_realtime\nasterisk: { host: 127.0.0.1, port: 1, username: aava, password: "" }\naudiosocket: { host: 127.0.0.1, port: 0 }\nhealth: { host: 127.0.0.1, port: 0 }\nproviders:\n  openai_realtime: { type: openai_realtime }\n',
);
writeFileSync(
  join(work, 'drive.mjs'),
  `const stub = await import('electron');
stub.app.userDataDir = ${JSON.stringify(join(work, 'userData'))};
await import(${JSON.stringify(pathToFileURL(join(app, 'out', 'electron', 'main.js')).href)});
const until = async (f, what) => { const t = Date.now(); while (!f()) { if (Date.now() - t > 30000) throw new Error('timed out waiting for ' + what); await new Promise((r) => setTimeout(r, 50)); } };
await until(() => stub.BrowserWindow.created.length > 0, 'the window');
const win = stub.BrowserWindow.created[0];
if (win.loaded[0] !== 'app://local/index.html') throw new Error('window shows ' + win.loaded[0]);
const h = await stub.ipcMain.handlers.get('aava:invoke')({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'health.get');
if (!h.ok) throw new Error('health.get: ' + JSON.stringify(h.error));
const page = await stub.protocol.handlers.get('app')(new Request('app://local/index.html'));
if (page.status !== 200) throw new Error('app://local/index.html answered ' + page.status);
console.log('packaged main: engine up (' + h.result.status + ', secrets: ' + h.result.secret_store + '), dashboard served, IPC answered');
stub.app.emit('before-quit', { preventDefault() {} });
await until(() => stub.app.exitCodes.length > 0, 'quit');
console.log('packaged main: quit with exit code ' + stub.app.exitCodes[0]);
process.exit(stub.app.exitCodes[0]);
`,
);
const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(work, 'register.mjs')).href, join(work, 'drive.mjs')], {
  cwd: work,
  stdio: 'inherit',
  env: { ...process.env, AI_AGENT_CONFIG: join(work, 'ai-agent.yaml'), AI_ENGINE_DATA_DIR: join(work, 'data'), AAVA_LOG_LEVEL: 'error' },
  timeout: 120_000,
});
if (run.status !== 0) fail('the packaged main did not boot and quit cleanly (see above)');
if (keep) console.log(`\nkept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log('\n✔ package verified');
