/**
 * Secrets sit behind this small interface. Electron backs it with safeStorage
 * (OS keychain); serve mode with a 0600 JSON file or the environment; tests
 * with the in-memory store. Values never cross the control API outward.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'file' | 'env' | 'memory';
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
  /** Names that have a value (never the values). */
  names(): string[];
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  private values = new Map<string, string>();
  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.values.set(k, v);
  }
  get(name: string) {
    return this.values.get(name);
  }
  set(name: string, value: string) {
    this.values.set(name, value);
  }
  delete(name: string) {
    this.values.delete(name);
  }
  names() {
    return [...this.values.keys()];
  }
}
