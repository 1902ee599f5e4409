import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { chmodSync } from 'node:fs';
import { hasFixtures, noticeIfMissing } from '../support/shared-fixtures.js';
import { startFakePbx, canRunSshd, freePort, type FakePbx, memoryHostKeys } from './support/fake-pbx.js';
import { someRtpStart } from './support/engine-config.js';
import { layoutHealthy, testInputs } from './support/pbx-layouts.js';
import { SshSession } from '../../engine/src/doctor/ssh-session.js';
import { runChecks } from '../../engine/src/doctor/doctor-core.js';

noticeIfMissing();
// Password logins need a real account: a throwaway user, created only when the tests run as root.
const canAddUser = userInfo().uid === 0 && spawnSync('useradd', ['--help']).status === 0;
if (canRunSshd && !canAddUser) console.warn('[notice] not root (or no useradd): the SSH password-login test is skipped.');

describe.skipIf(!canRunSshd || !hasFixtures || !canAddUser)('password login as a non-root user, privileged reads through sudo', () => {
  let pbx: FakePbx;
  const user = `aavadoc${randomBytes(3).toString('hex')}`;
  const password = `Pw-${randomBytes(6).toString('hex')}`;
  const hostKeys = memoryHostKeys();

  beforeAll(async () => {
    const add = spawnSync('useradd', ['-M', '-d', '/tmp', '-s', '/bin/bash', user]);
    if (add.status !== 0) throw new Error(`useradd: ${add.stderr}`);
    const pw = spawnSync('chpasswd', [], { input: `${user}:${password}\n` });
    if (pw.status !== 0) throw new Error(`chpasswd: ${pw.stderr}`);
    pbx = await startFakePbx({ passwordAuth: true });
    // The stub sudo does not really switch users: let the stubs write their logs as this user.
    chmodSync(pbx.stub, 0o777);
  });
  afterAll(async () => {
    await pbx?.stop();
    spawnSync('userdel', ['-f', user]);
  });

  it('logs in with the password, reads the PBX through sudo -S, and keeps the password off every command line', async () => {
    layoutHealthy(pbx.root, ['sales']);
    pbx.setSudo(password);
    await expect(SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: user, auth: { password: 'wrong' }, hostKeys, acceptHostKey: true })).rejects.toThrow(/authentication failed \(password\)/);
    const s = await SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: user, auth: { password }, hostKeys, acceptHostKey: true, sudo: { use: true, password } });
    try {
      expect((await s.exec('id -un')).stdout.trim()).toBe(user);
      const inp = testInputs(pbx.root, { ariPort: await freePort(), enginePort: await freePort(), rtpStart: someRtpStart(), contexts: ['sales'] });
      const { results } = await runChecks(s, inp);
      expect(results.find((r) => r.id === 'asterisk-version'), JSON.stringify(results.find((r) => r.id === 'asterisk-version'))).toMatchObject({ status: 'pass' });
      expect(results.find((r) => r.id === 'dialplan-from-ai-agent-sales'), JSON.stringify(results.find((r) => r.id === 'dialplan-from-ai-agent-sales'))).toMatchObject({ status: 'pass' });
      expect(pbx.log('sudo')).toContain('sh -c');
      for (const text of [pbx.log('sudo'), pbx.log('asterisk'), JSON.stringify(results)]) expect(text).not.toContain(password);
    } finally {
      s.close();
      pbx.setSudo(undefined);
    }
  });
});
