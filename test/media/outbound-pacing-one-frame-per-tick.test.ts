import { FrameScheduler, type PacedStreamOptions } from '../../engine/src/media/pacer.js';

/** A scheduler driven by a fake monotonic clock. */
function rig(streamOpts: Partial<PacedStreamOptions> = {}, schedOpts: { gridMs?: number } = {}) {
  let now = 1000;
  const sched = new FrameScheduler({ manual: true, now: () => now, gridMs: schedOpts.gridMs ?? 0 });
  const sent: Array<{ at: number; deadline: number; frame: Buffer; first: boolean; silence: boolean }> = [];
  const events: string[] = [];
  const stream = sched.createStream({
    frameBytes: 320,
    prebufferMs: 40,
    underrun: 'nothing',
    send: (frame, info) => sent.push({ frame: Buffer.from(frame), ...info }),
    onFirstFrameOut: (at) => events.push(`first@${at}`),
    onDrained: () => events.push('drained'),
    ...streamOpts,
  });
  return {
    sched,
    stream,
    sent,
    events,
    get now() {
      return now;
    },
    /** Advances the clock to `t`, waking the scheduler whenever it asked to be woken (plus `lateMs`). */
    runUntil(t: number, lateMs = 0) {
      for (;;) {
        const wake = sched.nextWake();
        if (wake === Infinity || wake + lateMs > t) break;
        now = Math.max(now, wake + lateMs);
        sched.runDue(now);
      }
      now = t;
      sched.runDue(now);
    },
  };
}

const pcm = (ms: number, fill = 1) => Buffer.alloc((ms / 20) * 320, fill);

describe('outbound pacing', () => {
  it('sends exactly one 320-byte frame per 20 ms tick once 40 ms are buffered, then drains', () => {
    const r = rig();
    r.stream.enqueue(pcm(200));
    r.runUntil(1000 + 400);
    expect(r.sent).toHaveLength(10);
    expect(r.sent.map((s) => s.at - 1000)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]);
    for (const s of r.sent) expect(s.frame.length).toBe(320);
    expect(r.sent.filter((s) => s.first)).toHaveLength(1);
    expect(r.events).toEqual(['first@1000', 'drained']);
    expect(r.stream.queuedMs()).toBe(0);
  });

  it('waits for the prebuffer: 20 ms queued does not start playout until more arrives', () => {
    const r = rig({ prebufferMs: 60 });
    r.stream.enqueue(pcm(20));
    r.runUntil(1010);
    expect(r.sent).toHaveLength(0);
    r.stream.enqueue(pcm(40));
    r.runUntil(1100);
    expect(r.sent).toHaveLength(3);
    expect(r.sent[0]!.at).toBe(1010);
  });

  it('plays a short burst once the producer goes quiet (burst ended) even below the prebuffer', () => {
    const r = rig({ prebufferMs: 60 });
    r.stream.enqueue(pcm(20));
    r.runUntil(1200);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]!.at).toBe(1060);
  });

  it('markEndOfBurst starts playout at once and pads the last partial frame with silence', () => {
    const r = rig({ prebufferMs: 60 });
    r.stream.enqueue(Buffer.alloc(500, 7));
    r.stream.markEndOfBurst();
    r.runUntil(1100);
    expect(r.sent.map((s) => s.frame.length)).toEqual([320, 320]);
    expect(r.sent[1]!.frame.subarray(0, 180).every((b) => b === 7)).toBe(true);
    expect(r.sent[1]!.frame.subarray(180).every((b) => b === 0)).toBe(true);
  });

  it('deadlines come from the start time: late wake-ups never accumulate into drift', () => {
    const r = rig({ prebufferMs: 0 });
    r.stream.enqueue(pcm(20_000));
    // Every wake-up is 3 ms late; after 10 s exactly 501 frames must have gone out.
    r.runUntil(1000 + 10_000, 3);
    expect(r.sent).toHaveLength(501);
    const lateness = r.sent.map((s, k) => s.at - (1000 + k * 20));
    expect(Math.max(...lateness)).toBeLessThanOrEqual(3);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
  });

  it('after a stall it catches up at most 5 frames at once, then re-anchors', () => {
    const r = rig({ prebufferMs: 0 });
    r.stream.enqueue(pcm(2000));
    r.runUntil(1000);
    expect(r.sent).toHaveLength(1);
    r.runUntil(1000 + 60, 1000); // no wake-ups until the clock jumps to +60
    expect(r.sent).toHaveLength(4);
    r.sched.runDue(1000 + 600);
    expect(r.sent).toHaveLength(9);
    const before = r.sent.length;
    r.runUntil(1000 + 640);
    // Re-anchored at +600: frames at +600, +620, +640.
    expect(r.sent.slice(before).map((x) => x.at - 1000)).toEqual([600, 620, 640]);
  });

  it('underrun with underrun=silence sends silence frames; with nothing it sends nothing', () => {
    const silent = rig({ underrun: 'silence', prebufferMs: 0 });
    silent.runUntil(1100);
    expect(silent.sent).toHaveLength(6);
    expect(silent.sent.every((s) => s.silence && s.frame.every((b) => b === 0))).toBe(true);
    silent.stream.enqueue(pcm(40));
    silent.runUntil(1200);
    const audio = silent.sent.filter((s) => !s.silence);
    expect(audio).toHaveLength(2);
    expect(silent.sent.length).toBeGreaterThan(10);

    const quiet = rig({ underrun: 'nothing' });
    quiet.runUntil(1200);
    expect(quiet.sent).toHaveLength(0);
  });

  it('continuous stream: a burst goes out the moment it is playable, one slot early at most, and the count keeps to the wall clock', () => {
    const r = rig({ underrun: 'silence', prebufferMs: 40 });
    r.runUntil(1047); // silence at +0, +20, +40
    r.stream.enqueue(pcm(60, 7)); // mid-slot: the next slot is +60
    const audio = () => r.sent.filter((s) => !s.silence);
    expect(audio().map((s) => s.at - 1000)).toEqual([47]);
    expect(audio()[0]!.first).toBe(true);
    expect(audio()[0]!.deadline - 1000).toBe(60);
    r.runUntil(1200);
    // The rest of the burst keeps the grid: +80, +100, then silence again.
    expect(audio().map((s) => s.at - 1000)).toEqual([47, 80, 100]);
    // A burst right after a pulled one does not pull a second slot: it waits for its own.
    r.runUntil(1203);
    r.stream.enqueue(pcm(20, 9));
    r.stream.markEndOfBurst();
    expect(audio().map((s) => s.at - 1000)).toEqual([47, 80, 100, 203]); // slot +220, pulled
    r.runUntil(1205);
    r.stream.enqueue(pcm(20, 9));
    r.stream.markEndOfBurst();
    expect(audio()).toHaveLength(4); // slot +240 is 35 ms away
    r.runUntil(2000);
    expect(audio().map((s) => s.at - 1000)).toEqual([47, 80, 100, 203, 240]);
    // Frames sent = slots passed, whatever the bursts did.
    expect(r.sent).toHaveLength(51);
    expect(r.sent.map((s) => s.deadline - 1000)).toEqual(Array.from({ length: 51 }, (_, i) => i * 20));
  });

  it('µ-law silence is 0xff', () => {
    const r = rig({ underrun: 'silence', frameBytes: 160, silenceByte: 0xff });
    r.runUntil(1020);
    expect(r.sent[0]!.frame.length).toBe(160);
    expect(r.sent[0]!.frame.every((b) => b === 0xff)).toBe(true);
  });

  it('flush() drops the queue: nothing queued goes out after the current frame, and waiters resolve', async () => {
    const r = rig({ prebufferMs: 0 });
    r.stream.enqueue(pcm(1000));
    r.runUntil(1020);
    expect(r.sent).toHaveLength(2);
    const waiting = r.stream.whenDrained();
    const dropped = r.stream.flush();
    expect(dropped).toBe(960);
    await waiting;
    r.runUntil(1200);
    expect(r.sent).toHaveLength(2);
    expect(r.events).toContain('drained');
    expect(r.stream.queuedMs()).toBe(0);
  });

  it('a new burst after drain emits firstFrameOut again and never sends two frames closer than 20 ms', () => {
    const r = rig({ prebufferMs: 0 });
    r.stream.enqueue(pcm(20));
    r.runUntil(1005);
    r.stream.enqueue(pcm(20));
    r.runUntil(1100);
    expect(r.sent.map((s) => s.at)).toEqual([1000, 1020]);
    expect(r.events.filter((e) => e.startsWith('first'))).toHaveLength(2);
  });

  it('one scheduler for many streams: start times snap to the grid so wake-ups stay few', () => {
    let now = 0;
    const sched = new FrameScheduler({ manual: true, now: () => now, gridMs: 5 });
    let frames = 0;
    const wakes = new Set<number>();
    for (let i = 0; i < 200; i++) {
      now = i * 0.37;
      const s = sched.createStream({ frameBytes: 320, prebufferMs: 0, underrun: 'nothing', send: () => frames++ });
      s.enqueue(pcm(200));
    }
    for (let i = 0; i < 100; i++) {
      const w = sched.nextWake();
      if (w === Infinity) break;
      wakes.add(w);
      now = w;
      sched.runDue(now);
    }
    expect(frames).toBe(200 * 10);
    // Every wake-up is on the 5 ms grid, so 200 streams share at most 4 phases per 20 ms frame.
    for (const w of wakes) expect(w % 5).toBe(0);
    const span = Math.max(...wakes) - Math.min(...wakes);
    expect(wakes.size).toBeLessThanOrEqual(span / 5 + 1);
    sched.stop();
    expect(sched.size).toBe(0);
  });

  it('runs on the real timer and leaves no timer behind once the queue is drained', async () => {
    const sched = new FrameScheduler();
    let frames = 0;
    const s = sched.createStream({ frameBytes: 320, prebufferMs: 40, underrun: 'nothing', send: () => frames++ });
    s.enqueue(pcm(100));
    await s.whenDrained();
    expect(frames).toBe(5);
    expect(sched.timerPending).toBe(false);
    s.close();
    sched.stop();
  });
});
