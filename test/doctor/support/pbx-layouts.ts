/** Healthy and broken fake-FreePBX filesystems under a root prefix, and matching DoctorInputs. */
import { mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toneWav } from '../../fakes/ari-recordings/recordings-set.js';
import type { DoctorInputs } from '../../../engine/src/doctor/doctor-inputs.js';

export const RECORDING = 'monitor/2026/11/21/out-7175882255-200-20261121-065046-1795243846.24';
export const ETC_EXTENSIONS = '; extensions_custom.conf — edited by hand\n[from-internal-custom]\nexten => 1234,1,Playback(hello-world) ; keep this comment\n';
export const ETC_HTTP = '; http_custom.conf\n[general]\ntlsenable=yes\ntlscertfile=/etc/asterisk/keys/cert.pem\n';

function reset(root: string): void {
  for (const d of ['etc/asterisk', 'var/spool/asterisk', 'var/lib/asterisk/sounds', 'mnt']) rmSync(join(root, d), { recursive: true, force: true });
  for (const d of ['etc/asterisk/keys', 'var/spool/asterisk', 'var/lib/asterisk/sounds', 'mnt']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/asterisk/keys/cert.pem'), '-----BEGIN CERTIFICATE-----\n');
  writeFileSync(join(root, 'etc/asterisk/http_custom.conf'), ETC_HTTP);
}

/** Everything in place: recording/monitor real, monitor -> recording/monitor; media dir + link; contexts. */
export function layoutHealthy(root: string, contexts: string[]): void {
  reset(root);
  const spool = join(root, 'var/spool/asterisk');
  mkdirSync(join(spool, 'recording', 'monitor/2026/11/21'), { recursive: true });
  writeFileSync(join(spool, 'recording', `${RECORDING}.wav`), toneWav(1, 300));
  symlinkSync(join(spool, 'recording/monitor'), join(spool, 'monitor'));
  mkdirSync(join(root, 'mnt/asterisk_media/ai-generated'), { recursive: true });
  symlinkSync(join(root, 'mnt/asterisk_media/ai-generated'), join(root, 'var/lib/asterisk/sounds/ai-generated'));
  const ctx = (name: string, ai?: string) => `[${name}]\nexten => s,1,NoOp(AI)\n${ai ? ` same => n,Set(AI_CONTEXT=${ai})\n` : ''} same => n,Stasis(asterisk-ai-voice-agent)\n same => n,Hangup()\n`;
  writeFileSync(join(root, 'etc/asterisk/extensions_custom.conf'), [ETC_EXTENSIONS, ...contexts.map((c) => ctx(`from-ai-agent-${c}`, c))].join('\n'));
}

/** The usual FreePBX trouble: monitor real, recording/monitor -> ../monitor; no media dir; no contexts. */
export function layoutBroken(root: string): void {
  reset(root);
  const spool = join(root, 'var/spool/asterisk');
  mkdirSync(join(spool, 'monitor/2026/11/21'), { recursive: true });
  writeFileSync(join(spool, `${RECORDING}.wav`), toneWav(2, 300));
  mkdirSync(join(spool, 'recording'));
  writeFileSync(join(spool, 'recording', 'ari-bridge-test.wav'), toneWav(3, 300));
  symlinkSync('../monitor', join(spool, 'recording/monitor'));
  writeFileSync(join(root, 'etc/asterisk/extensions_custom.conf'), ETC_EXTENSIONS);
}

export function testInputs(root: string, over: Partial<DoctorInputs> & { ariPort: number; enginePort: number; rtpStart: number }): DoctorInputs {
  const { ariPort, enginePort, rtpStart, ...rest } = over;
  return {
    rootPrefix: root,
    sshHost: '127.0.0.1',
    appName: 'asterisk-ai-voice-agent',
    contexts: ['sales', 'support'],
    ari: { host: '127.0.0.1', port: ariPort, scheme: 'http', username: 'aiagent', password: 'aiagent-pass-7f3k' },
    transport: 'audiosocket',
    audiosocket: { advertiseHost: '127.0.0.1', port: enginePort },
    rtp: { advertiseHost: '127.0.0.1', start: rtpStart, end: rtpStart + 3 },
    mediaDir: '/mnt/asterisk_media/ai-generated',
    fileMode: true,
    udpWaitMs: 1500,
    ...rest,
  };
}

/** Where a plain Asterisk keeps its files when asterisk.conf moves them away from /etc/asterisk and /var. */
export const ELSEWHERE = { configDir: '/opt/pbx/etc', spoolDir: '/srv/pbx/spool', dataDir: '/srv/pbx/lib' };

export const PLAIN_HTTP = '; http.conf\n[general]\nenabled=yes\nbindaddr=127.0.0.1\ntlsenable=yes\ntlsbindaddr=127.0.0.1:8089\ntlscertfile=/opt/pbx/etc/keys/asterisk.pem\n';
export const PLAIN_EXTENSIONS = '; extensions.conf of a plain Asterisk\n[from-internal]\nexten => 100,1,Dial(PJSIP/100)\n';

/**
 * A correctly configured plain Asterisk (no FreePBX) whose config lives in /opt/pbx/etc, spool in
 * /srv/pbx/spool and data in /srv/pbx/lib: nothing under /etc/asterisk, /var/spool/asterisk or
 * /var/lib/asterisk. The guide's [from-ai-agent] serves the default context.
 */
export function layoutPlainElsewhere(root: string, contexts: string[]): void {
  for (const d of ['etc', 'opt', 'srv', 'var', 'mnt']) rmSync(join(root, d), { recursive: true, force: true });
  const etc = join(root, ELSEWHERE.configDir);
  const spool = join(root, ELSEWHERE.spoolDir);
  mkdirSync(join(etc, 'keys'), { recursive: true });
  writeFileSync(join(etc, 'keys/asterisk.pem'), '-----BEGIN CERTIFICATE-----\n');
  writeFileSync(join(etc, 'http.conf'), PLAIN_HTTP);
  writeFileSync(join(etc, 'ari.conf'), '[general]\nenabled = yes\n\n[aiagent]\ntype = user\nread_only = no\npassword = aiagent-pass-7f3k\npassword_format = plain\n');
  const ctx = (name: string, ai?: string) => `[${name}]\nexten => s,1,NoOp(AI)\n${ai ? ` same => n,Set(AI_CONTEXT=${ai})\n` : ''} same => n,Stasis(asterisk-ai-voice-agent)\n same => n,Hangup()\n`;
  const named = contexts.filter((c) => c !== 'default').map((c) => ctx(`from-ai-agent-${c}`, c));
  writeFileSync(join(etc, 'extensions.conf'), [PLAIN_EXTENSIONS, ctx('from-ai-agent'), ...named].join('\n'));
  mkdirSync(join(spool, 'recording/monitor/2026/11/21'), { recursive: true });
  writeFileSync(join(spool, 'recording', `${RECORDING}.wav`), toneWav(4, 300));
  symlinkSync(join(spool, 'recording/monitor'), join(spool, 'monitor'));
  mkdirSync(join(root, ELSEWHERE.dataDir, 'sounds'), { recursive: true });
  mkdirSync(join(root, 'mnt/asterisk_media/ai-generated'), { recursive: true });
  symlinkSync(join(root, 'mnt/asterisk_media/ai-generated'), join(root, ELSEWHERE.dataDir, 'sounds/ai-generated'));
}
