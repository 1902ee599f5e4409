import { SLIN8 } from '../../engine/src/media/audio-format.js';
import { LegShare } from '../../engine/src/media/media-worker/leg-share.js';
import { RecordWriter, readRecords } from '../../engine/src/media/media-worker/records.js';
import { RemoteLeg } from '../../engine/src/media/media-worker/remote-leg.js';
import { FrameScheduler } from '../../engine/src/media/pacer.js';

describe('a media worker leg on the engine thread', () => {
  it('hands on caller frames of its own: keeping one keeps neither the batch it came in nor a frame another write changes', () => {
    const sched = new FrameScheduler({ manual: true, now: () => 0, gridMs: 5 });
    const legs = [1, 2, 3].map((n) => new RemoteLeg({ leg: n, callId: `c${n}`, wireFormat: SLIN8, share: LegShare.create(320), scheduler: sched, out: () => new RecordWriter() }));
    const kept = new Map<number, Buffer>();
    legs.forEach((leg, i) => leg.events.on('audio', ({ frame, synthesized }) => void (!synthesized && kept.set(i + 1, frame))));
    // One batch from the worker: a frame of each leg.
    const w = new RecordWriter();
    for (const n of [1, 2, 3]) w.audio(n, performance.timeOrigin, Buffer.alloc(320, n));
    const batch = w.take();
    readRecords(batch, { audio: (n, _at, payload) => legs[n - 1]!.arrived(payload) });
    expect([...kept.keys()].sort()).toEqual([1, 2, 3]);
    new Uint8Array(batch).fill(0xee);
    for (const [n, frame] of kept) {
      expect(frame.length).toBe(320);
      expect(frame.every((b) => b === n)).toBe(true);
      expect(frame.buffer).not.toBe(batch);
    }
    for (const leg of legs) void leg.close();
    sched.stop();
  });
});
