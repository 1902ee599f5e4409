/**
 * Serve mode's secret store: a JSON file with mode 0600 in the data dir,
 * written atomically (temp file + fsync + rename).
 */
import { readFileSync, writeFileSync, renameSync, chmodSync, existsSync, openSync, fsyncSync, closeSync, statSync } from 'node:fs';
import type { SecretStore } from './secret-store.js';
import { registerSecretValue } from '../observability/logger.js';

export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const;
  private values: Record<string, string> = {};

  constructor(readonly file: string) {
    if (existsSync(file)) {
      const mode = statSync(file).mode & 0o777;
      if (mode & 0o077) chmodSync(file, 0o600);
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        if (parsed && typeof parsed === 'object') {
          for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') this.values[k] = v;
        }
      } catch (err) {
        throw new Error(`${file}: secret store is not valid JSON (${(err as Error).message})`);
      }
      Object.values(this.values).forEach(registerSecretValue);
    }
  }

  get(name: string) {
    return this.values[name];
  }

  set(name: string, value: string) {
    registerSecretValue(value);
    this.values[name] = value;
    this.flush();
  }

  delete(name: string) {
    delete this.values[name];
    this.flush();
  }

  names() {
    return Object.keys(this.values);
  }

  private flush() {
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
    chmodSync(this.file, 0o600);
  }
}
