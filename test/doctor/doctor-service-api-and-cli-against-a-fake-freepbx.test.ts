import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { hasFixtures, noticeIfMissing } from '../support/shared-fixtures.js';
import { startFakePbx, canRunSshd, type FakePbx } from './support/fake-pbx.js';
import { doctorEngineConfig } from './support/engine-config.js';
import { startFakeAri, type FakeAri } from './support/fake-ari-fs.js';
import { layoutHealthy, layoutBroken, ETC_EXTENSIONS } from './support/pbx-layouts.js';
import { createDoctorService } from '../../engine/src/doctor/doctor-service.js';
import { runDoctorCli } from '../../engine/src/doctor/doctor-cli.js';
import { ConfigManager } from '../../engine/src/config/config-manager.js';
import { openDatabase, type Db } from '../../engine/src/store/database.js';
import { createLogger } from '../../engine/src/observability/logger.js';
import { createMetrics } from '../../engine/src/observability/metrics.js';
import { EventBus } from '../../engine/src/observability/event-bus.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import type { EngineService } from '../../engine/src/engine-context.js';
import type { ApiEvent, ApiHandler, MethodName, SshTarget } from '../../engine/src/api/index.js';
import { apiMethods } from '../../engine/src/api/index.js';

noticeIfMissing();

const ARI_PASSWORD = 'ari-Pw-service-31';
const PASSPHRASE = 'key-passphrase-77';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe.skipIf(!canRunSshd || !hasFixtures)('doctor service (control API) and `aava doctor` CLI', () => {
  let pbx: FakePbx;
  let ari: FakeAri;
  let dir: string;
  let db: Db;
  let service: EngineService;
  let config: ConfigManager;
  const events: ApiEvent[] = [];
  const logs = sink();
  let target: SshTarget;

  const call = async <M extends MethodName>(m: M, args: unknown) => {
    const parsed = apiMethods[m].args.parse(args);
    return (service.handlers![m] as ApiHandler<M>)(parsed as never);
  };

  beforeAll(async () => {
    pbx = await startFakePbx();
    ari = await startFakeAri(`${pbx.root}/var/spool/asterisk`, { username: 'aiagent', password: ARI_PASSWORD });
    dir = mkdtempSync(join(tmpdir(), 'aava-doctor-svc-'));
    writeFileSync(join(dir, 'ai-agent.yaml'), await doctorEngineConfig(ari.port));
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', join(dir, 'id_enc')]);
    writeFileSync(join(pbx.dir, 'authorized_keys'), readFileSync(pbx.clientKeyPub).toString() + readFileSync(join(dir, 'id_enc.pub')).toString());
    const secrets = new MemorySecretStore({ ASTERISK_ARI_PASSWORD: ARI_PASSWORD, PBX_KEY_PASSPHRASE: PASSPHRASE });
    config = new ConfigManager(join(dir, 'ai-agent.yaml'), { secrets: (n) => secrets.get(n), env: {} });
    db = openDatabase(join(dir, 'data', 'aava.db'));
    const bus = new EventBus();
    bus.subscribe((e) => events.push(e));
    service = createDoctorService({ config, db, log: createLogger({ destination: logs.stream, level: 'debug' }), metrics: createMetrics({ defaultMetrics: false }), bus, secrets, dataDir: join(dir, 'data') });
    await service.start();
    target = { host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: 'key', identityFile: join(dir, 'id_enc'), secretName: 'PBX_KEY_PASSPHRASE', rootPrefix: pbx.root };
  });
  afterAll(async () => {
    await service?.stop(Date.now() + 1000);
    config?.close();
    db?.close();
    await ari?.close();
    await pbx?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hostKey → accept → run streams doctor.check events → plan → apply → rollback; secrets stay out of logs and results', async () => {
    layoutBroken(pbx.root);
    pbx.scenario();
    const prompt = await call('doctor.hostKey', { target });
    expect(prompt).toMatchObject({ known: false, changed: false });
    await expect(call('doctor.run', { target })).rejects.toMatchObject({ code: 'conflict', extra: { path: 'target.acceptHostKey' } });
    const accepted = { ...target, acceptHostKey: prompt.fingerprint };
    const results = await call('doctor.run', { target: accepted });
    expect(results.find((r) => r.id === 'dialplan-from-ai-agent-sales')).toMatchObject({ status: 'fail', fixIds: ['dialplan-contexts'] });
    expect(events.filter((e) => e.type === 'doctor.check').length).toBe(results.length);
    expect(await call('doctor.hostKey', { target })).toMatchObject({ known: true });

    const plans = await call('doctor.plan', { target });
    expect(plans.map((p) => p.id)).toContain('dialplan-contexts');
    const applied = await call('doctor.apply', { target, fixIds: ['dialplan-contexts'] });
    expect(applied.applied).toEqual(['dialplan-contexts']);
    expect(applied.after.find((r) => r.id === 'dialplan-from-ai-agent-sales')!.status).toBe('pass');
    expect(readFileSync(`${pbx.root}/etc/asterisk/extensions_custom.conf`, 'utf8')).toContain('Set(AI_CONTEXT=sales)');
    await expect(call('doctor.apply', { target, fixIds: ['bogus'] })).rejects.toMatchObject({ code: 'bad_request', extra: { path: 'fixIds' } });
    expect(await call('doctor.rollback', { target })).toEqual({ restored: [`${pbx.root}/etc/asterisk/extensions_custom.conf`] });
    expect(readFileSync(`${pbx.root}/etc/asterisk/extensions_custom.conf`, 'utf8')).toBe(ETC_EXTENSIONS);
    await expect(call('doctor.rollback', { target })).rejects.toMatchObject({ code: 'not_found' });

    await expect(call('doctor.run', { target: { ...target, secretName: 'NOT_STORED', auth: 'password' } })).rejects.toMatchObject({ code: 'bad_request', extra: { path: 'target.secretName' } });
    const log = logs.text();
    expect(log).toContain('doctor run');
    for (const secret of [PASSPHRASE, ARI_PASSWORD]) {
      expect(log).not.toContain(secret);
      expect(JSON.stringify([results, plans, applied])).not.toContain(secret);
    }
  });

  it('doctor.cancel aborts a run in flight; forgetHostKey forgets the pin', async () => {
    const running = call('doctor.run', { target });
    await new Promise((r) => setTimeout(r, 20));
    expect(await call('doctor.cancel', undefined)).toEqual({ ok: true });
    await expect(running).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/cancelled/) });
    expect(await call('doctor.forgetHostKey', { host: '127.0.0.1', port: pbx.port })).toEqual({ forgotten: true });
    expect(await call('doctor.hostKey', { target })).toMatchObject({ known: false });
  });

  it('CLI: usage errors exit 2; an unpinned key exits 1 with its fingerprint; JSON lines; exit 0 healthy, 1 broken', async () => {
    const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const out = sink();
      const err = sink();
      const code = await runDoctorCli(args, { stdout: out.stream, stderr: err.stream, env });
      return { code, out: out.text(), err: err.text() };
    };
    expect((await run([])).code).toBe(2);
    expect((await run(['--ssh', 'nohost'])).code).toBe(2);
    expect((await run(['--ssh', 'a@b', '--port', 'x'])).code).toBe(2);
    expect((await run(['--ssh', 'a@b', '--password-env', 'UNSET_VAR'])).err).toContain('UNSET_VAR is not set');
    const data = join(dir, 'cli-data');
    const base = ['--ssh', `${pbx.user}@127.0.0.1`, '--port', String(pbx.port), '--identity', pbx.clientKey, '--root-prefix', pbx.root, '--data-dir', data, '--config', join(dir, 'ai-agent.yaml')];
    const env = { ASTERISK_ARI_PASSWORD: ARI_PASSWORD };
    const unpinned = await run(base, env);
    expect(unpinned.code).toBe(1);
    expect(unpinned.err).toMatch(/not pinned yet: SHA256:\S+/);

    layoutHealthy(pbx.root, ['sales']);
    pbx.scenario();
    const ok = await run([...base, '--accept-host-key', '--json'], env);
    const lines = ok.out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string });
    expect(lines.filter((l) => l.status === 'fail'), ok.out).toEqual([]);
    expect(ok.code).toBe(0);
    expect(lines.map((l) => l.id)).toContain('recordings-download');

    layoutBroken(pbx.root);
    const bad = await run([...base, '--verbose'], env);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^FAIL {2}recording-dir/m);
    expect(bad.out).toMatch(/fix: .*\[fix ids: recording-dir\]/);
    expect(bad.out).toMatch(/\d+ passed, \d+ warnings, \d+ failed, \d+ skipped/);
    expect(bad.out).toMatch(/^ {6}\$ asterisk -rx 'core show version'\n {8}Asterisk 22\.10\.1/m);
    expect(bad.out + bad.err).not.toContain(ARI_PASSWORD);
  });
});
