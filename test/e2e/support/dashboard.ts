/**
 * Builds the dashboard once per test process with vite's JS API into a temp
 * dir (the same config `npm run serve` uses), so e2e runs test the real bundle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let built: Promise<string> | undefined;
const dirs: string[] = [];

export function buildDashboard(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('vite');
    const outDir = mkdtempSync(join(tmpdir(), 'aava-dashboard-'));
    dirs.push(outDir);
    await build({
      configFile: resolve('renderer/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    return outDir;
  })();
  return built;
}

export function removeDashboards(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  built = undefined;
}
