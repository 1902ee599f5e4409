/**
 * Desktop secret store: values encrypted with Electron's safeStorage (OS
 * keychain / DPAPI / libsecret-backed key), kept as base64 blobs in a 0600
 * JSON file in the data dir, written atomically. Plain values exist only in
 * memory; they are registered with the logger's scrubber so they can never
 * show up in a log line. The YAML names secrets (${OPENAI_API_KEY}); it
 * never holds them.
 */
import { readFileSync, existsSync, statSync, chmodSync } from 'node:fs';
import { registerSecretValue, type SecretStore } from '../../engine/src/index.js';
import { writeJsonAtomic } from '../atomic-file.js';

/** The part of Electron's safeStorage this store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

interface FileShape {
  version: 1;
  /** name → base64 of the safeStorage ciphertext */
  secrets: Record<string, string>;
}

export class SecretStoreUnavailableError extends Error {
  constructor(file: string) {
    super(`${file}: OS encryption (safeStorage) is not available, cannot store secrets in the keychain`);
    this.name = 'SecretStoreUnavailableError';
  }
}

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  private blobs: Record<string, string> = {};
  private plain = new Map<string, string>();

  constructor(
    readonly file: string,
    private readonly safe: SafeStorageLike,
    private readonly onDecryptError?: (name: string, err: Error) => void,
  ) {
    if (!safe.isEncryptionAvailable()) throw new SecretStoreUnavailableError(file);
    if (!existsSync(file)) return;
    if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: keychain secret store is not valid JSON (${(err as Error).message})`);
    }
    const secrets = (parsed as Partial<FileShape> | null)?.secrets;
    if (!secrets || typeof secrets !== 'object') throw new Error(`${file}: secrets: expected an object of name → encrypted value`);
    for (const [k, v] of Object.entries(secrets)) if (typeof v === 'string') this.blobs[k] = v;
  }

  /** On Linux without a keyring Electron falls back to a hard-coded key ("basic_text"). */
  get weakBackend(): boolean {
    return this.safe.getSelectedStorageBackend?.() === 'basic_text';
  }

  get(name: string): string | undefined {
    const cached = this.plain.get(name);
    if (cached !== undefined) return cached;
    const blob = this.blobs[name];
    if (blob === undefined) return undefined;
    try {
      const value = this.safe.decryptString(Buffer.from(blob, 'base64'));
      registerSecretValue(value);
      this.plain.set(name, value);
      return value;
    } catch (err) {
      // e.g. the keychain entry changed: treat as unset, never crash the engine
      this.onDecryptError?.(name, err as Error);
      return undefined;
    }
  }

  set(name: string, value: string): void {
    registerSecretValue(value);
    this.blobs[name] = this.safe.encryptString(value).toString('base64');
    this.plain.set(name, value);
    this.flush();
  }

  delete(name: string): void {
    delete this.blobs[name];
    this.plain.delete(name);
    this.flush();
  }

  names(): string[] {
    return Object.keys(this.blobs);
  }

  private flush(): void {
    const shape: FileShape = { version: 1, secrets: this.blobs };
    writeJsonAtomic(this.file, shape, 0o600);
  }
}
