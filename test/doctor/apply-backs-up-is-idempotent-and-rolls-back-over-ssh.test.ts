import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { readFileSync, existsSync, lstatSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasFixtures, noticeIfMissing, fixturePath } from '../support/shared-fixtures.js';
import { startFakePbx, canRunSshd, freePort, type FakePbx, memoryHostKeys } from './support/fake-pbx.js';
import { someRtpStart } from './support/engine-config.js';
import { startFakeAri, type FakeAri } from './support/fake-ari-fs.js';
import { layoutBroken, testInputs, ETC_EXTENSIONS, ETC_HTTP, RECORDING } from './support/pbx-layouts.js';
import { SshSession } from '../../engine/src/doctor/ssh-session.js';
import { runChecks, planFixes, applyFixes, rollbackLast, FixError } from '../../engine/src/doctor/doctor-core.js';
import { DbApplyLedger } from '../../engine/src/doctor/doctor-store.js';
import { openDatabase, type Db } from '../../engine/src/store/database.js';
import type { DoctorInputs } from '../../engine/src/doctor/doctor-inputs.js';

noticeIfMissing();

const ARI_PASSWORD = 'S3cret-ari-pw-9q';
const SUDO_PASSWORD = 'sudo-pw-Zx81';

describe.skipIf(!canRunSshd || !hasFixtures)('doctor apply / rollback over real SSH', () => {
  let pbx: FakePbx;
  let ari: FakeAri;
  let db: Db;
  let inp: DoctorInputs;
  const hostKeys = memoryHostKeys();
  const connect = (sudo?: { use: boolean; password?: string }) =>
    SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: { privateKey: readFileSync(pbx.clientKey) }, hostKeys, acceptHostKey: true, sudo });
  const etc = (f: string) => join(pbx.root, 'etc/asterisk', f);
  const spool = (f: string) => join(pbx.root, 'var/spool/asterisk', f);
  const backups = () => readdirSync(join(pbx.root, 'etc/asterisk')).filter((f) => f.includes('.aava-bak-'));
  const target = () => ({ host: '127.0.0.1', port: pbx.port });

  beforeAll(async () => {
    pbx = await startFakePbx();
    ari = await startFakeAri(spool(''), { username: 'aavaagent', password: ARI_PASSWORD });
    db = openDatabase(':memory:');
    inp = testInputs(pbx.root, { ariPort: ari.port, enginePort: await freePort(), rtpStart: someRtpStart() });
    inp = { ...inp, ari: { ...inp.ari, username: 'aavaagent', password: ARI_PASSWORD } };
  });
  afterAll(async () => {
    db?.close();
    await ari?.close();
    await pbx?.stop();
  });
  beforeEach(() => {
    layoutBroken(pbx.root);
    const ariTable = readFileSync(fixturePath('cli', 'module-show-like-ari.txt'), 'utf8');
    pbx.scenario({
      'dialplan-show-from-ai-agent': null,
      'http-show-status': readFileSync(join(pbx.stub, 'cli/http-show-status.txt'), 'utf8').replace('Bound to 127.0.0.1:8088', 'Bound to 10.255.255.1:8088'),
      'module-show-like-ari': ariTable.replace(/^(res_ari_recordings\.so\s+.*?\s+0\s+)Running(\s+)/m, '$1Not Running$2'),
    });
    pbx.setFreePbx(true);
    pbx.setSudo(undefined);
    pbx.clearLogs();
  });

  it('plans exact diffs and commands; applies with backups and fwconsole reload; the second apply is a no-op; rollback restores', async () => {
    const s = await connect();
    try {
      const { plans } = planFixes(await runChecks(s, inp), inp);
      const ids = plans.map((p) => p.id);
      expect(ids.sort()).toEqual(['ari-user', 'dialplan-contexts', 'http-bind', 'load-modules', 'media-dir', 'recording-dir']);
      const plan = Object.fromEntries(plans.map((p) => [p.id, p]));
      expect(plans.every((p) => !p.alreadyApplied)).toBe(true);
      expect(plan['ari-user']!.diff).toContain('--- /dev/null');
      expect(plan['ari-user']!.diff).toContain('+password = ********');
      expect(JSON.stringify(plans)).not.toContain(ARI_PASSWORD);
      expect(plan['http-bind']!.diff).toContain(`+++ b${etc('http_custom.conf')}`);
      expect(plan['http-bind']!.diff).toContain('+bindaddr = 0.0.0.0');
      expect(plan['dialplan-contexts']!.diff).toContain('+ same => n,Set(AI_CONTEXT=sales)');
      expect(plan['load-modules']!.commands).toEqual(["asterisk -rx 'module load res_ari_recordings.so'"]);
      expect(plan['recording-dir']!.commands[0]).toContain(`mv ${spool('monitor')} ${spool('recording/monitor')}`);
      expect(plan['media-dir']!.commands.join('\n')).toContain(`ln -sfn ${join(pbx.root, 'mnt/asterisk_media/ai-generated')}`);

      const r = await applyFixes(s, inp, ids, new DbApplyLedger(db), target());
      expect(r.applied.sort()).toEqual(ids);
      expect(r.backups.map((b) => b.file).sort()).toEqual([etc('extensions_custom.conf'), etc('http_custom.conf')]);
      for (const b of r.backups) expect(readFileSync(b.backup, 'utf8')).toBe(b.file.endsWith('http_custom.conf') ? ETC_HTTP : ETC_EXTENSIONS);
      expect(r.reloadOutput).toContain('Reload Complete');
      expect(pbx.log('fwconsole')).toContain('fwconsole reload');
      expect(readFileSync(etc('ari_additional_custom.conf'), 'utf8')).toContain(`[aavaagent]`);
      expect(readFileSync(etc('extensions_custom.conf'), 'utf8').startsWith(ETC_EXTENSIONS)).toBe(true);
      expect(readlinkSync(spool('monitor'))).toBe(spool('recording/monitor'));
      expect(lstatSync(join(pbx.root, 'var/lib/asterisk/sounds/ai-generated')).isSymbolicLink()).toBe(true);
      const before = Object.fromEntries(r.before.map((c) => [c.id, c.status]));
      const after = Object.fromEntries(r.after.map((c) => [c.id, c.status]));
      for (const id of ['http-server', 'module-res_ari_recordings', 'ari-user', 'recording-dir', 'recordings-download', 'media-dir', 'dialplan-from-ai-agent', 'dialplan-from-ai-agent-sales']) {
        expect([id, before[id]]).toEqual([id, 'fail']);
        expect([id, after[id]]).toEqual([id, 'pass']);
      }

      const snapshot = ['http_custom.conf', 'extensions_custom.conf', 'ari_additional_custom.conf'].map((f) => readFileSync(etc(f), 'utf8'));
      const nBackups = backups().length;
      const again = await applyFixes(s, inp, ids, new DbApplyLedger(db), target(), undefined, new Date(Date.now() + 5000));
      expect(again.applied).toEqual([]);
      expect(again.backups).toEqual([]);
      expect(backups().length).toBe(nBackups);
      expect(['http_custom.conf', 'extensions_custom.conf', 'ari_additional_custom.conf'].map((f) => readFileSync(etc(f), 'utf8'))).toEqual(snapshot);
      expect(planFixes(await runChecks(s, inp), inp).plans.filter((p) => !p.alreadyApplied)).toEqual([]);

      const rb = await rollbackLast(s, inp, new DbApplyLedger(db), target());
      expect(rb!.restored).toContain(etc('http_custom.conf'));
      expect(readFileSync(etc('http_custom.conf'), 'utf8')).toBe(ETC_HTTP);
      expect(readFileSync(etc('extensions_custom.conf'), 'utf8')).toBe(ETC_EXTENSIONS);
      expect(existsSync(etc('ari_additional_custom.conf'))).toBe(false);
      expect(lstatSync(spool('monitor')).isDirectory()).toBe(true);
      expect(existsSync(spool(`${RECORDING}.wav`))).toBe(true);
      expect(existsSync(join(pbx.root, 'var/lib/asterisk/sounds/ai-generated'))).toBe(false);
      expect(existsSync(join(pbx.root, 'mnt/asterisk_media/ai-generated'))).toBe(false);
      expect(await rollbackLast(s, inp, new DbApplyLedger(db), target())).toBeUndefined();
    } finally {
      s.close();
    }
  });

  it('sudo path: the password goes to sudo -S on stdin, never onto a command line or into a log', async () => {
    pbx.setSudo(SUDO_PASSWORD);
    await expect(connect({ use: true })).rejects.toThrow(/a password is required/);
    await expect(connect({ use: true, password: 'wrong-password' })).rejects.toThrow(/password was refused/);
    const s = await connect({ use: true, password: SUDO_PASSWORD });
    try {
      const r = await applyFixes(s, inp, ['dialplan-contexts'], new DbApplyLedger(db), target());
      expect(r.applied).toEqual(['dialplan-contexts']);
      expect(readFileSync(etc('extensions_custom.conf'), 'utf8')).toContain('[from-ai-agent-support]');
      expect(r.after.find((c) => c.id === 'dialplan-from-ai-agent-support')!.status).toBe('pass');
      const sudoLog = pbx.log('sudo');
      expect(sudoLog).toContain('| base64 -d >');
      expect(sudoLog).toContain('fwconsole reload');
      for (const log of [sudoLog, pbx.log('asterisk'), pbx.log('fwconsole'), JSON.stringify(r)]) expect(log).not.toContain(SUDO_PASSWORD);
      await rollbackLast(s, inp, new DbApplyLedger(db), target());
      expect(readFileSync(etc('extensions_custom.conf'), 'utf8')).toBe(ETC_EXTENSIONS);
    } finally {
      s.close();
    }
  });

  it('a failing step stops the apply, names the step, and rollback restores what was already written', async () => {
    rmSync(join(pbx.root, 'mnt'), { recursive: true, force: true });
    writeFileSync(join(pbx.root, 'mnt'), 'not a directory');
    const s = await connect();
    try {
      const err = (await applyFixes(s, inp, ['http-bind', 'media-dir'], new DbApplyLedger(db), target()).then(() => undefined, (e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(FixError);
      expect(err.message).toMatch(/media-dir: mkdir -p .* failed \(exit 1\).*Applied so far: http-bind; doctor.rollback restores it/s);
      expect(readFileSync(etc('http_custom.conf'), 'utf8')).toContain('bindaddr = 0.0.0.0');
      const rb = await rollbackLast(s, inp, new DbApplyLedger(db), target());
      expect(rb!.restored).toEqual([etc('http_custom.conf')]);
      expect(readFileSync(etc('http_custom.conf'), 'utf8')).toBe(ETC_HTTP);
    } finally {
      s.close();
    }
  });

  it('plain Asterisk: edits extensions.conf and reloads with asterisk -rx instead of fwconsole', async () => {
    pbx.setFreePbx(false);
    const s = await connect();
    try {
      const r = await applyFixes(s, inp, ['dialplan-contexts'], new DbApplyLedger(db), target());
      expect(r.applied).toEqual(['dialplan-contexts']);
      expect(readFileSync(etc('extensions.conf'), 'utf8')).toContain('[from-ai-agent]');
      expect(pbx.log('asterisk')).toContain('dialplan reload');
      expect(pbx.log('fwconsole')).toBe('');
      await expect(applyFixes(s, inp, ['no-such-fix'], new DbApplyLedger(db), target())).rejects.toThrow(/unknown fix id "no-such-fix"/);
      await rollbackLast(s, inp, new DbApplyLedger(db), target());
      expect(existsSync(etc('extensions.conf'))).toBe(false);
    } finally {
      s.close();
    }
  });
});
