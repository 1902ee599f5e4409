import { describe, it, expect } from 'vitest';
import { hasFixtures, noticeIfMissing, readFixture } from '../support/shared-fixtures.js';
import {
  parseCoreShowVersion,
  parseModuleShow,
  moduleState,
  parseHttpShowStatus,
  parseAriShowUsers,
  parseAriShowStatus,
  parseDialplanShow,
  hasStasis,
  aiContextOf,
  parsePjsipShowTransports,
  parseFwconsoleVersion,
  asteriskNotRunning,
  noSuchCommand,
  isLoopback,
} from '../../engine/src/doctor/cli-parsers.js';

const cli = (name: string) => readFixture('cli', name).toString('utf8');
noticeIfMissing();

describe.skipIf(!hasFixtures)('real Asterisk 22 CLI captures', () => {
  it('core show version gives 22.10', () => {
    expect(parseCoreShowVersion(cli('core-show-version.txt'))).toEqual({ version: '22.10.1', major: 22, minor: 10 });
  });

  it('module show like ari lists every res_ari module as running', () => {
    const t = parseModuleShow(cli('module-show-like-ari.txt'));
    expect(t.loadedCount).toBe(12);
    expect(t.rows).toHaveLength(12);
    for (const m of ['res_ari_applications', 'res_ari_recordings', 'res_ari_channels', 'res_ari_bridges']) expect(moduleState(t, m)).toBe('running');
    expect(moduleState(t, 'res_ari_mailboxes')).toBe('absent');
    expect(t.rows.find((r) => r.module === 'res_ari_device_states.so')?.description).toBe('RESTful API module - Device state resour');
  });

  it('module show like audiosocket / chan_rtp / app_nonexistent', () => {
    const a = parseModuleShow(cli('module-show-like-audiosocket.txt'));
    expect(a.rows.map((r) => [r.module, r.useCount, r.support])).toEqual([
      ['app_audiosocket.so', 0, 'extended'],
      ['chan_audiosocket.so', 0, 'extended'],
      ['res_audiosocket.so', 2, 'extended'],
    ]);
    expect(moduleState(parseModuleShow(cli('module-show-like-chan_rtp.txt')), 'chan_rtp.so')).toBe('running');
    const none = parseModuleShow(cli('module-show-like-app_nonexistent.txt'));
    expect(none).toEqual({ rows: [], loadedCount: 0 });
    expect(moduleState(none, 'app_nonexistent')).toBe('absent');
  });

  it('http show status gives both bindings and the URIs', () => {
    const s = parseHttpShowStatus(cli('http-show-status.txt'))!;
    expect(s.enabled).toBe(true);
    expect(s.bound).toEqual({ address: '127.0.0.1', port: 8088 });
    expect(s.tlsEnabled).toBe(true);
    expect(s.tlsBound).toEqual({ address: '127.0.0.1', port: 8089 });
    expect(s.uris).toContain('/ari/...');
    expect(s.uris).toContain('/ws');
    expect(isLoopback(s.bound!.address)).toBe(true);
  });

  it('ari show users / status', () => {
    expect(parseAriShowUsers(cli('ari-show-users.txt'))).toEqual([
      { username: 'aiagent', readOnly: false, acl: false },
      { username: 'readonly', readOnly: true, acl: false },
    ]);
    expect(parseAriShowStatus(cli('ari-show-status.txt'))).toEqual({ enabled: true, allowedOrigins: '*' });
  });

  it('dialplan show finds Stasis and AI_CONTEXT; a missing context does not exist', () => {
    const base = parseDialplanShow(cli('dialplan-show-from-ai-agent.txt'), 'from-ai-agent');
    expect(base.exists).toBe(true);
    expect(base.priorities.map((p) => p.app)).toEqual(['NoOp', 'Stasis', 'Hangup']);
    expect(hasStasis(base, 'asterisk-ai-voice-agent')).toBe(true);
    expect(hasStasis(base, 'other-app')).toBe(false);
    const custom = parseDialplanShow(cli('dialplan-show-from-ai-agent-custom.txt'), 'from-ai-agent-custom');
    expect(aiContextOf(custom)).toBe('demo');
    expect(custom.priorities[3]).toMatchObject({ priority: 4, app: 'Stasis', source: 'extensions.conf:56' });
    const caller = parseDialplanShow(cli('dialplan-show-test-caller.txt'), 'test-caller');
    expect(hasStasis(caller, 'asterisk-ai-voice-agent')).toBe(false);
    expect(parseDialplanShow(cli('dialplan-show-nonexistent-context.txt'), 'no-such-context').exists).toBe(false);
  });

  it('pjsip show transports includes the wss transport', () => {
    const t = parsePjsipShowTransports(cli('pjsip-show-transports.txt'));
    expect(t.map((x) => x.type)).toEqual(['tcp', 'udp', 'ws', 'wss']);
    expect(t[3]).toEqual({ id: 'transport-wss', type: 'wss', cos: 0, tos: 0, bind: '127.0.0.1:5060' });
  });

  it('an unknown CLI command is recognised', () => {
    expect(noSuchCommand(cli('nonexistent-cli-command.txt'))).toBe(true);
    expect(noSuchCommand(cli('core-show-version.txt'))).toBe(false);
  });
});

describe('variants written here', () => {
  const header = 'Module                         Description                              Use Count  Status      Support Level';
  it('a Not Running module is present but not running', () => {
    const t = parseModuleShow(`${header}\nres_ari_recordings.so          RESTful API module - Recording resources 0          Not Running          core\n1 modules loaded\n`);
    expect(t.rows[0]!.status).toBe('Not Running');
    expect(moduleState(t, 'res_ari_recordings')).toBe('not_running');
  });
  it('the guide-style table with other column widths parses', () => {
    const t = parseModuleShow('Module Description Use Count Status Support Level\napp_audiosocket.so             AudioSocket Application                    20         Running  extended\n1 modules loaded');
    expect(moduleState(t, 'app_audiosocket')).toBe('running');
    expect(t.rows[0]!.useCount).toBe(20);
  });
  it('0 modules loaded', () => {
    expect(parseModuleShow(`${header}\n0 modules loaded\n`)).toEqual({ rows: [], loadedCount: 0 });
  });
  it('old version, not running, FreePBX', () => {
    expect(parseCoreShowVersion('Asterisk 16.25.0 built by mockbuild @ jenkins on a x86_64 running Linux on 2022-01-01 00:00:00 UTC')?.major).toBe(16);
    expect(parseCoreShowVersion('Asterisk certified/18.9-cert5 built by x')).toMatchObject({ major: 18, minor: 9 });
    expect(asteriskNotRunning('Unable to connect to remote asterisk (does /var/run/asterisk/asterisk.ctl exist?)')).toBe(true);
    expect(parseCoreShowVersion('Unable to connect to remote asterisk')).toBeUndefined();
    expect(parseFwconsoleVersion('FreePBX 16.0.41.1\n')).toBe('16.0.41.1');
    expect(parseFwconsoleVersion('bash: fwconsole: command not found')).toBeUndefined();
  });
  it('wrong bindaddr, disabled, IPv6', () => {
    const s = parseHttpShowStatus('HTTP Server Status:\nPrefix: \nServer: Asterisk\nServer Enabled and Bound to [::]:8088\n\nEnabled URI\'s:\n/ari/... => Asterisk RESTful API\n')!;
    expect(s.bound).toEqual({ address: '::', port: 8088 });
    expect(s.tlsEnabled).toBe(false);
    const off = parseHttpShowStatus('HTTP Server Status:\nPrefix: \nServer Disabled\n\n')!;
    expect(off.enabled).toBe(false);
    expect(parseHttpShowStatus('No such command')).toBeUndefined();
  });
});
