import { describe, it, expect, afterEach, beforeEach, vi } from 'vitest';
vi.mock('electron', () => import('./stubs/electron.js'));
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { safeStorage, resetStub } from './stubs/electron.js';
import { SafeStorageSecretStore, SecretStoreUnavailableError } from '../../electron/secrets/safe-storage-store.js';
import { startHostedEngine, type HostedEngine } from '../../electron/engine-host.js';
import { createSettingsService } from '../../engine/src/settings/settings-service.js';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createEngine } from '../../engine/src/engine.js';

const SECRET = 'sk-live-3f9a7c2e-DO-NOT-LEAK';
const SIP_SECRET = 'sip-pass-Wq8#zz71';

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? allFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('safeStorage secret store', () => {
  let dir: string;
  beforeEach(() => {
    resetStub();
    dir = mkdtempSync(join(tmpdir(), 'aava-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through encryption, persists 0600 ciphertext only, and reloads', () => {
    const file = join(dir, 'secrets.keychain.json');
    const a = new SafeStorageSecretStore(file, safeStorage);
    expect(a.kind).toBe('keychain');
    a.set('OPENAI_API_KEY', SECRET);
    a.set('SIP_PASSWORD', SIP_SECRET);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(SIP_SECRET);
    expect(raw).not.toContain(Buffer.from(SECRET).toString('base64'));
    const stored = JSON.parse(raw) as { secrets: Record<string, string> };
    expect(safeStorage.decryptString(Buffer.from(stored.secrets.OPENAI_API_KEY!, 'base64'))).toBe(SECRET);

    const b = new SafeStorageSecretStore(file, safeStorage);
    expect(b.names().sort()).toEqual(['OPENAI_API_KEY', 'SIP_PASSWORD']);
    expect(b.get('OPENAI_API_KEY')).toBe(SECRET);
    b.delete('SIP_PASSWORD');
    expect(new SafeStorageSecretStore(file, safeStorage).get('SIP_PASSWORD')).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['secrets.keychain.json']); // no temp files left behind
  });

  it('treats an undecryptable entry as unset (and says which), and refuses to run without OS encryption', () => {
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ version: 1, secrets: { ARI_PASSWORD: Buffer.from('garbage').toString('base64') } }), { mode: 0o644 });
    const failed: string[] = [];
    const store = new SafeStorageSecretStore(file, safeStorage, (name) => failed.push(name));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.get('ARI_PASSWORD')).toBeUndefined();
    expect(failed).toEqual(['ARI_PASSWORD']);
    safeStorage.available = false;
    expect(() => new SafeStorageSecretStore(file, safeStorage)).toThrow(SecretStoreUnavailableError);
    safeStorage.available = true;
    safeStorage.backend = 'basic_text';
    expect(store.weakBackend).toBe(true);
    writeFileSync(file, '{not json');
    expect(() => new SafeStorageSecretStore(file, safeStorage)).toThrow(file);
  });
});

describe('secrets set through the API never reach the YAML or the logs', () => {
  let dir: string;
  let hosted: HostedEngine | undefined;
  afterEach(async () => {
    await hosted?.engine.stop(1000);
    hosted = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the value in the keychain store; the YAML keeps ${NAME}; logs are scrubbed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-secret-flow-'));
    const configPath = join(dir, 'ai-agent.yaml');
    const yaml = [
      'default_provider: openai_realtime',
      'asterisk:',
      '  host: 127.0.0.1',
      '  username: aava',
      '  password: ${ASTERISK_ARI_PASSWORD:-}',
      'providers:',
      '  openai_realtime:',
      '    type: openai_realtime',
      '    api_key: ${OPENAI_API_KEY:-}',
      '',
    ].join('\n');
    writeFileSync(configPath, yaml);
    let logs = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs += String(chunk);
        cb();
      },
    });
    const log = createLogger({ destination: sink, level: 'debug' });
    const secrets = new SafeStorageSecretStore(join(dir, 'data', 'secrets.keychain.json'), safeStorage);
    hosted = await startHostedEngine({
      configPath,
      dataDir: join(dir, 'data'),
      secrets,
      factories: [createSettingsService],
      http: false,
      create: (o) => createEngine({ ...o, log, watchConfig: false }),
    });
    const { router, ctx } = hosted.engine;
    expect(await router.invoke('secrets.set', { name: 'OPENAI_API_KEY', value: SECRET })).toMatchObject({ ok: true });
    expect(await router.invoke('secrets.set', { name: 'SIP_PASSWORD', value: SIP_SECRET })).toMatchObject({ ok: true });
    const reload = await router.invoke('config.reload', undefined);
    expect(reload.ok).toBe(true);
    // the running config resolves the name from the keychain store …
    const provider = ctx.config.current().providers.openai_realtime as { api_key?: string };
    expect(provider.api_key).toBe(SECRET);
    // … and the API only ever reports names
    const listed = await router.invoke('secrets.list', undefined);
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    // a careless log line with the value, in the message and under an innocent key
    log.info({ detail: `key=${SECRET}` }, `provider configured with ${SECRET}`);
    log.warn({ sip: { password: SIP_SECRET } }, 'sip account');
    await hosted.engine.stop(1000);
    hosted = undefined;

    expect(readFileSync(configPath, 'utf8')).toBe(yaml);
    for (const f of [...allFiles(dir)]) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(SECRET)), f).toBe(false);
      expect(bytes.includes(Buffer.from(SIP_SECRET)), f).toBe(false);
    }
    expect(logs).toContain('provider configured with [REDACTED]');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(SIP_SECRET);
  });
});
