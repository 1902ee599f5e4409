/**
 * The voicemail tool's dialplan target on a fake FreePBX over real SSH: the
 * doctor fails the check while [aava-voicemail] is missing, plans the exact
 * lines, adds them together with the AI contexts in one edit of
 * extensions_custom.conf (one backup), passes afterwards, and rolls back.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasFixtures, noticeIfMissing } from '../support/shared-fixtures.js';
import { startFakePbx, canRunSshd, freePort, type FakePbx } from './support/fake-pbx.js';
import { someRtpStart } from './support/engine-config.js';
import { layoutBroken, layoutHealthy, testInputs, ETC_EXTENSIONS } from './support/pbx-layouts.js';
import { SshSession } from '../../engine/src/doctor/ssh-session.js';
import { runChecks, planFixes, applyFixes, rollbackLast } from '../../engine/src/doctor/doctor-core.js';
import { DbApplyLedger } from '../../engine/src/doctor/doctor-store.js';
import { buildVoicemailTarget } from '../../engine/src/doctor/voicemail-target.js';
import { openDatabase, type Db } from '../../engine/src/store/database.js';
import type { DoctorInputs } from '../../engine/src/doctor/doctor-inputs.js';

noticeIfMissing();

describe('buildVoicemailTarget', () => {
  it('adds the target once, repairs one without VoiceMail(), leaves a working one alone', () => {
    const added = buildVoicemailTarget('[other]\nexten => s,1,Hangup()\n', 'aava-voicemail');
    expect(added).toContain('[aava-voicemail]\n; added by AAVA Desktop doctor\nexten => s,1,NoOp(AAVA AI voice agent - voicemail)\n same => n,VoiceMail(${AAVA_VOICEMAIL_BOX},${AAVA_VOICEMAIL_OPTS})\n same => n,Hangup()');
    expect(buildVoicemailTarget(added, 'aava-voicemail')).toBe(added);
    expect(buildVoicemailTarget('[aava-voicemail]\nexten => s,1,Hangup()\n', 'aava-voicemail')).toContain('VoiceMail(${AAVA_VOICEMAIL_BOX}');
    const mine = '[aava-voicemail]\nexten => s,1,VoiceMail(${AAVA_VOICEMAIL_BOX},su) ; mine\n';
    expect(buildVoicemailTarget(mine, 'aava-voicemail')).toBe(mine);
  });
});

describe.skipIf(!canRunSshd || !hasFixtures)('voicemail target over real SSH', () => {
  let pbx: FakePbx;
  let db: Db;
  let inp: DoctorInputs;
  const connect = () => SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: { privateKey: readFileSync(pbx.clientKey) }, hostKeys: { get: () => undefined, pin: () => undefined, forget: () => true }, acceptHostKey: true });
  const etc = (f: string) => join(pbx.root, 'etc/asterisk', f);
  const target = () => ({ host: '127.0.0.1', port: pbx.port });
  const status = (results: { id: string; status: string }[]) => results.find((c) => c.id === 'voicemail-target')?.status;

  beforeAll(async () => {
    pbx = await startFakePbx();
    db = openDatabase(':memory:');
    inp = testInputs(pbx.root, { ariPort: await freePort(), enginePort: await freePort(), rtpStart: someRtpStart() });
    inp = { ...inp, voicemail: { used: true, context: 'aava-voicemail', extension: 's', priority: 1 } };
  });
  afterAll(async () => {
    db?.close();
    await pbx?.stop();
  });
  beforeEach(() => {
    pbx.scenario({ 'dialplan-show-from-ai-agent': null });
    pbx.setFreePbx(true);
    pbx.clearLogs();
  });

  it('is skipped when no context uses the voicemail tool', async () => {
    layoutHealthy(pbx.root, ['sales', 'support']);
    const s = await connect();
    try {
      const { results } = await runChecks(s, { ...inp, voicemail: { ...inp.voicemail!, used: false } });
      expect(status(results)).toBe('skip');
    } finally {
      s.close();
    }
  });

  it('fails while missing; the fix composes with the dialplan fix in one edit; passes after; rollback restores', async () => {
    layoutBroken(pbx.root);
    const s = await connect();
    try {
      const run = await runChecks(s, inp);
      const check = run.results.find((c) => c.id === 'voicemail-target')!;
      expect(check).toMatchObject({ status: 'fail', fixIds: ['voicemail-target'] });
      expect(check.fix).toContain('[aava-voicemail]');
      expect(check.evidence[0]!.command).toBe("asterisk -rx 'dialplan show aava-voicemail'");
      const plan = planFixes(run, inp).plans.find((p) => p.id === 'voicemail-target')!;
      expect(plan.diff).toContain('+ same => n,VoiceMail(${AAVA_VOICEMAIL_BOX},${AAVA_VOICEMAIL_OPTS})');

      const r = await applyFixes(s, inp, ['dialplan-contexts', 'voicemail-target'], new DbApplyLedger(db), target());
      expect(r.applied).toEqual(['dialplan-contexts', 'voicemail-target']);
      const text = readFileSync(etc('extensions_custom.conf'), 'utf8');
      expect(text.startsWith(ETC_EXTENSIONS)).toBe(true);
      expect(text).toContain('[from-ai-agent-sales]');
      expect(text).toContain('[aava-voicemail]');
      expect(r.backups.map((b) => b.file)).toEqual([etc('extensions_custom.conf')]);
      expect(readdirSync(join(pbx.root, 'etc/asterisk')).filter((f) => f.startsWith('extensions_custom.conf.aava-bak-'))).toHaveLength(1);
      expect(status(r.after)).toBe('pass');

      await rollbackLast(s, inp, new DbApplyLedger(db), target());
      expect(readFileSync(etc('extensions_custom.conf'), 'utf8')).toBe(ETC_EXTENSIONS);
    } finally {
      s.close();
    }
  });
});
