import { conversationStats } from '../../engine/src/analysis/conversation-stats.js';
import { callSentiment, textSentiment, labelOf } from '../../engine/src/analysis/lexicon-sentiment.js';
import { splitChannels, resamplePcm16 } from '../../engine/src/analysis/pcm.js';
import { verifyDownload, asJsonError } from '../../engine/src/recordings/verify-download.js';
import { diagnose } from '../../engine/src/recordings/diagnosis.js';
import { normalizeFingerprint } from '../../engine/src/recordings/ari-recordings-client.js';
import { encodeWav, wavHeader } from '../../engine/src/media/wav.js';
import { hasFixtures, readFixture } from '../support/shared-fixtures.js';

describe('conversation stats', () => {
  it('talk ratio, silence share, longest monologue and interruptions of a known timeline', () => {
    const s = conversationStats(
      [
        { speaker: 'A', startSec: 0, endSec: 4 },
        { speaker: 'A', startSec: 5, endSec: 8 }, // 1 s pause: still A's monologue (0–8)
        { speaker: 'B', startSec: 7.5, endSec: 10 }, // starts 0.5 s before A ends: interruption
        { speaker: 'A', startSec: 12, endSec: 13 },
        { speaker: 'B', startSec: 12.9, endSec: 14 }, // 0.1 s overlap: not an interruption
      ],
      20,
    );
    expect(s.talkRatio.A).toBeCloseTo(8 / 11.6, 3);
    expect(s.talkRatio.B).toBeCloseTo(3.6 / 11.6, 3);
    // speech union: 0–4, 5–10, 12–14 = 11 s of 20
    expect(s.silenceShare).toBeCloseTo(0.45, 3);
    expect(s.longestMonologueSec).toBe(8);
    expect(s.interruptions).toBe(1);
  });

  it('handles no speech and a backchannel inside a monologue', () => {
    expect(conversationStats([], 10)).toEqual({ talkRatio: {}, silenceShare: 1, longestMonologueSec: 0, interruptions: 0 });
    const s = conversationStats(
      [
        { speaker: 'A', startSec: 0, endSec: 10 },
        { speaker: 'B', startSec: 3, endSec: 3.5 },
        { speaker: 'A', startSec: 10.5, endSec: 14 },
      ],
      14,
    );
    expect(s.longestMonologueSec).toBe(14);
    expect(s.interruptions).toBe(1);
  });
});

describe('lexicon sentiment', () => {
  it('scores segments and the call, with the words as reasons', () => {
    expect(textSentiment('thank you, that was great').score).toBeGreaterThan(0);
    expect(textSentiment('this is terrible and I am angry').score).toBeLessThan(0);
    const call = callSentiment(['the service is terrible', 'I am angry', 'ok']);
    expect(call.label).toBe('negative');
    expect(call.reasons.join(' ')).toMatch(/terrible/);
    expect(callSentiment([]).label).toBe('neutral');
    expect(labelOf(0.01)).toBe('neutral');
  });
});

describe('PCM helpers', () => {
  it('splits interleaved stereo and resamples 8 → 16 kHz keeping the duration', () => {
    const st = Buffer.alloc(8);
    [1, -1, 2, -2].forEach((v, i) => st.writeInt16LE(v, i * 2));
    const [l, r] = splitChannels(st, 2);
    expect([l!.readInt16LE(0), l!.readInt16LE(2), r!.readInt16LE(0), r!.readInt16LE(2)]).toEqual([1, 2, -1, -2]);
    const up = resamplePcm16(Buffer.alloc(1600), 8000, 16000);
    expect(up.length).toBe(3200);
  });
});

describe('download verification', () => {
  const pcm = (n: number) => encodeWav(Buffer.alloc(n), 8000);
  it('accepts a PCM WAV and reads it', () => {
    const v = verifyDownload(pcm(1600), 1644, 'wav');
    expect(v).toMatchObject({ ok: true, kind: 'wav', analyzable: true });
  });
  it('never takes the 33-byte JSON error for audio, whatever the status', () => {
    const body = Buffer.from('{"message":"Recording not found"}');
    expect(body.length).toBe(33);
    expect(verifyDownload(body, 33, 'wav')).toMatchObject({ ok: false, code: 'json_error', serverMessage: 'Recording not found' });
    expect(asJsonError(Buffer.from('{\n  "message": "Recording not found"\n}'))).toEqual({ serverMessage: 'Recording not found' });
  });
  it('rejects truncated and non-WAV bodies with the reason', () => {
    expect(verifyDownload(Buffer.alloc(0), 0, 'wav')).toMatchObject({ ok: false, code: 'empty' });
    expect(verifyDownload(Buffer.from('<html>'), 6, 'wav')).toMatchObject({ ok: false, code: 'too_small' });
    expect(verifyDownload(Buffer.alloc(100, 0x41), 100, 'wav')).toMatchObject({ ok: false, code: 'bad_wav' });
    const head = Buffer.concat([wavHeader({ sampleRate: 8000, dataBytes: 16000 }), Buffer.alloc(100)]);
    expect(verifyDownload(head, head.length, 'wav')).toMatchObject({ ok: false, code: 'length_mismatch' });
  });
  it('keeps GSM and µ-law files but marks them unsupported for analysis', () => {
    expect(verifyDownload(Buffer.alloc(3300, 0xd9), 3300, 'gsm')).toMatchObject({ ok: true, analyzable: false });
    const ulawWav = Buffer.concat([wavHeader({ sampleRate: 8000, bitsPerSample: 8, audioFormat: 7, dataBytes: 800 }), Buffer.alloc(800, 0xff)]);
    const v = verifyDownload(ulawWav, ulawWav.length, 'wav');
    expect(v).toMatchObject({ ok: true, kind: 'wav', analyzable: false });
    expect(v.ok && v.unsupportedReason).toMatch(/not supported for analysis/);
  });
  it.skipIf(!hasFixtures)('accepts the real MixMonitor download byte for byte', () => {
    const wav = readFixture('ari', 'recordings', 'sample-recording.wav');
    const v = verifyDownload(wav.subarray(0, 65536), wav.length, 'wav');
    expect(v.ok && v.kind === 'wav' && v.info.durationSec).toBeCloseTo(16.0, 3);
  });
});

describe('diagnosis mapping', () => {
  const base = { host: 'pbx', port: 8089, tls: true };
  it('maps TLS failures to the right cause', () => {
    expect(diagnose({ ...base, networkError: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, certificateFingerprint: 'AA:BB' })).toMatchObject({ cause: 'tls_untrusted', certificateFingerprint: 'AA:BB' });
    expect(diagnose({ ...base, networkError: { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" } })).toMatchObject({ cause: 'tls' });
    expect(diagnose({ ...base, networkError: { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' } })).toMatchObject({ cause: 'tls' });
    expect(diagnose({ ...base, pinMismatch: { pinned: 'AA', presented: 'BB' } })).toMatchObject({ cause: 'tls_changed', certificateFingerprint: 'BB' });
  });
  it('a 403 says a read-only user is fine for sync', () => {
    const d = diagnose({ ...base, listing: { status: 403, body: '{"message":"Write access denied"}' } });
    expect(d).toMatchObject({ ok: false, cause: 'forbidden' });
    expect(d.message).toMatch(/read_only = yes.*fine/);
  });
  it('a non-ARI 404 points at res_ari and the port', () => {
    expect(diagnose({ ...base, listing: { status: 404, body: '<html>Not Found</html>' } }).fix).toMatch(/res_ari\.so/);
  });
});

describe('certificate fingerprints', () => {
  it('accept the spellings admins paste', () => {
    const want = 'AB:01:FF:10';
    expect(normalizeFingerprint('ab:01:ff:10')).toBe(want);
    expect(normalizeFingerprint('AB01FF10')).toBe(want);
    expect(normalizeFingerprint('sha256 Fingerprint=AB:01:FF:10')).toBe(want);
    expect(normalizeFingerprint('SHA256 Fingerprint=ab:01:ff:10\n')).toBe(want);
  });
});
