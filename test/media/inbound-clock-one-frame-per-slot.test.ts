/**
 * The inbound clock of a leg, on a virtual media clock: one frame per 20 ms
 * slot whatever the PBX sends (nothing, late bursts, short frames), real
 * frames passed on at arrival, and the captures' real arrival times replayed.
 */
import { FrameScheduler } from '../../engine/src/media/pacer.js';
import { InboundClock, INBOUND_JITTER_MS } from '../../engine/src/media/inbound-clock.js';
import { hasFixtures, noticeIfMissing, readFixtureJson } from '../support/shared-fixtures.js';

noticeIfMissing();

interface Out {
  at: number;
  synthesized: boolean;
  bytes: number;
  first: number;
}

function rig(frameBytes = 320, silenceByte = 0) {
  let now = 0;
  const sched = new FrameScheduler({ manual: true, now: () => now, gridMs: 0 });
  const out: Out[] = [];
  let fills = 0;
  const clock = new InboundClock(sched, {
    frameBytes,
    silenceByte,
    deliver: (frame, at, synthesized) => out.push({ at, synthesized, bytes: frame.length, first: frame[0]! }),
    onFill: () => fills++,
  });
  /** Advances virtual time to `t`, running every wake-up the scheduler asks for on the way. */
  const advance = (t: number) => {
    for (;;) {
      const w = sched.nextWake();
      if (w > t) break;
      now = Math.max(now, w);
      sched.runDue(now);
    }
    now = t;
    sched.runDue(now);
  };
  return {
    clock,
    out,
    fills: () => fills,
    /** A frame arrives at `t`. */
    arrive(t: number, frame = Buffer.alloc(frameBytes, 1), gapFrames = 0) {
      advance(t);
      clock.arrive(frame, now, gapFrames);
    },
    advance,
  };
}

describe('inbound clock: one frame per 20 ms slot', () => {
  it('passes real frames on at arrival and synthesizes the slots of a quiet leg once they are overdue', () => {
    const r = rig();
    for (let k = 0; k < 5; k++) r.arrive(1000 + k * 20);
    expect(r.out.map((o) => o.at)).toEqual([1000, 1020, 1040, 1060, 1080]);
    r.advance(2000); // the caller went quiet: no frames at all
    const synth = r.out.filter((o) => o.synthesized);
    // Slot 5 was due at 1100 and is synthesized INBOUND_JITTER_MS later, then one per 20 ms.
    expect(synth[0]!.at).toBe(1100 + INBOUND_JITTER_MS);
    expect(synth.slice(1, 4).map((o) => o.at - synth[0]!.at)).toEqual([20, 40, 60]);
    expect(r.out).toHaveLength(Math.floor((2000 - INBOUND_JITTER_MS - 1000) / 20) + 1);
    expect(synth.every((o) => o.bytes === 320 && o.first === 0)).toBe(true);
    expect(r.fills()).toBe(synth.length);
  });

  it('started by the call (answer) before any frame, it fills from then on; µ-law silence is 0xFF', () => {
    const r = rig(160, 0xff);
    r.clock.start(500);
    r.advance(700);
    expect(r.out.map((o) => [o.at, o.first])).toEqual([
      [500 + 20 + INBOUND_JITTER_MS - 20, 0xff],
      [540 + 20, 0xff],
      [560 + 20, 0xff],
      [580 + 20, 0xff],
      [600 + 20, 0xff],
      [620 + 20, 0xff],
      [640 + 20, 0xff],
      [660 + 20, 0xff],
      [680 + 20, 0xff],
    ]);
  });

  it('a burst of late frames after synthesized slots is not counted twice: 50 frames per second of wall time', () => {
    const r = rig();
    for (let k = 0; k < 10; k++) r.arrive(k * 20);
    // 200 ms without frames, then all ten late frames in one read, then the stream goes on.
    const burstAt = 400;
    r.advance(burstAt);
    const before = r.out.length;
    for (let k = 0; k < 10; k++) r.clock.arrive(Buffer.alloc(320, 2), burstAt);
    // What is accepted of the burst is handed on inside arrive(), without waiting for a tick.
    expect(r.out.length - before).toBe(10 - r.clock.stats.dropped);
    for (let k = 1; k <= 20; k++) r.arrive(burstAt + k * 20);
    const end = burstAt + 20 * 20;
    // Every slot from 0 to `end` exactly once, give or take the 60 ms a late burst may run ahead.
    expect(Math.abs(r.out.length - (end / 20 + 1))).toBeLessThanOrEqual(3);
    expect(r.clock.stats.dropped).toBeGreaterThan(0);
    expect(r.clock.stats.dropped).toBeLessThanOrEqual(r.clock.stats.synthesized);
  });

  it('a late burst that fits before its slots are synthesized costs nothing', () => {
    const r = rig();
    for (let k = 0; k < 5; k++) r.arrive(k * 20);
    // 55 ms gap, then 3 frames in one read (the captures' bursts), then on time again.
    r.advance(135);
    for (let k = 0; k < 3; k++) r.clock.arrive(Buffer.alloc(320, 1), 135);
    for (let k = 8; k < 20; k++) r.arrive(k * 20);
    expect(r.clock.stats).toEqual({ real: 20, synthesized: 0, dropped: 0 });
  });

  it('pads a short last frame of a prompt with silence and splits a long one into slots', () => {
    const r = rig();
    r.arrive(0, Buffer.alloc(298, 7));
    r.arrive(20, Buffer.alloc(640, 9));
    expect(r.out.map((o) => o.bytes)).toEqual([320, 320, 320]);
    expect(r.clock.stats.real).toBe(3);
  });

  it('RTP: slots the timestamps say were skipped are synthesized at once, before the frame', () => {
    const r = rig(160, 0xff);
    r.arrive(0, Buffer.alloc(160, 1));
    // 100 ms later the next packet arrives with a timestamp 4 frames further on than contiguous.
    r.arrive(120, Buffer.alloc(160, 1), 4);
    expect(r.out.map((o) => (o.synthesized ? 's' : 'r')).join('')).toBe('rssssr');
    expect(r.out.at(-1)!.at).toBe(120);
  });

  it('RTP: the frame after a timestamp gap is kept even when the clock had synthesized slots of its own meanwhile', () => {
    const r = rig(160, 0xff);
    r.arrive(0, Buffer.alloc(160, 1));
    r.advance(100); // the ticks synthesize slots 1–3 (debt for a late burst that will not come)
    r.clock.arrive(Buffer.alloc(160, 1), 100, 40); // the sender says 40 slots were skipped
    expect(r.clock.stats).toMatchObject({ real: 2, dropped: 0 });
    expect(r.out.at(-1)).toMatchObject({ synthesized: false, at: 100 });
  });

  it('a sender faster than real time with nothing synthesized loses no audio', () => {
    const r = rig();
    r.advance(0);
    for (let k = 0; k < 50; k++) r.clock.arrive(Buffer.alloc(320, 1), 0);
    expect(r.clock.stats).toEqual({ real: 50, synthesized: 0, dropped: 0 });
  });

  it('closed, it delivers nothing and leaves the scheduler without work', () => {
    const r = rig();
    r.arrive(0);
    r.clock.close();
    r.advance(1000);
    r.clock.arrive(Buffer.alloc(320), 1000);
    expect(r.out).toHaveLength(1);
  });
});

describe.skipIf(!hasFixtures)('inbound clock replaying the arrival times of real Asterisk captures', () => {
  const replay = (name: string, frameBytes: number) => {
    const cap = readFixtureJson<{ frames: [number, number, number][] }>('audiosocket', name);
    const audio = cap.frames.filter(([, type]) => type === 0x10 || type === 0x12);
    const r = rig(frameBytes);
    for (const [at, , len] of audio) r.arrive(at, Buffer.alloc(len, 1));
    const last = audio.at(-1)![0];
    r.advance(last);
    const wallSlots = (last - audio[0]![0]) / 20 + 1;
    return { r, audio, wallSlots };
  };

  it('externalmedia-slin (transmit_silence on, bursts after 40–110 ms gaps): every frame, nothing doubled', () => {
    const { r, audio, wallSlots } = replay('externalmedia-slin.arrival.json', 320);
    expect(r.clock.stats.real).toBe(audio.length);
    expect(r.clock.stats.dropped).toBe(0);
    expect(Math.abs(r.out.length - wallSlots)).toBeLessThanOrEqual(3);
  });

  it('externalmedia-slin16-dtmf (no frames while the source is idle or a digit plays): the gaps are filled', () => {
    const { r, audio, wallSlots } = replay('externalmedia-slin16-dtmf.arrival.json', 640);
    expect(r.clock.stats.real).toBe(audio.length);
    // 324 ms + 446 ms idle and three 140 ms digit gaps: about 50 slots had no frame.
    expect(r.clock.stats.synthesized).toBeGreaterThan(40);
    expect(Math.abs(r.out.length - wallSlots)).toBeLessThanOrEqual(3);
  });
});
