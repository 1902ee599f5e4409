/**
 * Where the desktop app keeps its data and which config it loads:
 *   data dir: AI_ENGINE_DATA_DIR, else Electron's userData;
 *   config:   --config <file> / --config=<file>, else AI_AGENT_CONFIG, else <userData>/ai-agent.yaml,
 *             copied from the shipped config/ai-agent.yaml on first run.
 */
import { existsSync, copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type ConfigSource = 'flag' | 'env' | 'user-data';

export interface DesktopPaths {
  dataDir: string;
  configPath: string;
  configSource: ConfigSource;
  /** The config that ships with the app (copied on first run). */
  shippedConfig: string;
}

export interface PathInputs {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  userData: string;
  /** Packaged: process.resourcesPath (extraResources put config/ there). */
  resourcesPath?: string;
  /** The app root in development (where package.json and config/ live). */
  appRoot: string;
  isPackaged: boolean;
  cwd?: string;
}

/** Finds `--config <file>` or `--config=<file>` anywhere in argv (Electron puts its own flags first). */
export function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config') {
      const next = argv[i + 1];
      if (next && !next.startsWith('--')) return next;
      return undefined;
    }
    if (a.startsWith('--config=')) return a.slice('--config='.length) || undefined;
  }
  return undefined;
}

export function resolveDesktopPaths(inp: PathInputs): DesktopPaths {
  const cwd = inp.cwd ?? process.cwd();
  const dataDir = resolve(cwd, inp.env.AI_ENGINE_DATA_DIR || inp.userData);
  const shippedConfig =
    inp.isPackaged && inp.resourcesPath
      ? join(inp.resourcesPath, 'config', 'ai-agent.yaml')
      : join(inp.appRoot, 'config', 'ai-agent.yaml');
  const flag = configFlag(inp.argv);
  if (flag) return { dataDir, configPath: resolve(cwd, flag), configSource: 'flag', shippedConfig };
  if (inp.env.AI_AGENT_CONFIG) return { dataDir, configPath: resolve(cwd, inp.env.AI_AGENT_CONFIG), configSource: 'env', shippedConfig };
  return { dataDir, configPath: join(inp.userData, 'ai-agent.yaml'), configSource: 'user-data', shippedConfig };
}

/**
 * First run: puts a copy of the shipped config where the app will edit it.
 * Returns true when it copied. Never overwrites an existing file. Throws with
 * both paths named when the shipped config is missing.
 */
export function ensureUserConfig(paths: DesktopPaths): boolean {
  if (paths.configSource !== 'user-data' || existsSync(paths.configPath)) return false;
  if (!existsSync(paths.shippedConfig)) {
    throw new Error(`${paths.configPath}: no config yet, and the shipped default ${paths.shippedConfig} is missing`);
  }
  mkdirSync(dirname(paths.configPath), { recursive: true });
  copyFileSync(paths.shippedConfig, paths.configPath);
  chmodSync(paths.configPath, 0o600);
  return true;
}
