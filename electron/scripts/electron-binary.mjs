/**
 * Where Electron's binary is (node_modules/electron/path.txt + dist/), and
 * whether native modules were last rebuilt for it. Shared by start.mjs and
 * the postinstall guard; no side effects on import.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function electronPackageDir(root) {
  return join(root, 'node_modules', 'electron');
}

/** The executable, or undefined when `npm ci` skipped the download (ELECTRON_SKIP_BINARY_DOWNLOAD / allowScripts). */
export function electronBinary(root, env = process.env) {
  const dir = electronPackageDir(root);
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const rel = readFileSync(pathTxt, 'utf8').trim();
  if (!rel) return undefined;
  const exe = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, rel) : join(dir, 'dist', rel);
  return existsSync(exe) ? exe : undefined;
}

export function electronVersion(root) {
  try {
    return JSON.parse(readFileSync(join(electronPackageDir(root), 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Marker: which runtime the native modules (better-sqlite3, …) in node_modules were last built for. */
export function nativeMarkerFile(root) {
  return join(root, 'node_modules', '.aava-native-runtime');
}

export function nativeRuntime(root) {
  try {
    return readFileSync(nativeMarkerFile(root), 'utf8').trim();
  } catch {
    return 'node';
  }
}

export function setNativeRuntime(root, runtime) {
  writeFileSync(nativeMarkerFile(root), `${runtime}\n`);
}
