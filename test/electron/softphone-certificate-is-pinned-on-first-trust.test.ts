import { describe, it, expect } from 'vitest';
import { decideCertificate, createCertificateErrorHandler, hostPortOf } from '../../electron/certificate-trust.js';
import { parsePrefs } from '../../electron/prefs.js';

const PBX = 'wss://pbx.example.com:8089/ws';
const FP = 'sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const OTHER = 'sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=';

describe('softphone certificate trust', () => {
  it('only the softphone server may be trusted, and only its pinned certificate', () => {
    expect(hostPortOf('wss://PBX.example.com/ws')).toBe('pbx.example.com:443');
    expect(decideCertificate('https://evil.example.net/', FP, [PBX], {})).toEqual({ action: 'reject', reason: 'not_softphone' });
    expect(decideCertificate('wss://pbx.example.com:8089/ws', FP, [PBX], {})).toEqual({ action: 'ask', hostPort: 'pbx.example.com:8089' });
    expect(decideCertificate('https://pbx.example.com:8089/httpstatus', FP, [PBX], { 'pbx.example.com:8089': FP })).toEqual({ action: 'trust' });
    expect(decideCertificate('wss://pbx.example.com:8089/ws', OTHER, [PBX], { 'pbx.example.com:8089': FP })).toEqual({ action: 'reject', reason: 'changed', hostPort: 'pbx.example.com:8089' });
    // Another port on the same host is another server.
    expect(decideCertificate('wss://pbx.example.com:443/ws', FP, [PBX], { 'pbx.example.com:8089': FP }).action).toBe('reject');
  });

  it('asks once, pins on accept, then trusts silently; a changed certificate is refused with a warning', async () => {
    const pinned: Record<string, string> = {};
    const asked: string[] = [];
    const warnings: string[] = [];
    let answer = true;
    const handler = createCertificateErrorHandler({
      softphoneUrls: () => [PBX],
      pinned: () => pinned,
      pin: (h, f) => (pinned[h] = f),
      ask: async (h, f) => {
        asked.push(`${h} ${f}`);
        return answer;
      },
      warn: (_h, m) => warnings.push(m),
    });
    const call = (url: string, fingerprint: string) =>
      new Promise<{ trusted: boolean; prevented: boolean }>((resolve) => {
        let prevented = false;
        handler({ preventDefault: () => (prevented = true) }, {}, url, 'net::ERR_CERT_AUTHORITY_INVALID', { fingerprint }, (trusted) => resolve({ trusted, prevented }));
      });

    answer = false;
    expect(await call(PBX, FP)).toEqual({ trusted: false, prevented: true });
    expect(pinned).toEqual({});
    answer = true;
    const [a, b] = await Promise.all([call(PBX, FP), call(PBX, FP)]);
    expect(a.trusted && b.trusted).toBe(true);
    expect(asked).toHaveLength(2); // the declined prompt, then one shared prompt for two concurrent errors
    expect(pinned).toEqual({ 'pbx.example.com:8089': FP });
    expect(await call(PBX, FP)).toEqual({ trusted: true, prevented: true });
    expect(asked).toHaveLength(2);
    expect(await call(PBX, OTHER)).toEqual({ trusted: false, prevented: false });
    expect(warnings[0]).toContain('changed since you trusted it');
    expect(await call('https://elsewhere.example.org/', FP)).toEqual({ trusted: false, prevented: false });
  });

  it('pins survive the prefs file round trip and junk is ignored', () => {
    const p = parsePrefs({ trustedCertificates: { 'pbx:8089': FP, bad: 42 } }, 'linux');
    expect(p.trustedCertificates).toEqual({ 'pbx:8089': FP });
  });
});
