/**
 * Holds the running config. Reload (file change or API) swaps it only when
 * the new file validates; a bad file is reported and the running config
 * stays. Calls take a snapshot (`current()`) at start and keep it.
 */
import { watch, readFileSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadConfigFile, parseConfigText, makeEnvLookup, ConfigError, type LoadedConfig, type LoadOptions } from './load.js';
import type { AgentConfig } from './schema.js';
import { TypedEmitter } from '../util/typed-emitter.js';

export interface ConfigEvents extends Record<string, unknown> {
  reloaded: LoadedConfig;
  error: ConfigError;
}

export class ConfigManager {
  readonly events = new TypedEmitter<ConfigEvents>();
  private loaded: LoadedConfig;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private lastError?: ConfigError;

  constructor(
    readonly path: string,
    private readonly opts: LoadOptions = {},
  ) {
    this.loaded = loadConfigFile(path, opts);
    this.path = this.loaded.path;
  }

  current(): AgentConfig {
    return this.loaded.config;
  }

  info(): LoadedConfig {
    return this.loaded;
  }

  error(): ConfigError | undefined {
    return this.lastError;
  }

  /** Re-reads the file. Throws ConfigError (and keeps the running config) when it is bad. */
  reload(): LoadedConfig {
    try {
      this.loaded = loadConfigFile(this.path, this.opts);
      this.lastError = undefined;
      this.events.emit('reloaded', this.loaded);
      return this.loaded;
    } catch (err) {
      const e = err instanceof ConfigError ? err : new ConfigError(this.path, [{ path: '(file)', message: String(err) }]);
      this.lastError = e;
      this.events.emit('error', e);
      throw e;
    }
  }

  /** Validates text as if it were the file (no write). */
  validateText(text: string): LoadedConfig {
    return parseConfigText(text, this.path, makeEnvLookup(this.path, this.opts));
  }

  readText(): string {
    return readFileSync(this.path, 'utf8');
  }

  /** Validates, then writes atomically and reloads. Throws ConfigError without touching the file. */
  writeText(text: string): LoadedConfig {
    this.validateText(text);
    const tmp = `${dirname(this.path)}/.${basename(this.path)}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    return this.reload();
  }

  watch(): void {
    if (this.watcher) return;
    // Watch the directory: editors replace files by rename, which ends a file watch.
    this.watcher = watch(dirname(this.path), (_event, name) => {
      if (name !== basename(this.path)) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        try {
          const text = readFileSync(this.path, 'utf8');
          if (text === this.lastText) return;
          this.lastText = text;
          this.reload();
        } catch {
          // reported through the 'error' event
        }
      }, 200);
    });
    this.lastText = readFileSync(this.path, 'utf8');
  }

  private lastText?: string;

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
    this.events.removeAllListeners();
  }
}
