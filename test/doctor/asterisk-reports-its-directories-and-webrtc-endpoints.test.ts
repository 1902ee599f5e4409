import { describe, it, expect } from 'vitest';
import { parseCoreShowSettings, parsePjsipShowEndpoints, parsePjsipShowEndpoint, judgeWebrtcEndpoint } from '../../engine/src/doctor/cli-parsers-settings.js';
import { pbxPaths } from '../../engine/src/doctor/pbx-facts.js';
import { endpointOrder } from '../../engine/src/doctor/pbx-fs-facts.js';
import { dialplanContextNames, buildExtensionsCustom } from '../../engine/src/doctor/conf-edits.js';
import { webrtcCheck } from '../../engine/src/doctor/checks-webrtc.js';
import type { PbxFacts } from '../../engine/src/doctor/pbx-facts.js';
import { coreShowSettings, pjsipShowEndpoints, pjsipShowEndpoint } from './support/constructed-cli.js';

describe('what Asterisk says about itself (constructed Asterisk 22 answers)', () => {
  it('core show settings gives the directories; the doctor puts them under the root prefix', () => {
    const dirs = parseCoreShowSettings(coreShowSettings({ configDir: '/opt/pbx/etc', spoolDir: '/srv/pbx/spool', dataDir: '/srv/pbx/lib' }));
    expect(dirs).toEqual({ configDir: '/opt/pbx/etc', spoolDir: '/srv/pbx/spool', varLibDir: '/srv/pbx/lib', dataDir: '/srv/pbx/lib' });
    expect(pbxPaths('/chroot/', dirs)).toEqual({ prefix: '/chroot', etc: '/chroot/opt/pbx/etc', spool: '/chroot/srv/pbx/spool', sounds: '/chroot/srv/pbx/lib/sounds' });
    // Not an answer (no such command, Asterisk down): Asterisk's defaults.
    expect(parseCoreShowSettings("No such command 'core show settings'")).toEqual({});
    expect(pbxPaths('', {})).toEqual({ prefix: '', etc: '/etc/asterisk', spool: '/var/spool/asterisk', sounds: '/var/lib/asterisk/sounds' });
  });

  it('pjsip show endpoints lists ids (not the header); pjsip show endpoint gives the applied parameters', () => {
    expect(parsePjsipShowEndpoints(pjsipShowEndpoints(['201', '200', 'webrtc_client']))).toEqual(['201', '200', 'webrtc_client']);
    expect(parsePjsipShowEndpoints('No objects found.\n\n')).toEqual([]);
    const e = parsePjsipShowEndpoint(pjsipShowEndpoint('200', { webrtc: true }), '200')!;
    expect(e.params).toMatchObject({ webrtc: 'yes', media_encryption: 'dtls', ice_support: 'true', use_avpf: 'true', dtls_cert_file: '' });
    expect(judgeWebrtcEndpoint(e)).toEqual({ webrtc: true, dtls: true, ice: true, avpf: true, certificate: true });
    expect(judgeWebrtcEndpoint(parsePjsipShowEndpoint(pjsipShowEndpoint('201', { webrtc: false }), '201')!).webrtc).toBe(false);
    expect(parsePjsipShowEndpoint('Unable to find object 999.\n\n', '999')).toBeUndefined();
    expect(endpointOrder(['201', '200', '202'], '200')).toEqual(['200', '201', '202']);
    expect(endpointOrder(['201'], 'gone')).toEqual(['201']);
  });

  it('the default context is the plain [from-ai-agent]; named contexts are from-ai-agent-<name>', () => {
    expect(dialplanContextNames(['default', 'sales'])).toEqual([{ dialplan: 'from-ai-agent' }, { dialplan: 'from-ai-agent-sales', aiContext: 'sales' }]);
    const conf = buildExtensionsCustom(undefined, 'asterisk-ai-voice-agent', ['default', 'sales']);
    expect(conf).toContain('[from-ai-agent]');
    expect(conf).toContain('[from-ai-agent-sales]');
    expect(conf).not.toContain('from-ai-agent-default');
  });

  it('webrtc is judged from the transports, http show status and the endpoint Asterisk applied', () => {
    const base = {
      evidence: {},
      transports: [{ id: 'transport-wss', type: 'wss', cos: 0, tos: 0, bind: '0.0.0.0:8089' }],
      http: { enabled: true, tlsEnabled: true, prefix: '', uris: [] },
      endpoints: ['200'],
      webrtcEndpoint: parsePjsipShowEndpoint(pjsipShowEndpoint('200', { webrtc: true }), '200'),
    } as unknown as PbxFacts;
    expect(webrtcCheck(base)).toMatchObject({ status: 'pass', title: 'WebRTC softphone: transport-wss, HTTPS, endpoint 200 (webrtc, DTLS, ICE)' });
    const noEndpoint = webrtcCheck({ ...base, webrtcEndpoint: undefined, endpoints: ['201', '202'] });
    expect(noEndpoint.status).toBe('warn');
    expect(noEndpoint.fix).toContain('none of the 2 endpoint(s) in `pjsip show endpoints` has webrtc: yes');
    const sdes = webrtcCheck({ ...base, webrtcEndpoint: parsePjsipShowEndpoint(pjsipShowEndpoint('200', { webrtc: true, mediaEncryption: 'sdes' }), '200') });
    expect(sdes.fix).toContain('endpoint 200: media_encryption is sdes, not dtls');
    const noTls = webrtcCheck({ ...base, http: { enabled: true, tlsEnabled: false, prefix: '', uris: [] } });
    expect(noTls.fix).toContain('HTTPS is off in `http show status`');
  });
});
