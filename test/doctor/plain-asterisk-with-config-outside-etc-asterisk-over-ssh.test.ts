/**
 * A correctly configured plain Asterisk whose asterisk.conf puts its config in
 * /opt/pbx/etc, its spool in /srv/pbx/spool and its data in /srv/pbx/lib, over
 * real sshd: the doctor asks Asterisk (`core show settings`, `pjsip show
 * endpoint`, `http show status`) instead of guessing /etc/asterisk, so it
 * reports no FAIL and no WARN (the CLI exits 0 with --strict), and its fixes,
 * backups and rollback happen in Asterisk's own directories.
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { hasFixtures, noticeIfMissing } from '../support/shared-fixtures.js';
import { startFakePbx, canRunSshd, freePort, type FakePbx, memoryHostKeys } from './support/fake-pbx.js';
import { doctorEngineConfig, someRtpStart } from './support/engine-config.js';
import { startFakeAri, type FakeAri } from './support/fake-ari-fs.js';
import { layoutPlainElsewhere, testInputs, ELSEWHERE, PLAIN_EXTENSIONS } from './support/pbx-layouts.js';
import { SshSession } from '../../engine/src/doctor/ssh-session.js';
import { runChecks, planFixes, applyFixes, rollbackLast } from '../../engine/src/doctor/doctor-core.js';
import { runDoctorCli } from '../../engine/src/doctor/doctor-cli.js';
import { DbApplyLedger } from '../../engine/src/doctor/doctor-store.js';
import { openDatabase, type Db } from '../../engine/src/store/database.js';
import type { DoctorInputs } from '../../engine/src/doctor/doctor-inputs.js';

noticeIfMissing();
if (!canRunSshd) console.warn('[notice] /usr/sbin/sshd or ssh-keygen missing: doctor SSH tests are skipped.');

const ARI_PASSWORD = 'aiagent-pass-7f3k';

function sink() {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    text: () => text,
  };
}

describe.skipIf(!canRunSshd || !hasFixtures)('doctor on a plain Asterisk with its config outside /etc/asterisk', () => {
  let pbx: FakePbx;
  let ari: FakeAri;
  let db: Db;
  let dir: string;
  let inp: DoctorInputs;
  const hostKeys = memoryHostKeys();
  const connect = () => SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: { privateKey: readFileSync(pbx.clientKey) }, hostKeys, acceptHostKey: true });
  const etc = (f: string) => join(pbx.root, ELSEWHERE.configDir, f);
  const target = () => ({ host: '127.0.0.1', port: pbx.port });

  beforeAll(async () => {
    pbx = await startFakePbx();
    ari = await startFakeAri(join(pbx.root, ELSEWHERE.spoolDir), { username: 'aiagent', password: ARI_PASSWORD });
    db = openDatabase(':memory:');
    dir = mkdtempSync(join(tmpdir(), 'aava-doctor-plain-'));
    inp = testInputs(pbx.root, { ariPort: ari.port, enginePort: await freePort(), rtpStart: someRtpStart(), contexts: ['default', 'sales'] });
  });
  afterAll(async () => {
    db?.close();
    await ari?.close();
    await pbx?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    pbx.setFreePbx(false);
    pbx.setLayout(ELSEWHERE);
    pbx.scenario({ 'dialplan-show-from-ai-agent': null });
    layoutPlainElsewhere(pbx.root, inp.contexts);
    pbx.clearLogs();
  });

  it('every check passes (or skips FreePBX): default context as from-ai-agent, webrtc from pjsip show endpoint, TLS from http show status', async () => {
    const s = await connect();
    try {
      const { results, facts } = await runChecks(s, inp);
      const bad = results.filter((r) => r.status === 'fail' || r.status === 'warn');
      expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
      expect(results.filter((r) => r.status === 'skip').map((r) => r.id)).toEqual(['freepbx-version', 'websocket-transport', 'voicemail-target']) // audio_transport is audiosocket; no context lists the voicemail tool;
      expect(facts.paths).toEqual({ prefix: pbx.root, etc: etc('').replace(/\/$/, ''), spool: join(pbx.root, ELSEWHERE.spoolDir), sounds: join(pbx.root, ELSEWHERE.dataDir, 'sounds') });
      const ids = results.map((r) => r.id);
      expect(ids).toContain('dialplan-from-ai-agent');
      expect(ids).toContain('dialplan-from-ai-agent-sales');
      expect(ids).not.toContain('dialplan-from-ai-agent-default');
      const webrtc = results.find((r) => r.id === 'webrtc')!;
      expect(webrtc.title).toBe('WebRTC softphone: transport-wss, HTTPS, endpoint 200 (webrtc, DTLS, ICE)');
      expect(webrtc.evidence.map((e) => e.output).join('\n')).toMatch(/webrtc\s+: yes/);
      expect(results.find((r) => r.id === 'media-dir')!.title).toContain(join(pbx.root, 'mnt/asterisk_media/ai-generated'));
      expect(results.find((r) => r.id === 'recordings-download')!.status).toBe('pass');
      expect(pbx.log('asterisk')).toContain('core show settings');
      expect(existsSync(join(pbx.root, 'etc/asterisk'))).toBe(false);
    } finally {
      s.close();
    }
  });

  it('`aava doctor --strict` exits 0 on it', async () => {
    writeFileSync(join(dir, 'ai-agent.yaml'), await doctorEngineConfig(ari.port, ['default', 'sales']));
    const out = sink();
    const err = sink();
    const args = ['--ssh', `${pbx.user}@127.0.0.1`, '--port', String(pbx.port), '--identity', pbx.clientKey, '--root-prefix', pbx.root, '--data-dir', join(dir, 'data'), '--config', join(dir, 'ai-agent.yaml'), '--accept-host-key', '--strict'];
    const code = await runDoctorCli(args, { stdout: out.stream, stderr: err.stream, env: { ASTERISK_ARI_PASSWORD: ARI_PASSWORD } });
    expect(out.text()).not.toMatch(/^(FAIL|WARN) /m);
    expect(out.text()).toMatch(/^PASS +dialplan-from-ai-agent /m);
    expect(out.text()).toMatch(/^PASS +webrtc /m);
    expect(code, `${out.text()}\n${err.text()}`).toBe(0);
  });

  it('fixes, backups and rollback use Asterisk’s directories: /opt/pbx/etc, /srv/pbx/spool, /srv/pbx/lib/sounds', async () => {
    // Break what the doctor can fix: the sales context, the recording folder, the sounds link.
    writeFileSync(etc('extensions.conf'), `${PLAIN_EXTENSIONS}\n[from-ai-agent]\nexten => s,1,Stasis(asterisk-ai-voice-agent)\n`);
    const spool = join(pbx.root, ELSEWHERE.spoolDir);
    rmSync(join(spool, 'monitor'));
    rmSync(join(pbx.root, ELSEWHERE.dataDir, 'sounds/ai-generated'));
    const s = await connect();
    try {
      const before = await runChecks(s, inp);
      const failed = before.results.filter((r) => r.status === 'fail').map((r) => r.id);
      expect(failed).toEqual(expect.arrayContaining(['dialplan-from-ai-agent-sales', 'media-dir']));
      expect(before.results.find((c) => c.id === 'recording-dir')!.fix).toContain(`${join(spool, 'monitor')} does not exist`);
      const { plans } = planFixes(before, inp);
      const plan = Object.fromEntries(plans.map((p) => [p.id, p]));
      expect(plan['dialplan-contexts']!.files).toEqual([etc('extensions.conf')]);
      expect(plan['dialplan-contexts']!.diff).not.toContain('from-ai-agent-default');
      expect(plan['media-dir']!.commands.join('\n')).toContain(`ln -sfn ${join(pbx.root, 'mnt/asterisk_media/ai-generated')} ${join(pbx.root, ELSEWHERE.dataDir, 'sounds/ai-generated')}`);

      const r = await applyFixes(s, inp, ['dialplan-contexts', 'media-dir'], new DbApplyLedger(db), target());
      expect(r.backups.map((b) => b.file)).toEqual([etc('extensions.conf')]);
      expect(r.backups[0]!.backup.startsWith(`${etc('extensions.conf')}.aava-bak-`)).toBe(true);
      expect(readFileSync(etc('extensions.conf'), 'utf8')).toContain('[from-ai-agent-sales]');
      expect(lstatSync(join(pbx.root, ELSEWHERE.dataDir, 'sounds/ai-generated')).isSymbolicLink()).toBe(true);
      expect(pbx.log('asterisk')).toContain('dialplan reload');
      expect(r.after.filter((c) => c.id.startsWith('dialplan-') || c.id === 'media-dir').every((c) => c.status === 'pass')).toBe(true);
      expect(existsSync(join(pbx.root, 'etc/asterisk'))).toBe(false);
      expect(existsSync(join(pbx.root, 'var'))).toBe(false);

      const rb = await rollbackLast(s, inp, new DbApplyLedger(db), target());
      expect(rb!.restored).toContain(etc('extensions.conf'));
      expect(readFileSync(etc('extensions.conf'), 'utf8')).not.toContain('[from-ai-agent-sales]');
      expect(readdirSync(join(pbx.root, ELSEWHERE.configDir)).some((f) => f.startsWith('extensions.conf.aava-bak-'))).toBe(true);
    } finally {
      s.close();
    }
  });
});
