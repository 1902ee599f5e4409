import { describe, it, expect } from 'vitest';
import { AsteriskConf } from '../../engine/src/doctor/asterisk-conf.js';
import { buildHttpCustom, buildAriUser, buildExtensionsCustom } from '../../engine/src/doctor/conf-edits.js';
import { unifiedDiff, redactSecrets } from '../../engine/src/doctor/unified-diff.js';

describe('AsteriskConf', () => {
  const text = '; top comment\n[general]\nenabled=yes ; inline\nbindaddr = 127.0.0.1 ; keep me\n\n;-- block\n[notasection]\n--;\n#include http_extra.conf\n[other](!)\nfoo => bar\n';
  it('reads sections, values, block comments and templates', () => {
    const c = new AsteriskConf(text);
    expect(c.sections.map((s) => [s.name, s.options])).toEqual([['general', ''], ['other', '(!)']]);
    expect(c.get('general', 'bindaddr')).toBe('127.0.0.1');
    expect(c.get('other', 'foo')).toBe('bar');
    expect(c.toString()).toBe(text);
  });
  it('set() changes one value and keeps the inline comment', () => {
    const c = new AsteriskConf(text);
    c.set('general', 'bindaddr', '0.0.0.0');
    expect(c.toString()).toBe(text.replace('bindaddr = 127.0.0.1 ; keep me', 'bindaddr = 0.0.0.0 ; keep me'));
    c.set('general', 'tlsenable', 'yes');
    expect(c.toString()).toContain('bindaddr = 0.0.0.0 ; keep me\ntlsenable = yes\n');
  });
});

describe('builders', () => {
  it('http_custom.conf: created, then unchanged on a second pass', () => {
    const first = buildHttpCustom(undefined, '0.0.0.0');
    expect(first).toContain('[general]\n');
    expect(new AsteriskConf(first).get('general', 'bindaddr')).toBe('0.0.0.0');
    expect(buildHttpCustom(first, '0.0.0.0')).toBe(first);
    const existing = '; mine\n[general]\nbindaddr=127.0.0.1\n';
    const fixed = buildHttpCustom(existing, '0.0.0.0');
    expect(fixed.startsWith('; mine\n[general]\n')).toBe(true);
    expect(new AsteriskConf(fixed).get('general', 'bindaddr')).toBe('0.0.0.0');
  });
  it('ARI user block', () => {
    const out = buildAriUser('; FreePBX custom\n', { username: 'aiagent', password: 'pw123456', readOnly: false });
    const c = new AsteriskConf(out);
    expect(c.get('aiagent', 'type')).toBe('user');
    expect(c.get('aiagent', 'read_only')).toBe('no');
    expect(c.get('aiagent', 'password_format')).toBe('plain');
    expect(buildAriUser(out, { username: 'aiagent', password: 'pw123456', readOnly: false })).toBe(out);
  });
  it('extensions_custom.conf: adds contexts with AI_CONTEXT before Stasis, keeps working ones, fixes broken ones', () => {
    const existing = '[from-internal-custom]\nexten => 1234,1,Playback(hello-world)\n\n[from-ai-agent-sales]\nexten => s,1,NoOp(broken)\n same => n,Hangup()\n';
    const out = buildExtensionsCustom(existing, 'asterisk-ai-voice-agent', ['sales', 'support']);
    const c = new AsteriskConf(out);
    expect(c.sections.map((s) => s.name)).toEqual(['from-internal-custom', 'from-ai-agent-sales', 'from-ai-agent', 'from-ai-agent-support']);
    const support = c.bodyLines('from-ai-agent-support')!.join('\n');
    expect(support.indexOf('Set(AI_CONTEXT=support)')).toBeGreaterThan(0);
    expect(support.indexOf('Set(AI_CONTEXT=support)')).toBeLessThan(support.indexOf('Stasis(asterisk-ai-voice-agent)'));
    expect(c.bodyLines('from-ai-agent-sales')!.join('\n')).toContain('Stasis(asterisk-ai-voice-agent)');
    expect(out.startsWith('[from-internal-custom]\nexten => 1234,1,Playback(hello-world)\n')).toBe(true);
    expect(buildExtensionsCustom(out, 'asterisk-ai-voice-agent', ['sales', 'support'])).toBe(out);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts and shows hunks with context', () => {
    expect(unifiedDiff('a\n', 'a\n', '/x')).toBe('');
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
    const after = before.replace('l2\n', 'L2\n').replace('l17\n', 'l17\nnew\n');
    const d = unifiedDiff(before, after, '/etc/asterisk/x.conf');
    expect(d).toBe(
      ['--- a/etc/asterisk/x.conf', '+++ b/etc/asterisk/x.conf', '@@ -1,6 +1,6 @@', ' l0', ' l1', '-l2', '+L2', ' l3', ' l4', ' l5', '@@ -16,5 +16,6 @@', ' l15', ' l16', ' l17', '+new', ' l18', ' l19', ''].join('\n'),
    );
  });
  it('a new file diffs from /dev/null; secrets are masked', () => {
    const d = unifiedDiff('', '[u]\npassword = s3cret-pw\n', '/etc/asterisk/ari.conf', { created: true });
    expect(d.split('\n').slice(0, 3)).toEqual(['--- /dev/null', '+++ b/etc/asterisk/ari.conf', '@@ -0,0 +1,2 @@']);
    expect(redactSecrets(d, ['s3cret-pw'])).not.toContain('s3cret-pw');
  });
});
