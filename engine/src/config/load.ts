/**
 * Reads and validates a config file. Every failure is a ConfigError whose
 * message names the file and the YAML path; nothing here throws anything else.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument, LineCounter, isMap } from 'yaml';
import { configSchema, referenceIssues, type AgentConfig } from './schema.js';
import { expandEnv, parseDotEnv, type EnvLookup } from './expand-env.js';
import { formatIssues } from './format-issues.js';
import type { ConfigIssue } from '../api/config.js';

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => `${file}: ${i.path}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: AgentConfig;
  path: string;
  loadedAt: Date;
  /** ${VAR}s that were referenced without a default and are unset. */
  unresolved: { name: string; path: string }[];
  /** The file's mapping as written, before ${ENV} expansion (what an editor shows). */
  asWritten: Record<string, unknown>;
}

export interface LoadOptions {
  /** Extra lookups consulted after process env and before .env (e.g. the secret store). */
  secrets?: EnvLookup;
  env?: NodeJS.ProcessEnv;
  /** .env file; defaults to `.env` next to the config and in the working directory. */
  dotEnvPaths?: string[];
}

export function makeEnvLookup(configPath: string, opts: LoadOptions = {}): EnvLookup {
  const env = opts.env ?? process.env;
  const paths = opts.dotEnvPaths ?? [join(dirname(configPath), '..', '.env'), join(dirname(configPath), '.env'), resolve('.env')];
  const dot: Record<string, string> = {};
  for (const p of [...new Set(paths.map((p) => resolve(p)))].reverse()) {
    if (existsSync(p)) Object.assign(dot, parseDotEnv(readFileSync(p, 'utf8')));
  }
  return (name) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    const s = opts.secrets?.(name);
    if (s !== undefined && s !== '') return s;
    return dot[name];
  };
}

/** Parses and validates YAML text; `file` is only used in messages. */
export function parseConfigText(text: string, file: string, lookup: EnvLookup): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { path: pos ? `line ${pos.line}:${pos.col}` : '(yaml)', message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  if (!isMap(doc.contents)) {
    throw new ConfigError(file, [{ path: '(root)', message: 'the file must be a YAML mapping of settings' }]);
  }
  const asWritten = doc.toJS() as Record<string, unknown>;
  const { value, unresolved } = expandEnv(asWritten, lookup);
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error, value);
    // Zod skips refinements when the shape is wrong: add the cross-reference errors too.
    for (const r of referenceIssues(value)) {
      const path = r.path.join('.');
      if (!issues.some((i) => i.path === path)) issues.push({ path, message: r.message });
    }
    throw new ConfigError(file, issues);
  }
  return { config: parsed.data, path: file, loadedAt: new Date(), unresolved, asWritten };
}

/** The config file's text; a ConfigError naming the file when it cannot be read. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new ConfigError(path, [{ path: '(file)', message: why }]);
  }
}

export function loadConfigFile(file: string, opts: LoadOptions = {}): LoadedConfig {
  const path = resolve(file);
  return parseConfigText(readConfigText(path), path, makeEnvLookup(path, opts));
}
