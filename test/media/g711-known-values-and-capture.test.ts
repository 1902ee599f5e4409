import {
  ALAW_DECODE,
  ULAW_DECODE,
  alawToLinear,
  alawToPcm16,
  linearToAlaw,
  linearToUlaw,
  pcm16ToAlaw,
  pcm16ToUlaw,
  ulawToLinear,
  ulawToPcm16,
} from '../../engine/src/media/codecs/g711.js';
import { rms, sine, strongestTone } from '../../engine/src/media/signal.js';
import { hasFixtures, noticeIfMissing, readFixture } from '../support/shared-fixtures.js';

noticeIfMissing();

describe('G.711 tables', () => {
  it('µ-law known values (ITU-T G.711)', () => {
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x7f)).toBe(0);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0xfe)).toBe(8);
    expect(ulawToLinear(0x7e)).toBe(-8);
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(linearToUlaw(8)).toBe(0xfe);
    expect(linearToUlaw(-8)).toBe(0x7e);
  });

  it('A-law known values (ITU-T G.711)', () => {
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
  });

  it('decode then encode is the identity for every code (except µ-law negative zero)', () => {
    for (let c = 0; c < 256; c++) {
      if (c !== 0x7f) expect(linearToUlaw(ULAW_DECODE[c]!)).toBe(c);
      expect(linearToAlaw(ALAW_DECODE[c]!)).toBe(c);
    }
  });

  it('decode tables are monotonic in magnitude and encode error stays within the segment step', () => {
    for (let s = -32768; s < 32768; s += 13) {
      const u = ulawToLinear(linearToUlaw(s));
      const a = alawToLinear(linearToAlaw(s));
      // Quantisation error is at most half a step; the largest step (top segment) is 1024 for µ-law and A-law.
      expect(Math.abs(u - Math.max(-32124, Math.min(32124, s)))).toBeLessThanOrEqual(1024);
      expect(Math.abs(a - s)).toBeLessThanOrEqual(1024);
    }
  });

  it('buffer helpers round-trip a tone with SNR above 30 dB', () => {
    const pcm = sine({ freqHz: 1000, sampleRate: 8000, ms: 100, amplitude: 12000 });
    for (const [enc, dec] of [
      [pcm16ToUlaw, ulawToPcm16],
      [pcm16ToAlaw, alawToPcm16],
    ] as const) {
      const codes = enc(pcm);
      expect(codes.length).toBe(pcm.length / 2);
      const back = dec(codes);
      const err = Buffer.alloc(back.length);
      for (let i = 0; i < back.length; i += 2) err.writeInt16LE(back.readInt16LE(i) - pcm.readInt16LE(i), i);
      expect(20 * Math.log10(rms(pcm) / rms(err))).toBeGreaterThan(30);
    }
  });

  it('µ-law encode of an odd-offset buffer works (no alignment assumption)', () => {
    const pcm = sine({ freqHz: 500, sampleRate: 8000, ms: 20 });
    const odd = Buffer.alloc(pcm.length + 1);
    pcm.copy(odd, 1);
    expect(pcm16ToUlaw(odd.subarray(1))).toEqual(pcm16ToUlaw(pcm));
  });
});

describe.skipIf(!hasFixtures)('G.711 against the RTP capture from Asterisk 22', () => {
  const payloads: Buffer[] = [];
  beforeAll(() => {
    const bin = readFixture('rtp', 'rtp-ulaw-from-asterisk.bin');
    for (let i = 0; i < bin.length; ) {
      const n = bin.readUInt16BE(i);
      payloads.push(bin.subarray(i + 2 + 12, i + 2 + n));
      i += 2 + n;
    }
  });

  it('silence at the start decodes to digital zero and the prompt decodes to speech-level audio', () => {
    expect(payloads).toHaveLength(1202);
    expect(rms(ulawToPcm16(payloads[0]!))).toBe(0);
    const speech = ulawToPcm16(Buffer.concat(payloads.slice(100, 300)));
    expect(rms(speech)).toBeGreaterThan(300);
    expect(rms(speech)).toBeLessThan(20000);
  });

  it('re-encoding the decoded capture gives back the same bytes (ignoring negative zero)', () => {
    const all = Buffer.concat(payloads);
    const back = pcm16ToUlaw(ulawToPcm16(all));
    let diff = 0;
    for (let i = 0; i < all.length; i++) if (all[i] !== back[i] && all[i] !== 0x7f) diff++;
    expect(diff).toBe(0);
  });

  it('the decoded prompt is voiced audio, not a tone (sanity for the decoder sign/scale)', () => {
    const speech = ulawToPcm16(Buffer.concat(payloads.slice(100, 300)));
    const t = strongestTone(speech, 8000, [300, 1000, 3000]);
    expect(t.amplitude).toBeLessThan(rms(speech) * 2);
  });
});
