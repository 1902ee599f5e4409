import { encodeRtp, parseRtp, parseTelephoneEvent, type RtpParseError, seqDiff, telephoneEventDigit } from '../../engine/src/media/rtp/packet.js';
import { JitterBuffer, type JitterOut } from '../../engine/src/media/rtp/jitter-buffer.js';
import { hasFixtures, noticeIfMissing, readFixture } from '../support/shared-fixtures.js';

noticeIfMissing();

describe('RTP packets', () => {
  it('encode → parse round-trips the RFC 3550 fixed header', () => {
    const payload = Buffer.alloc(160, 0xff);
    const b = encodeRtp({ payloadType: 0, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0x0a1b2c3d, marker: true }, payload);
    expect(b.subarray(0, 12).toString('hex')).toBe('8080ffff' + 'fffffff0' + '0a1b2c3d');
    const p = parseRtp(b);
    expect(p).toMatchObject({ version: 2, marker: true, payloadType: 0, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0x0a1b2c3d, csrc: [] });
    expect(p.payload.equals(payload)).toBe(true);
  });

  it('skips CSRCs and a header extension, strips padding', () => {
    // V=2, P=1, X=1, CC=2: two CSRCs, a one-word extension, then the payload and 3 padding bytes.
    const hdr = Buffer.from('b2000001000000a00000000100000002' + '00000003' + 'beef0001aabbccdd', 'hex');
    const pkt = Buffer.concat([hdr, Buffer.from('0102030405', 'hex'), Buffer.from('000003', 'hex')]);
    const p = parseRtp(pkt);
    expect(p.csrc).toEqual([2, 3]);
    expect(p.payload.toString('hex')).toBe('0102030405');
  });

  it('rejects short, wrong-version, truncated-extension and bad-padding datagrams', () => {
    const code = (b: Buffer) => {
      try {
        parseRtp(b);
        return 'ok';
      } catch (e) {
        return (e as RtpParseError).code;
      }
    };
    expect(code(Buffer.alloc(11))).toBe('too_short');
    expect(code(Buffer.from('400000000000000000000000', 'hex'))).toBe('bad_version');
    expect(code(Buffer.from('900000000000000000000000', 'hex'))).toBe('bad_extension');
    expect(code(Buffer.from('83000000000000000000000000', 'hex'))).toBe('bad_csrc');
    expect(code(Buffer.from('a0000000000000000000000000ff', 'hex'))).toBe('bad_padding');
  });

  it('sequence arithmetic wraps at 16 bits', () => {
    expect(seqDiff(0, 65535)).toBe(1);
    expect(seqDiff(65535, 0)).toBe(-1);
    expect(seqDiff(100, 90)).toBe(10);
  });

  it('RFC 4733 telephone-event payloads', () => {
    const ev = parseTelephoneEvent(Buffer.from('0b8a0320', 'hex'));
    expect(ev).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
    expect(telephoneEventDigit(11)).toBe('#');
    expect(telephoneEventDigit(10)).toBe('*');
    expect(parseTelephoneEvent(Buffer.alloc(3))).toBeUndefined();
  });
});

describe.skipIf(!hasFixtures)('RTP stream captured from Asterisk 22 UnicastRTP', () => {
  it('parses all 1202 packets: PT 0, one SSRC, seq +1, ts(n) = ts(n-1) + len(n), no marker', () => {
    const bin = readFixture('rtp', 'rtp-ulaw-from-asterisk.bin');
    const pkts = [];
    for (let i = 0; i < bin.length; ) {
      const n = bin.readUInt16BE(i);
      pkts.push(parseRtp(bin.subarray(i + 2, i + 2 + n)));
      i += 2 + n;
    }
    expect(pkts).toHaveLength(1202);
    expect(new Set(pkts.map((p) => p.ssrc))).toEqual(new Set([0x171ddb4f]));
    expect(pkts.every((p) => p.payloadType === 0 && !p.marker && p.version === 2)).toBe(true);
    expect(pkts[0]!.sequence).toBe(53515);
    expect(pkts[0]!.timestamp).toBe(160);
    for (let i = 1; i < pkts.length; i++) {
      expect(seqDiff(pkts[i]!.sequence, pkts[i - 1]!.sequence)).toBe(1);
      expect(pkts[i]!.timestamp - pkts[i - 1]!.timestamp).toBe(pkts[i]!.payload.length);
    }
    const sizes = pkts.map((p) => p.payload.length).filter((n) => n !== 160);
    expect(sizes).toEqual([149, 136]);
    // Through the jitter buffer in order: everything comes out at once, nothing lost.
    const jb = new JitterBuffer({ maxDelayMs: 60 });
    let out = 0;
    pkts.forEach((p, i) => (out += jb.push(p.sequence, p.payload, i * 20).length));
    expect(out).toBe(1202);
    expect(jb.stats.lost).toBe(0);
  });
});

describe('jitter buffer (≤ 60 ms)', () => {
  const pl = (n: number) => Buffer.from([n & 0xff]);
  const seqs = (o: JitterOut[]) => o.map((x) => (x.lost ? `L${x.seq}` : x.seq));

  it('releases in-order packets immediately (no added delay)', () => {
    const jb = new JitterBuffer({ maxDelayMs: 40 });
    expect(seqs(jb.push(10, pl(10), 0))).toEqual([10]);
    expect(seqs(jb.push(11, pl(11), 20))).toEqual([11]);
    expect(jb.held).toBe(0);
  });

  it('puts reordered packets back in order when the missing one arrives within the window', () => {
    const jb = new JitterBuffer({ maxDelayMs: 40 });
    jb.push(1, pl(1), 0);
    expect(seqs(jb.push(3, pl(3), 40))).toEqual([]);
    expect(seqs(jb.push(2, pl(2), 45))).toEqual([2, 3]);
    expect(jb.stats).toMatchObject({ lost: 0, reordered: 1 });
  });

  it('declares a gap lost once the held packet waited maxDelayMs (poll) and fills it', () => {
    const jb = new JitterBuffer({ maxDelayMs: 40 });
    jb.push(1, pl(1), 0);
    jb.push(3, pl(3), 40);
    expect(jb.nextDeadline()).toBe(80);
    expect(seqs(jb.poll(79))).toEqual([]);
    expect(seqs(jb.poll(80))).toEqual(['L2', 3]);
    expect(jb.stats.lost).toBe(1);
    // The lost packet arriving late is dropped.
    expect(seqs(jb.push(2, pl(2), 90))).toEqual([]);
    expect(jb.stats.late).toBe(1);
  });

  it('never holds more than maxDelayMs of packets: an overfull buffer skips the gap at once', () => {
    const jb = new JitterBuffer({ maxDelayMs: 40 });
    jb.push(1, pl(1), 0);
    jb.push(4, pl(4), 20);
    jb.push(5, pl(5), 21);
    expect(seqs(jb.push(6, pl(6), 22))).toEqual(['L2', 'L3', 4, 5, 6]);
  });

  it('caps the fill for a long loss and drops duplicates', () => {
    const jb = new JitterBuffer({ maxDelayMs: 60 });
    jb.push(1, pl(1), 0);
    jb.push(20, pl(20), 10);
    expect(seqs(jb.poll(70))).toEqual(['L2', 'L3', 'L4', 20]);
    expect(jb.stats.lost).toBe(18);
    jb.push(20, pl(20), 80);
    expect(jb.stats.late).toBe(1);
    jb.push(22, pl(22), 81);
    jb.push(22, pl(22), 82);
    expect(jb.stats.duplicate).toBe(1);
  });

  it('handles sequence wrap-around and resynchronises on a huge jump', () => {
    const jb = new JitterBuffer({ maxDelayMs: 40 });
    expect(seqs(jb.push(65534, pl(1), 0))).toEqual([65534]);
    expect(seqs(jb.push(0, pl(3), 1))).toEqual([]);
    expect(seqs(jb.push(65535, pl(2), 2))).toEqual([65535, 0]);
    expect(seqs(jb.push(30000, pl(9), 3))).toEqual([30000]);
    expect(jb.stats.resyncs).toBe(1);
  });

  it('maxDelayMs 0 is pass-through: gaps are skipped immediately', () => {
    const jb = new JitterBuffer({ maxDelayMs: 0 });
    jb.push(1, pl(1), 0);
    expect(seqs(jb.push(3, pl(3), 1))).toEqual(['L2', 3]);
    expect(() => new JitterBuffer({ maxDelayMs: 61 })).toThrow(/outside 0–60 ms/);
  });
});
