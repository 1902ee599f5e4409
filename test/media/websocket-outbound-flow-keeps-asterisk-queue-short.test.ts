/**
 * The WebSocket leg's outbound flow control in virtual time, against the
 * fake's model of chan_websocket's queue (as captured from Asterisk 22.10.1).
 */
import { describe, expect, it } from 'vitest';
import { ChanWebSocketSim, numberedFrames } from '../support/chan-websocket-sim.js';
import { MAX_BINARY_BYTES } from '../../engine/src/media/websocket/outbound-flow.js';

const frameNo = (f: Buffer) => f.readInt16LE(0);

describe('outbound flow toward chan_websocket', () => {
  it('plays a 10 s utterance pushed at once completely and in order, with only about 100 ms ever queued in Asterisk', () => {
    const audio = numberedFrames(500);
    const sim = new ChanWebSocketSim().at(100, () => {
      sim.flow.push(audio, sim.now);
      sim.flow.endUtterance();
    });
    sim.run(11_000);
    expect(sim.played.map((p) => frameNo(p.frame))).toEqual(Array.from({ length: 500 }, (_, k) => k + 1));
    // playout never starved once it began: one frame per tick
    const gaps = sim.played.slice(1).map((p, i) => p.at - sim.played[i]!.at);
    expect(Math.max(...gaps)).toBe(20);
    expect(sim.queue.stats.maxQueue).toBeLessThanOrEqual(6);
    expect(sim.queue.stats.bytesDropped).toBe(0);
    expect(sim.messages.every((m) => m.bytes % 640 === 0)).toBe(true);
    // first heard one frame before its mark; the utterance heard on the tick after its last frame
    const first = sim.outcomes.find((o) => o.kind === 'first')!;
    expect(first.kind === 'first' && first.heardAt).toBe(sim.played[0]!.at);
    const done = sim.outcomes.find((o) => o.kind === 'utterance')!;
    expect(done.at).toBe(sim.played.at(-1)!.at + 20);
    expect(done.kind === 'utterance' && done.idle).toBe(true);
    expect(sim.flow.idle).toBe(true);
  });

  it('a first mark read late (engine under load) moves the moment the caller began to hear the burst by at most one tick, not by the lag', () => {
    for (const phaseMs of [1, 7, 19]) {
      const sim = new ChanWebSocketSim({ phaseMs, markReadLagMs: 45 }).at(100, () => {
        sim.flow.push(numberedFrames(20), sim.now);
        sim.flow.endUtterance();
      });
      sim.run(1000);
      const first = sim.outcomes.find((o) => o.kind === 'first')!;
      // read 45 ms late; the queue was empty, so the first frame played on the next tick: the estimate stays within it
      expect(first.at - 20 - sim.played[0]!.at).toBe(45);
      const heardAt = first.kind === 'first' ? first.heardAt : NaN;
      expect(heardAt).toBeGreaterThanOrEqual(sim.played[0]!.at);
      expect(heardAt).toBeLessThanOrEqual(sim.played[0]!.at + 20);
    }
  });

  it('follows a provider that streams in 40 ms chunks without gaps after the prebuffer', () => {
    const audio = numberedFrames(150);
    const sim = new ChanWebSocketSim({ flow: { prebufferMs: 40 } });
    for (let i = 0; i < 75; i++) sim.at(200 + i * 39, () => sim.flow.push(audio.subarray(i * 1280, (i + 1) * 1280), sim.now));
    sim.at(200 + 75 * 39, () => sim.flow.endUtterance());
    sim.run(6000);
    expect(sim.played).toHaveLength(150);
    const gaps = sim.played.slice(1).map((p, i) => p.at - sim.played[i]!.at);
    expect(Math.max(...gaps)).toBe(20);
  });

  it('under XOFF from a stalled PBX sends nothing, loses nothing, and never nears the drop point', () => {
    const levels = { xon: 10, xoff: 15, max: 25 };
    const audio = numberedFrames(500);
    const sim = new ChanWebSocketSim({ levels, stalls: [[1000, 2500], [4000, 5200]] }).at(100, () => {
      sim.flow.push(audio, sim.now);
      sim.flow.endUtterance();
    });
    sim.run(15_000);
    expect(sim.queue.stats.xoffs).toBeGreaterThanOrEqual(2);
    expect(sim.queue.stats.messagesDropped).toBe(0);
    expect(sim.queue.stats.maxQueue).toBeLessThan(levels.max);
    expect(sim.played.map((p) => frameNo(p.frame))).toEqual(Array.from({ length: 500 }, (_, k) => k + 1));
    expect(sim.flow.stats.xoffs).toBe(sim.queue.stats.xoffs);
    // after each XON the engine asked for the real queue length before sending more
    expect(sim.commands.filter((c) => c.text.includes('GET_STATUS')).length).toBeGreaterThanOrEqual(4);
  });

  it('flush: nothing queued plays afterwards, the re-mark reports silence on the next tick, and the next utterance is marked afresh', () => {
    const sim = new ChanWebSocketSim({ flow: { leadMs: 200, lowWaterMs: 100 } }).at(100, () => {
      sim.flow.push(numberedFrames(200), sim.now);
      sim.flow.endUtterance();
    });
    let flushedAt = 0;
    let dropped = 0;
    sim.at(1000, () => {
      flushedAt = sim.now;
      dropped = sim.flush().droppedMs;
    });
    sim.at(1500, () => {
      sim.flow.push(Buffer.from(numberedFrames(10).map((b) => b ^ 0x40)), sim.now);
      sim.flow.endUtterance();
    });
    sim.run(3000);
    const before = sim.played.filter((p) => p.at < flushedAt);
    const between = sim.played.filter((p) => p.at >= flushedAt && p.at < 1500);
    expect(before.length).toBeGreaterThan(40);
    expect(between).toHaveLength(0);
    expect(dropped).toBeGreaterThan(3000);
    expect(sim.queue.stats.framesFlushed).toBeGreaterThan(0);
    const flush = sim.outcomes.find((o) => o.kind === 'flush')!;
    expect(flush.kind === 'flush' && flush.silentAt - flush.flushedAt).toBeLessThanOrEqual(20);
    // the first utterance's mark was discarded by the flush; the second one is reported
    const utterances = sim.outcomes.filter((o) => o.kind === 'utterance');
    expect(utterances).toHaveLength(1);
    expect(utterances[0]!.at).toBeGreaterThan(1500);
    expect(sim.played.filter((p) => p.at > 1500)).toHaveLength(10);
  });

  it('pads a partial last frame instead of letting Asterisk drop it, and keeps messages whole and under 65,527 bytes', () => {
    const sim = new ChanWebSocketSim({ flow: { leadMs: 5000, lowWaterMs: 4000 } }).at(10, () => {
      sim.flow.push(Buffer.concat([numberedFrames(300), Buffer.alloc(100, 1)]), sim.now);
      sim.flow.endUtterance();
    });
    sim.run(8000);
    expect(sim.played).toHaveLength(301);
    expect(sim.played.at(-1)!.frame.subarray(0, 100).equals(Buffer.alloc(100, 1))).toBe(true);
    expect(sim.played.at(-1)!.frame.subarray(100).equals(Buffer.alloc(540))).toBe(true);
    expect(sim.queue.stats.bytesDropped).toBe(0);
    expect(Math.max(...sim.messages.map((m) => m.bytes))).toBeLessThanOrEqual(MAX_BINARY_BYTES);
    expect(sim.messages.every((m) => m.bytes % 640 === 0)).toBe(true);
    expect(Math.max(...sim.messages.map((m) => m.bytes))).toBe(102 * 640);
  });

  it('µ-law pads with 0xff and whenever nothing was sent a flush is a no-op', () => {
    const sim = new ChanWebSocketSim({ frameBytes: 160, flow: { silenceByte: 0xff } }).at(10, () => {
      sim.flow.push(Buffer.alloc(170, 0x55), sim.now);
      sim.flow.endUtterance();
    });
    sim.run(500);
    expect(sim.played).toHaveLength(2);
    expect(sim.played[1]!.frame.subarray(10).equals(Buffer.alloc(150, 0xff))).toBe(true);
    expect(sim.flush().droppedMs).toBe(0);
    expect(sim.commands.some((c) => c.text.includes('FLUSH_MEDIA'))).toBe(false);
  });
});
