import { describe, it, expect } from 'vitest';
import { versionChecks, moduleChecks, httpChecks, ariChecks, recordingDirCheck, mediaDirCheck, dialplanChecks } from '../../engine/src/doctor/checks-pbx.js';
import { webrtcCheck } from '../../engine/src/doctor/checks-webrtc.js';
import { parsePjsipShowEndpoint } from '../../engine/src/doctor/cli-parsers-settings.js';
import { pbxPaths } from '../../engine/src/doctor/pbx-facts.js';
import { pjsipShowEndpoint } from './support/constructed-cli.js';
import { buildFixes, toPlan, reloadCommands } from '../../engine/src/doctor/fixes.js';
import { judgeDownload, recordingFileUrl } from '../../engine/src/doctor/probes.js';
import { parseModuleShow, parseDialplanShow } from '../../engine/src/doctor/cli-parsers.js';
import { defaultInputs, type DoctorInputs } from '../../engine/src/doctor/doctor-inputs.js';
import type { PbxFacts } from '../../engine/src/doctor/pbx-facts.js';

const E = '/etc/asterisk';
const mods = ['res_ari_applications', 'res_ari_recordings', 'res_ari_channels', 'res_ari_bridges', 'chan_audiosocket', 'app_audiosocket', 'chan_rtp', 'res_http_websocket']
  .map((m) => `${m}.so`.padEnd(31) + 'x'.padEnd(41) + '0          Running              core')
  .join('\n');
const stasis = (name: string, ai?: string) =>
  parseDialplanShow(`[ Context '${name}' created by 'pbx_config' ]\n  's' =>            1. NoOp(x) [e:1]\n${ai ? `                    2. Set(AI_CONTEXT=${ai}) [e:2]\n` : ''}                    3. Stasis(asterisk-ai-voice-agent) [e:3]\n`, name);

function healthy(): PbxFacts {
  return {
    evidence: {},
    asteriskRunning: true,
    version: { version: '22.10.1', major: 22, minor: 10 },
    freepbx: '16.0.41.1',
    modules: parseModuleShow(mods),
    http: { enabled: true, bound: { address: '0.0.0.0', port: 8088 }, tlsEnabled: true, tlsBound: { address: '0.0.0.0', port: 8089 }, prefix: '', uris: [] },
    ariUsers: [{ username: 'aiagent', readOnly: false, acl: false }, { username: 'sync', readOnly: true, acl: false }],
    ariStatus: { enabled: true, allowedOrigins: '*' },
    dialplan: { 'from-ai-agent': stasis('from-ai-agent'), 'from-ai-agent-sales': stasis('from-ai-agent-sales', 'sales') },
    transports: [{ id: 'transport-wss', type: 'wss', cos: 0, tos: 0, bind: '0.0.0.0:5060' }],
    files: { [`${E}/http_custom.conf`]: '[general]\nbindaddr=0.0.0.0\n' },
    confFiles: { http: `${E}/http_custom.conf`, ari: `${E}/ari_additional_custom.conf`, extensions: `${E}/extensions_custom.conf` },
    recording: { recording: 'link', monitor: 'dir', realRecording: '/var/spool/asterisk/monitor', realMonitor: '/var/spool/asterisk/monitor', entries: 3, recordingPath: '/var/spool/asterisk/recording', monitorPath: '/var/spool/asterisk/monitor' },
    media: { dir: '/mnt/asterisk_media/ai-generated', dirExists: true, ownerGroup: 'asterisk:asterisk', mode: '2775', link: '/var/lib/asterisk/sounds/ai-generated', linkKind: 'link', linkTarget: '/mnt/asterisk_media/ai-generated', asteriskUser: true },
    dirs: {},
    paths: pbxPaths(),
    endpoints: ['200'],
    webrtcEndpoint: parsePjsipShowEndpoint(pjsipShowEndpoint('200', { webrtc: true }), '200'),
    sshClientIp: '192.0.2.10',
  };
}

const inputs = (over: Partial<DoctorInputs> = {}): DoctorInputs => ({
  ...defaultInputs('pbx.example.net'),
  contexts: ['sales'],
  ari: { host: 'pbx.example.net', port: 8088, scheme: 'http', username: 'aiagent', password: 'pw-123456' },
  recordings: { host: 'pbx.example.net', port: 8088, tls: false, username: 'sync', password: 'pw-sync' },
  ...over,
});

const all = (f: PbxFacts, i: DoctorInputs) => [...versionChecks(f), ...moduleChecks(f, i), ...httpChecks(f, i), ...ariChecks(f, i), recordingDirCheck(f), mediaDirCheck(f, i), ...dialplanChecks(f, i), webrtcCheck(f)];

describe('checks judged from PBX facts', () => {
  it('a healthy remote FreePBX passes everything, and no fix is needed', () => {
    const rs = all(healthy(), inputs());
    expect(rs.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(buildFixes(healthy(), inputs(), rs).map(toPlan).every((p) => p.alreadyApplied)).toBe(true);
  });

  it('old FreePBX warns; HTTP disabled fails; TLS required but off fails; HTTP on loopback for a remote app fails', () => {
    const f = healthy();
    f.freepbx = '14.0.1';
    f.http = { ...f.http!, enabled: false, bound: undefined, tlsEnabled: false, tlsBound: undefined };
    const r = Object.fromEntries(all(f, inputs({ ari: { ...inputs().ari, scheme: 'https', port: 8089 } })).map((c) => [c.id, c]));
    expect(r['freepbx-version']!.status).toBe('warn');
    expect(r['http-server']).toMatchObject({ status: 'fail', fixIds: ['http-bind'] });
    expect(r['http-tls']!.status).toBe('fail');
    expect(r['webrtc']!.status).toBe('warn');
    expect(r['webrtc']!.fix).toContain('HTTPS is off');
    const g = healthy();
    g.http!.bound = { address: '127.0.0.1', port: 8088 };
    g.files = {};
    const h = Object.fromEntries(httpChecks(g, inputs()).map((c) => [c.id, c]));
    expect(h['http-server']!.status).toBe('fail');
    expect(h['http-override']).toMatchObject({ status: 'fail', fixIds: ['http-bind'] });
    expect(httpChecks(g, inputs({ ari: { ...inputs().ari, host: '127.0.0.1' } }))[0]!.status).toBe('pass');
  });

  it('ARI: missing recordings user fails, ARI disabled fails, a GUI-managed read-only user has no auto-fix', () => {
    const f = healthy();
    f.ariUsers = [{ username: 'aiagent', readOnly: true, acl: false }];
    f.ariStatus = { enabled: false, allowedOrigins: '' };
    const r = Object.fromEntries(ariChecks(f, inputs()).map((c) => [c.id, c]));
    expect(r['ari-user']).toMatchObject({ status: 'fail' });
    expect(r['ari-user']).not.toHaveProperty('fixIds');
    expect(r['ari-user']!.fix).toContain('Settings → Asterisk REST Interface Users');
    expect(r['ari-recordings-user']!.status).toBe('fail');
    expect(r['ari-status']!.status).toBe('fail');
    const noPw = ariChecks({ ...healthy(), ariUsers: [] }, inputs({ ari: { ...inputs().ari, password: undefined } }))[0]!;
    expect(noPw.status).toBe('fail');
    expect(noPw).not.toHaveProperty('fixIds');
  });

  it('recording dir: the FreePBX-style recording/monitor -> ../monitor layout fails; a missing recording dir is fixable with ln -s', () => {
    const f = healthy();
    f.recording = { ...f.recording, recording: 'dir', realRecording: '/var/spool/asterisk/recording', entries: 2 };
    expect(recordingDirCheck(f)).toMatchObject({ status: 'fail', fixIds: ['recording-dir'] });
    f.recording = { ...f.recording, recording: 'missing', realRecording: '' };
    const c = recordingDirCheck(f);
    const plan = toPlan(buildFixes(f, inputs(), [c]).find((a) => a.id === 'recording-dir')!);
    expect(plan.commands).toEqual(['ln -s /var/spool/asterisk/monitor /var/spool/asterisk/recording']);
  });

  it('media dir: wrong owner is fixed with chown; stream mode only warns; a real directory in place of the link is not auto-fixed', () => {
    const f = healthy();
    f.media = { ...f.media, ownerGroup: 'root:root', mode: '755' };
    const c = mediaDirCheck(f, inputs({ fileMode: true }));
    expect(c).toMatchObject({ status: 'fail', fixIds: ['media-dir'] });
    expect(toPlan(buildFixes(f, inputs(), [c]).find((a) => a.id === 'media-dir')!).commands).toEqual(['chown asterisk:asterisk /mnt/asterisk_media/ai-generated', 'chmod g+ws /mnt/asterisk_media/ai-generated']);
    f.media = { ...f.media, ownerGroup: 'asterisk:asterisk', linkKind: 'dir', linkTarget: undefined };
    expect(mediaDirCheck(f, inputs())).toMatchObject({ status: 'warn' });
    expect(mediaDirCheck(f, inputs())).not.toHaveProperty('fixIds');
  });

  it('dialplan: a context without AI_CONTEXT warns; modules for the unused transport only warn', () => {
    const f = healthy();
    f.dialplan['from-ai-agent-sales'] = stasis('from-ai-agent-sales');
    expect(dialplanChecks(f, inputs())[1]!.status).toBe('warn');
    f.modules = parseModuleShow(mods.replace(/^chan_rtp.*$/m, ''));
    expect(moduleChecks(f, inputs()).find((c) => c.id === 'module-chan_rtp')!.status).toBe('warn');
    expect(moduleChecks(f, inputs({ transport: 'externalmedia' })).find((c) => c.id === 'module-chan_rtp')!.status).toBe('fail');
  });

  it('a firewalled ARI port on FreePBX offers to trust this workstation (with an untrust undo)', () => {
    const f = healthy();
    const blocked = { id: 'port-8088', title: 'ARI', status: 'fail' as const, evidence: [], fixIds: ['firewall-trust'] };
    const a = buildFixes(f, inputs(), [blocked]).find((x) => x.id === 'firewall-trust')!;
    expect(a.commands).toEqual(['fwconsole firewall trust 192.0.2.10']);
    expect(a.undo).toEqual(['fwconsole firewall untrust 192.0.2.10']);
    expect(buildFixes({ ...f, freepbx: undefined }, inputs(), [blocked]).find((x) => x.id === 'firewall-trust')!.commands).toEqual([]);
  });

  it('reloads, downloads and URLs', () => {
    expect(reloadCommands(new Set(['http', 'dialplan']), true)).toEqual(['fwconsole reload']);
    expect(reloadCommands(new Set(['http', 'ari', 'dialplan']), false)).toEqual(["asterisk -rx 'module reload http'", "asterisk -rx 'module reload res_ari.so'", "asterisk -rx 'dialplan reload'"]);
    expect(recordingFileUrl('http://h:8088', 'monitor/2026/11/21/out-1')).toBe('http://h:8088/ari/recordings/stored/monitor%2F2026%2F11%2F21%2Fout-1/file');
    const err = judgeDownload({ status: 404, contentType: 'application/json', body: Buffer.from('{"message":"Recording not found"}') });
    expect(err).toMatchObject({ ok: false, bytes: 33, reason: 'HTTP 404, 33-byte JSON error instead of audio' });
    expect(judgeDownload({ status: 200, contentType: 'audio/wav', body: Buffer.alloc(44) })).toMatchObject({ ok: false });
    expect(judgeDownload({ status: 200, contentType: 'audio/wav', body: Buffer.alloc(4000) })).toMatchObject({ ok: true, bytes: 4000 });
  });
});
