/** Builds the dashboard with Vite when its sources are newer than the build (serve mode convenience). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Vite from 'vite';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const DASHBOARD_DIR = join(ROOT, 'out', 'renderer');
const SOURCES = join(ROOT, 'renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export async function ensureDashboard(say: (msg: string) => void = () => {}): Promise<string> {
  const index = join(DASHBOARD_DIR, 'index.html');
  const stale = !existsSync(index) || newestMtime(SOURCES) > statSync(index).mtimeMs;
  if (stale) {
    say('building the dashboard (vite)…');
    // Vite is a dev dependency: loaded only when a build is needed.
    const vite: typeof Vite = await import('vite');
    await vite.build({ configFile: join(SOURCES, 'vite.config.ts'), logLevel: 'warn' });
  }
  return DASHBOARD_DIR;
}

ensureDashboard.existing = (): string | undefined => (existsSync(join(DASHBOARD_DIR, 'index.html')) ? DASHBOARD_DIR : undefined);
