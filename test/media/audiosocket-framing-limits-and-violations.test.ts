import {
  AS_MAX_PAYLOAD_BYTES,
  AudioSocketParser,
  AudioSocketProtocolError,
  bytesToUuid,
  encodeAudio,
  encodeDtmf,
  encodeError,
  encodeFrame,
  encodeFrameInto,
  encodeHangup,
  encodeUuid,
  uuidToBytes,
  type AudioSocketMessage,
} from '../../engine/src/media/audiosocket/framing.js';

const UUID = 'c846a027-e20e-473f-a3c7-7de13fe44f21';
const UUID_HEX = '010010c846a027e20e473fa3c77de13fe44f21';
const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

function violationOf(input: Buffer, opts?: ConstructorParameters<typeof AudioSocketParser>[0]): { err: AudioSocketProtocolError | undefined; msgs: AudioSocketMessage[] } {
  const p = new AudioSocketParser(opts);
  const msgs: AudioSocketMessage[] = [];
  const err = p.push(input, (m) => msgs.push(m));
  return { err, msgs };
}

describe('AudioSocket frames from hex', () => {
  it('decodes UUID, DTMF, slin, slin16, hangup and error frames', () => {
    const msgs = new AudioSocketParser().parseAll(hex(`${UUID_HEX} 030001 31 100004 0100ffff 120002 0200 ff0001 02 000000`));
    expect(msgs).toEqual([
      { type: 'uuid', uuid: UUID },
      { type: 'dtmf', digit: '1' },
      { type: 'audio', sampleRate: 8000, payload: hex('0100ffff') },
      { type: 'audio', sampleRate: 16000, payload: hex('0200') },
      { type: 'error', code: 2, payload: hex('02') },
      { type: 'hangup' },
    ]);
  });

  it('encoders produce exactly the documented bytes', () => {
    expect(encodeUuid(UUID).toString('hex')).toBe(UUID_HEX);
    expect(encodeDtmf('#').toString('hex')).toBe('03000123');
    expect(encodeHangup().toString('hex')).toBe('000000');
    expect(encodeError(0x10).toString('hex')).toBe('ff000110');
    expect(encodeError().toString('hex')).toBe('ff0000');
    expect(encodeAudio(hex('0102'), 8000).toString('hex')).toBe('1000020102');
    expect(encodeAudio(Buffer.alloc(640), 16000).subarray(0, 3).toString('hex')).toBe('120280');
    expect(bytesToUuid(uuidToBytes(UUID))).toBe(UUID);
    expect(() => uuidToBytes('not-a-uuid')).toThrow(/not a UUID/);
    expect(() => encodeDtmf('x')).toThrow(/not a DTMF digit/);
  });

  it('a frame encoded into a reused buffer is the same bytes as a fresh one, frame after frame', () => {
    const out = Buffer.alloc(3 + 320);
    const a = Buffer.alloc(320, 0x11);
    const b = Buffer.alloc(320, 0x22);
    expect(encodeFrameInto(out, 0x10, a).equals(encodeFrame(0x10, a))).toBe(true);
    expect(encodeFrameInto(out, 0x10, b)).toBe(out);
    expect(out.equals(encodeFrame(0x10, b))).toBe(true);
    expect(new AudioSocketParser({ requireUuidFirst: false }).parseAll(out)).toEqual([{ type: 'audio', sampleRate: 8000, payload: b }]);
    expect(() => encodeFrameInto(out, 0x10, Buffer.alloc(318))).toThrow(RangeError);
  });

  it('one message split over many writes (every byte separately) is delivered once, whole', () => {
    const frame = encodeAudio(Buffer.from(Array.from({ length: 640 }, (_, i) => i & 0xff)), 16000);
    const p = new AudioSocketParser();
    const got: AudioSocketMessage[] = [];
    p.push(encodeUuid(UUID), (m) => got.push(m));
    for (let i = 0; i < frame.length; i++) {
      expect(p.push(frame.subarray(i, i + 1), (m) => got.push(m))).toBeUndefined();
      if (i < frame.length - 1) expect(got).toHaveLength(1);
    }
    expect(got).toHaveLength(2);
    const a = got[1]!;
    expect(a.type === 'audio' && a.payload.equals(frame.subarray(3))).toBe(true);
  });

  it('thousands of frames coalesced into one read all come out in order', () => {
    const n = 5000;
    const parts = [encodeUuid(UUID)];
    for (let i = 0; i < n; i++) {
      const pcm = Buffer.alloc(320);
      pcm.writeUInt32LE(i, 0);
      parts.push(encodeAudio(pcm));
      if (i % 1000 === 999) parts.push(encodeDtmf('9'));
    }
    const msgs = new AudioSocketParser().parseAll(Buffer.concat(parts));
    const audio = msgs.filter((m) => m.type === 'audio');
    expect(audio).toHaveLength(n);
    audio.forEach((m, i) => expect(m.type === 'audio' && m.payload.readUInt32LE(0)).toBe(i));
    expect(msgs.filter((m) => m.type === 'dtmf')).toHaveLength(5);
  });

  it('a header split across reads (1 + 2 bytes) is reassembled', () => {
    const p = new AudioSocketParser();
    const got: AudioSocketMessage[] = [];
    const all = Buffer.concat([encodeUuid(UUID), encodeDtmf('5')]);
    p.push(all.subarray(0, 1), (m) => got.push(m));
    p.push(all.subarray(1, 20), (m) => got.push(m));
    p.push(all.subarray(20), (m) => got.push(m));
    expect(got).toEqual([{ type: 'uuid', uuid: UUID }, { type: 'dtmf', digit: '5' }]);
  });
});

describe('AudioSocket limits and violations (one each)', () => {
  it('payload over the configured limit is refused before it is buffered', () => {
    const { err } = violationOf(Buffer.concat([encodeUuid(UUID), hex('10 1002')]), { maxPayloadBytes: 4096 });
    expect(err?.violation).toBe('payload_too_large');
    expect(err?.message).toMatch(/4098-byte payload \(limit 4096\)/);
    expect(err?.streamOffset).toBe(19);
  });

  it('the default limit is the 16-bit maximum (< 64 KiB) and a 65535-byte frame is accepted', () => {
    expect(AS_MAX_PAYLOAD_BYTES).toBeLessThan(64 * 1024);
    const big = encodeFrame(0x10, Buffer.alloc(65534));
    const { err, msgs } = violationOf(Buffer.concat([encodeUuid(UUID), big]));
    expect(err).toBeUndefined();
    expect(msgs).toHaveLength(2);
    expect(() => encodeFrame(0x10, Buffer.alloc(65536))).toThrow(RangeError);
  });

  it('a frame before the UUID is a violation', () => {
    expect(violationOf(hex('100002 0000')).err?.violation).toBe('uuid_not_first');
  });

  it('requireUuidFirst:false accepts audio first (for a client-side parser)', () => {
    expect(violationOf(hex('100002 0000'), { requireUuidFirst: false }).err).toBeUndefined();
  });

  it('a UUID frame of the wrong length is a violation', () => {
    expect(violationOf(hex('01000f 000102030405060708090a0b0c0d0e')).err?.violation).toBe('bad_uuid_length');
  });

  it('a second UUID frame is a violation', () => {
    expect(violationOf(hex(UUID_HEX + UUID_HEX)).err?.violation).toBe('duplicate_uuid');
  });

  it('a DTMF frame longer than one byte is a violation', () => {
    expect(violationOf(hex(`${UUID_HEX} 030002 3132`)).err?.violation).toBe('bad_dtmf');
  });

  it('a DTMF frame that is not a digit is a violation', () => {
    expect(violationOf(hex(`${UUID_HEX} 030001 7a`)).err?.violation).toBe('bad_dtmf');
  });

  it('an odd-length slin frame is a violation', () => {
    expect(violationOf(hex(`${UUID_HEX} 100003 000000`)).err?.violation).toBe('bad_audio_length');
  });

  it('an unknown type is a violation', () => {
    const { err, msgs } = violationOf(hex(`${UUID_HEX} 020000`));
    expect(err?.violation).toBe('unknown_type');
    expect(msgs).toHaveLength(1);
  });

  it('data after a hangup frame is a violation', () => {
    expect(violationOf(hex(`${UUID_HEX} 000000 030001 31`)).err?.violation).toBe('data_after_hangup');
  });

  it('after a violation the parser ignores further input and keeps reporting the same error', () => {
    const p = new AudioSocketParser();
    const first = p.push(hex('030001 31'), () => undefined);
    expect(first).toBeInstanceOf(AudioSocketProtocolError);
    const got: AudioSocketMessage[] = [];
    expect(p.push(encodeUuid(UUID), (m) => got.push(m))).toBe(first);
    expect(got).toEqual([]);
  });
});
