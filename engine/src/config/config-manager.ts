/**
 * Holds the running config. Reload (file change or API) swaps it only when
 * the new file validates; a bad file is reported and the running config
 * stays. Calls take a snapshot (`current()`) at start and keep it.
 *
 * One change, one reload: every text the manager loads or writes is
 * remembered, so the file watcher passes over the engine's own writes and
 * over a file that has not changed; a write adopts the config it validated
 * instead of reading the file back.
 */
import { watch, writeFileSync, renameSync, openSync, fsyncSync, closeSync, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseConfigText, readConfigText, makeEnvLookup, ConfigError, type LoadedConfig, type LoadOptions } from './load.js';
import type { AgentConfig } from './schema.js';
import { TypedEmitter } from '../util/typed-emitter.js';

export interface ConfigEvents extends Record<string, unknown> {
  reloaded: LoadedConfig;
  error: ConfigError;
  /** The watcher read the file after a change notice and found the text it already has (its own write, or a touch). */
  unchanged: { path: string };
}

export class ConfigManager {
  readonly events = new TypedEmitter<ConfigEvents>();
  readonly path: string;
  private loaded: LoadedConfig;
  /** The file text last loaded, written or rejected: the watcher's "nothing new" mark. */
  private knownText: string;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private lastError?: ConfigError;

  constructor(
    path: string,
    private readonly opts: LoadOptions = {},
  ) {
    this.path = resolve(path);
    this.knownText = readConfigText(this.path);
    this.loaded = this.parse(this.knownText);
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
    return this.reloadWith(() => readConfigText(this.path));
  }

  /** Validates text as if it were the file (no write). */
  validateText(text: string): LoadedConfig {
    return this.parse(text);
  }

  readText(): string {
    return readConfigText(this.path);
  }

  /** Validates, then writes atomically and adopts what it validated. Throws ConfigError without touching the file. */
  writeText(text: string): LoadedConfig {
    const next = this.parse(text);
    const tmp = `${dirname(this.path)}/.${basename(this.path)}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    this.knownText = text;
    return this.adopt(next);
  }

  watch(): void {
    if (this.watcher) return;
    // Watch the directory: editors replace files by rename, which ends a file watch.
    this.watcher = watch(dirname(this.path), (_event, name) => {
      if (name !== basename(this.path)) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.onFileChanged(), 200);
    });
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
    this.events.removeAllListeners();
  }

  private onFileChanged(): void {
    let text: string;
    try {
      text = readConfigText(this.path);
    } catch {
      return; // mid-replace or removed: the next change notice tells
    }
    if (text === this.knownText) {
      this.events.emit('unchanged', { path: this.path });
      return;
    }
    try {
      this.reloadWith(() => text);
    } catch {
      // reported through the 'error' event
    }
  }

  private reloadWith(read: () => string): LoadedConfig {
    try {
      const text = read();
      this.knownText = text;
      return this.adopt(this.parse(text));
    } catch (err) {
      const e = err instanceof ConfigError ? err : new ConfigError(this.path, [{ path: '(file)', message: String(err) }]);
      this.lastError = e;
      this.events.emit('error', e);
      throw e;
    }
  }

  private parse(text: string): LoadedConfig {
    return parseConfigText(text, this.path, makeEnvLookup(this.path, this.opts));
  }

  private adopt(next: LoadedConfig): LoadedConfig {
    this.loaded = next;
    this.lastError = undefined;
    this.events.emit('reloaded', next);
    return next;
  }
}
