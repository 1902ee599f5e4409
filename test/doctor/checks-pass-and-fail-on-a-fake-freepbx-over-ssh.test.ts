import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { hasFixtures, noticeIfMissing } from '../support/shared-fixtures.js';
import { startFakePbx, canRunSshd, freePort, type FakePbx, memoryHostKeys } from './support/fake-pbx.js';
import { someRtpStart } from './support/engine-config.js';
import { startFakeAri, type FakeAri } from './support/fake-ari-fs.js';
import { layoutHealthy, layoutBroken, testInputs } from './support/pbx-layouts.js';
import { SshSession } from '../../engine/src/doctor/ssh-session.js';
import { runChecks } from '../../engine/src/doctor/doctor-core.js';
import type { DoctorInputs } from '../../engine/src/doctor/doctor-inputs.js';
import type { CheckResult } from '../../engine/src/api/doctor.js';

noticeIfMissing();
if (!canRunSshd) console.warn('[notice] /usr/sbin/sshd or ssh-keygen missing: doctor SSH tests are skipped.');

describe.skipIf(!canRunSshd || !hasFixtures)('doctor checks over real SSH against a fake FreePBX', () => {
  let pbx: FakePbx;
  let ari: FakeAri;
  let session: SshSession;
  let base: DoctorInputs;
  const hostKeys = memoryHostKeys();

  beforeAll(async () => {
    pbx = await startFakePbx();
    ari = await startFakeAri(`${pbx.root}/var/spool/asterisk`, { username: 'aiagent', password: 'aiagent-pass-7f3k' });
    session = await SshSession.connect({ host: '127.0.0.1', port: pbx.port, username: pbx.user, auth: { privateKey: readFileSync(pbx.clientKey) }, hostKeys, acceptHostKey: true });
    base = testInputs(pbx.root, { ariPort: ari.port, enginePort: await freePort(), rtpStart: someRtpStart() });
  });
  afterAll(async () => {
    session?.close();
    await ari?.close();
    await pbx?.stop();
  });
  beforeEach(() => {
    pbx.scenario();
    pbx.setFreePbx(true);
  });

  const byId = (rs: CheckResult[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

  it('a healthy FreePBX passes every check, with evidence from the real CLI captures', async () => {
    layoutHealthy(pbx.root, base.contexts);
    const streamed: string[] = [];
    const { results } = await runChecks(session, base, (c) => streamed.push(c.id));
    const bad = results.filter((r) => r.status !== 'pass' && r.status !== 'skip');
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    expect(streamed).toEqual(results.map((r) => r.id));
    const r = byId(results);
    expect(r['asterisk-version']!.title).toBe('Asterisk 22.10.1');
    expect(r['asterisk-version']!.evidence[0]!.output).toContain('Asterisk 22.10.1 built by root');
    expect(r['freepbx-version']!.title).toBe('FreePBX 16.0.41.1');
    expect(r['recordings-download']!.title).toContain('monitor/2026/11/21/out-');
    expect(r['recordings-download']!.evidence[1]!.command).toContain('monitor%2F2026%2F11%2F21%2Fout-');
    expect(r['dialplan-from-ai-agent']!.fix).toContain('from-ai-agent,s,1');
    expect(r['http-tls']!.status).toBe('pass');
    expect(r['webrtc']!.status).toBe('pass');
    expect(r['pbx-to-engine-tcp']!.status).toBe('pass');
    expect(r['pbx-to-engine-rtp']!.status).toBe('pass');
    expect(ari.requests.some((q) => q.includes('%2F'))).toBe(true);
  });

  it('variants: old Asterisk, module not loaded / Not Running, wrong bindaddr, read-only user, no ARI origins', async () => {
    layoutHealthy(pbx.root, base.contexts);
    const ariTable = readFileSync(`${pbx.stub}/cli/module-show-like-ari.txt`, 'utf8');
    pbx.scenario({
      'core-show-version': 'Asterisk 16.25.0 built by mockbuild @ jenkins7 on a x86_64 running Linux on 2022-02-01 10:00:00 UTC\n',
      'module-show-like-ari': ariTable.replace(/^(res_ari_recordings\.so\s+.*?\s+0\s+)Running(\s+)/m, '$1Not Running$2').replace(/^res_ari_bridges\.so.*\n/m, '').replace('12 modules loaded', '11 modules loaded'),
      'module-show-like-audiosocket': 'Module                         Description                              Use Count  Status      Support Level\n0 modules loaded\n',
      'http-show-status': readFileSync(`${pbx.stub}/cli/http-show-status.txt`, 'utf8').replace('Bound to 127.0.0.1:8088', 'Bound to 10.255.255.1:8088'),
      'ari-show-users': 'r/o?  ACL?  Username\n----  ----  --------\nYes   No    aiagent\n',
      'ari-show-status': 'ARI Status:\nEnabled: Yes\nOutput format: pretty\nAuth realm: Asterisk REST Interface\nAllowed Origins: \n',
    });
    const r = byId((await runChecks(session, base)).results);
    expect(r['asterisk-version']).toMatchObject({ status: 'fail', title: 'Asterisk 18 or newer' });
    expect(r['asterisk-version']!.fix).toContain('16.25.0');
    expect(r['module-res_ari_recordings']).toMatchObject({ status: 'fail', fixIds: ['load-modules'] });
    expect(r['module-res_ari_recordings']!.fix).toContain('Not Running');
    expect(r['module-res_ari_bridges']!.fix).toContain('0 modules loaded');
    expect(r['module-chan_audiosocket']!.status).toBe('fail');
    expect(r['module-chan_rtp']!.status).toBe('pass');
    expect(r['http-server']).toMatchObject({ status: 'fail', fixIds: ['http-bind'] });
    expect(r['http-server']!.fix).toContain('http_custom.conf');
    expect(r['http-override']!.status).toBe('fail');
    expect(r['ari-user']).toMatchObject({ status: 'fail', title: 'ARI user "aiagent" is read-only' });
    expect(r['ari-status']!.status).toBe('warn');
  });

  it('broken layout: wrong recording symlink (list works, download is the 33-byte JSON error), no media dir, no contexts', async () => {
    layoutBroken(pbx.root);
    pbx.scenario({ 'dialplan-show-from-ai-agent': null });
    const r = byId((await runChecks(session, base)).results);
    expect(r['recording-dir']).toMatchObject({ status: 'fail', fixIds: ['recording-dir'] });
    expect(r['recordings-download']!.status).toBe('fail');
    expect(r['recordings-download']!.evidence[1]!.output).toContain('HTTP 404, 33-byte JSON error');
    expect(r['recordings-download']!.evidence[1]!.output).toContain('Recording not found');
    expect(r['media-dir']).toMatchObject({ status: 'fail', fixIds: ['media-dir'] });
    for (const c of ['from-ai-agent', 'from-ai-agent-sales', 'from-ai-agent-support']) expect(r[`dialplan-${c}`]).toMatchObject({ status: 'fail', fixIds: ['dialplan-contexts'] });
  });

  it('network: ARI port closed, engine unreachable from the PBX, remote PBX with a loopback advertise address', async () => {
    layoutHealthy(pbx.root, base.contexts);
    const closed = await freePort();
    const inp: DoctorInputs = { ...base, ari: { ...base.ari, port: closed }, audiosocket: { ...base.audiosocket, advertiseHost: '0.0.0.1' }, rtp: { ...base.rtp, advertiseHost: '0.0.0.1' }, udpWaitMs: 300 };
    const r = byId((await runChecks(session, inp)).results);
    expect(r[`port-${closed}`]).toMatchObject({ status: 'fail' });
    expect(r[`port-${closed}`]!.evidence[0]!.output).toBe('ECONNREFUSED');
    expect(r[`port-${closed}`]!.fix).toContain('fwconsole firewall trust 127.0.0.1');
    expect(r['recordings-download']!.status).toBe('fail');
    expect(r['pbx-to-engine-tcp']).toMatchObject({ status: 'fail' });
    expect(r['pbx-to-engine-tcp']!.evidence[0]!.output).toBe('closed');
    expect(r['pbx-to-engine-rtp']).toMatchObject({ status: 'warn' });
    const remote = byId((await runChecks(session, { ...base, sshHost: 'pbx.example.net', ari: { ...base.ari, host: 'pbx.example.net' } })).results);
    expect(remote['pbx-to-engine-tcp']!.fix).toContain('(127.0.0.1)');
    expect(remote['http-server']).toMatchObject({ status: 'fail', fixIds: ['http-bind'] });
  });

  it('AudioSocket in three media workers: the PBX must reach port … port+2; the first and the last are probed, the fix names the range', async () => {
    layoutHealthy(pbx.root, base.contexts);
    const p = base.audiosocket.port;
    const r = byId((await runChecks(session, { ...base, audiosocket: { ...base.audiosocket, ports: 3 } })).results);
    expect(r['pbx-to-engine-tcp']).toMatchObject({ status: 'pass', title: `PBX → engine AudioSocket ${base.audiosocket.advertiseHost}:${p}-${p + 2}/TCP` });
    const ev = r['pbx-to-engine-tcp']!.evidence;
    expect(ev.map((e) => e.output)).toEqual(['open', 'open']);
    expect(ev[0]!.command).toContain(`/dev/tcp/${base.audiosocket.advertiseHost}/${p}`);
    expect(ev[1]!.command).toContain(`/dev/tcp/${base.audiosocket.advertiseHost}/${p + 2}`);
    const unreachable = byId((await runChecks(session, { ...base, audiosocket: { advertiseHost: '0.0.0.1', port: p, ports: 3 }, udpWaitMs: 300 })).results);
    expect(unreachable['pbx-to-engine-tcp']).toMatchObject({ status: 'fail' });
    expect(unreachable['pbx-to-engine-tcp']!.fix).toContain(`TCP ${p}-${p + 2}`);
  });

  it('plain Asterisk (no fwconsole), Asterisk not running', async () => {
    layoutHealthy(pbx.root, base.contexts);
    pbx.setFreePbx(false);
    const plain = byId((await runChecks(session, base)).results);
    expect(plain['freepbx-version']!.status).toBe('skip');
    expect(plain['http-override']).toBeUndefined();
    pbx.scenario({ 'core-show-version': null });
    const down = byId((await runChecks(session, base)).results);
    expect(down['asterisk-version']!.status).toBe('fail');
    expect(down['asterisk-version']!.evidence[0]!.output).toContain('Unable to connect to remote asterisk');
  });
});
