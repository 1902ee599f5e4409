import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFakePbx, canRunSshd, type FakePbx } from './support/fake-pbx.js';
import { SshSession, probeHostKey, HostKeyError, CancelledError, sshFingerprint } from '../../engine/src/doctor/ssh-session.js';
import { DbHostKeyStore } from '../../engine/src/doctor/doctor-store.js';
import { openDatabase, type Db } from '../../engine/src/store/database.js';

describe.skipIf(!canRunSshd)('SSH host-key pinning, auth methods, timeouts and cancel (real sshd)', () => {
  let pbx: FakePbx;
  let db: Db;
  let store: DbHostKeyStore;
  let expected: string;
  const key = () => readFileSync(pbx.clientKey);
  const connect = (over: Partial<Parameters<typeof SshSession.connect>[0]> = {}) =>
    SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: { privateKey: key() }, hostKeys: store, ...over });

  beforeAll(async () => {
    pbx = await startFakePbx();
    db = openDatabase(':memory:');
    store = new DbHostKeyStore(db);
    // OpenSSH's own fingerprint of the throwaway host key.
    expected = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pbx.hostKeyPub]).stdout.toString().split(' ')[1]!;
  });
  afterAll(async () => {
    db?.close();
    await pbx?.stop();
  });

  it('first use shows the SHA-256 fingerprint; accepting it pins it; a changed key is refused even with accept-any', async () => {
    expect(expected).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(await probeHostKey('127.0.0.1', pbx.port, pbx.user, store)).toEqual({ host: `[127.0.0.1]:${pbx.port}`, fingerprint: expected, known: false, changed: false });
    const unknown = await connect().catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(HostKeyError);
    expect((unknown as HostKeyError).kind).toBe('unknown');
    expect((unknown as HostKeyError).message).toContain(expected);
    await expect(connect({ acceptHostKey: 'SHA256:not-the-key' })).rejects.toBeInstanceOf(HostKeyError);
    expect(store.get('127.0.0.1', pbx.port)).toBeUndefined();

    (await connect({ acceptHostKey: expected })).close();
    expect(store.get('127.0.0.1', pbx.port)).toBe(expected);
    const again = await connect();
    expect((await again.exec('echo pinned')).stdout).toBe('pinned\n');
    again.close();

    const old = sshFingerprint(Buffer.from('the key this host had before'));
    store.pin('127.0.0.1', pbx.port, old);
    const changed = await connect({ acceptHostKey: true }).catch((e: unknown) => e);
    expect(changed).toBeInstanceOf(HostKeyError);
    expect((changed as HostKeyError).kind).toBe('changed');
    expect((changed as HostKeyError).message).toMatch(/CHANGED.*intercept/);
    expect((changed as HostKeyError).prompt).toMatchObject({ fingerprint: expected, pinned: old, changed: true, known: false });
    expect(await probeHostKey('127.0.0.1', pbx.port, pbx.user, store)).toMatchObject({ changed: true, pinned: old });
    expect(store.get('127.0.0.1', pbx.port)).toBe(old);

    expect(store.forget('127.0.0.1', pbx.port)).toBe(true);
    expect(await probeHostKey('127.0.0.1', pbx.port, pbx.user, store)).toMatchObject({ known: false, changed: false });
    store.pin('127.0.0.1', pbx.port, expected);
  });

  it('key with passphrase, wrong passphrase, and the local SSH agent', async () => {
    const enc = join(pbx.dir, 'client_enc');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass-phrase-42', '-f', enc]);
    appendFileSync(join(pbx.dir, 'authorized_keys'), readFileSync(`${enc}.pub`));
    const s = await connect({ auth: { privateKey: readFileSync(enc), passphrase: 'pass-phrase-42' } });
    expect((await s.exec('echo key')).stdout).toBe('key\n');
    s.close();
    await expect(connect({ auth: { privateKey: readFileSync(enc), passphrase: 'nope' } })).rejects.toThrow(/ssh 127\.0\.0\.1|passphrase|decrypt/i);
    await expect(connect({ auth: { password: 'not-allowed' } })).rejects.toThrow(/authentication failed \(password\)/);

    const sock = join(pbx.dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 30));
      const add = spawnSync('ssh-add', [pbx.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      expect(add.status, add.stderr.toString()).toBe(0);
      const viaAgent = await connect({ auth: { agent: sock } });
      expect((await viaAgent.exec('echo agent')).stdout).toBe('agent\n');
      viaAgent.close();
    } finally {
      agent.kill();
    }
  });

  it('a command past its timeout fails with a named error; cancel aborts commands in flight', async () => {
    const s = await connect();
    await expect(s.exec('sleep 5', { timeoutMs: 300 })).rejects.toThrow(/sleep 5: timed out after 0 s/);
    s.close();

    const ac = new AbortController();
    const c = await connect({ signal: ac.signal });
    const pending = c.exec('sleep 20; echo never');
    setTimeout(() => ac.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await expect(c.exec('echo after')).rejects.toBeInstanceOf(CancelledError);
    const pre = new AbortController();
    pre.abort();
    await expect(connect({ signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
