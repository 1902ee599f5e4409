import { AudioSocketParser, type AudioSocketMessage } from '../../engine/src/media/audiosocket/framing.js';
import { hasFixtures, noticeIfMissing, readFixture, readFixtureJson } from '../support/shared-fixtures.js';

noticeIfMissing();

interface Arrival {
  frames: Array<[number, number, number]>;
}

const TYPE_OF: Record<AudioSocketMessage['type'], number> = { uuid: 0x01, dtmf: 0x03, hangup: 0x00, error: 0xff, audio: 0 };

function typeCode(m: AudioSocketMessage): number {
  if (m.type === 'audio') return m.sampleRate === 16000 ? 0x12 : 0x10;
  return TYPE_OF[m.type];
}

function lengthOf(m: AudioSocketMessage): number {
  switch (m.type) {
    case 'uuid':
      return 16;
    case 'dtmf':
      return 1;
    case 'audio':
      return m.payload.length;
    case 'hangup':
      return 0;
    case 'error':
      return m.payload.length;
  }
}

/** Feeds `buf` in pieces whose sizes cycle through `sizes`. */
function parseInPieces(buf: Buffer, sizes: number[]): AudioSocketMessage[] {
  const p = new AudioSocketParser();
  const out: AudioSocketMessage[] = [];
  let i = 0;
  let k = 0;
  while (i < buf.length) {
    const n = sizes[k++ % sizes.length]!;
    const err = p.push(buf.subarray(i, i + n), (m) => out.push(m.type === 'audio' ? { ...m, payload: Buffer.from(m.payload) } : m));
    if (err) throw err;
    i += n;
  }
  expect(p.pendingBytes).toBe(0);
  return out;
}

const captures = [
  { name: 'externalmedia-slin', uuid: 'c846a027-e20e-473f-a3c7-7de13fe44f21', audio: 1199, dtmf: [] as string[], rate: 8000 },
  { name: 'externalmedia-slin16-dtmf', uuid: 'ea26f39c-1402-408b-9175-cbce317e881a', audio: 382, dtmf: ['1', '2', '#'], rate: 16000 },
  { name: 'dialplan-app-slin-dtmf', uuid: '87d730f0-5397-4e22-943b-700faa37ea41', audio: 382, dtmf: ['1', '2', '#'], rate: 8000 },
  { name: 'dialplan-app-idle-timeout', uuid: '2ae5f7c8-ea4e-49ed-a11b-00212185e763', audio: 0, dtmf: [] as string[], rate: 8000 },
];

describe.skipIf(!hasFixtures)('AudioSocket parser on byte streams captured from Asterisk 22', () => {
  for (const c of captures) {
    it(`${c.name}.bin: every frame, in order, matches the capture's arrival log`, () => {
      const bin = readFixture('audiosocket', `${c.name}.bin`);
      const msgs = new AudioSocketParser().parseAll(bin);
      expect(msgs[0]).toEqual({ type: 'uuid', uuid: c.uuid });
      const audio = msgs.filter((m) => m.type === 'audio');
      expect(audio).toHaveLength(c.audio);
      for (const a of audio) expect(a.type === 'audio' && a.sampleRate).toBe(c.rate);
      expect(msgs.filter((m) => m.type === 'dtmf').map((m) => (m.type === 'dtmf' ? m.digit : ''))).toEqual(c.dtmf);
      // Asterisk never sends 0x00 or 0xff: the stream just ends.
      expect(msgs.some((m) => m.type === 'hangup' || m.type === 'error')).toBe(false);
      if (c.name !== 'dialplan-app-idle-timeout') {
        const arrival = readFixtureJson<Arrival>('audiosocket', `${c.name}.arrival.json`);
        expect(msgs.map((m) => [typeCode(m), lengthOf(m)])).toEqual(arrival.frames.map((f) => [f[1], f[2]]));
      }
    });
  }

  it('gives the same messages whether the capture arrives byte by byte, in odd pieces or whole', () => {
    const bin = readFixture('audiosocket', 'externalmedia-slin16-dtmf.bin');
    const whole = new AudioSocketParser().parseAll(bin).map((m) => (m.type === 'audio' ? { ...m, payload: Buffer.from(m.payload) } : m));
    expect(parseInPieces(bin, [1])).toEqual(whole);
    expect(parseInPieces(bin, [2, 7, 641, 3, 1300, 5])).toEqual(whole);
    expect(parseInPieces(bin, [4096])).toEqual(whole);
  });

  it('short end-of-prompt frames (24 and 236 bytes) come through intact', () => {
    const msgs = new AudioSocketParser().parseAll(readFixture('audiosocket', 'dialplan-app-slin-dtmf.bin'));
    const lengths = msgs.flatMap((m) => (m.type === 'audio' && m.payload.length !== 320 ? [m.payload.length] : []));
    expect(lengths).toEqual([24, 236]);
  });
});
