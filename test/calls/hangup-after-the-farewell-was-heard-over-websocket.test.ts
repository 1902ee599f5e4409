/**
 * Hangup after the farewell over the WebSocket transport follows
 * MEDIA_MARK_PROCESSED (the caller finished hearing it), not the moment the
 * engine sent the last audio. The PBX stalls its playout for a second in the
 * middle of the farewell, so the two moments are far apart.
 */
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { startHarnessForTest, baseConfig, tonePower, strongestTone, until } from '../support/calls-harness.js';

/** 20 ms frames (160 samples at 8 kHz) of what the caller heard whose strongest tone is `hz`. */
function framesOf(pcm: Int16Array, hz: number): number {
  let n = 0;
  for (let i = 0; i + 160 <= pcm.length; i += 160) if (strongestTone(pcm.subarray(i, i + 160), [440, 660]).hz === hz && tonePower(pcm.subarray(i, i + 160), hz) > 300) n++;
  return n;
}

describe('mark-based hangup over WebSocket', () => {
  it('hangs up only after the caller heard the whole farewell, even though it was sent long before', async () => {
    const h = await startHarnessForTest({ config: (p) => baseConfig(p, { audio_transport: 'websocket' }) });
    const { fake } = h;
    const caller = fake.injectCall({ callerNumber: '302' });
    await until(() => h.service.controller.active[0]?.state === 'listening', 'greeting heard', 8000);
    const peer = fake.websocketMedia.connected[0]!;
    const greetingFrames = peer.played.length;

    // '#' runs the hangup tool; the echo provider acknowledges ("hangup ok": 9 characters × 40 ms) with a 360 ms 660 Hz tone.
    const dtmf = caller.dtmf('#', 0);
    await until(() => peer.played.length > greetingFrames, 'the farewell starts playing');
    const stallEnd = performance.now() + 1000;
    peer.stall(1000);
    await dtmf;
    await until(() => h.events.find((e) => e.type === 'call.ended'), 'call.ended', 8000);
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('agent_hangup');

    // the caller heard all of the farewell (360 ms = 18 frames) before its channel went away: nothing was left queued
    expect(peer.played.length - greetingFrames).toBe(18);
    expect(peer.queue.stats.framesPlayed).toBe(peer.queue.stats.framesQueued);
    expect(framesOf(caller.received(), 660)).toBeGreaterThanOrEqual(16);
    expect(caller.gone).toBe(true);
    // the engine had sent the whole farewell before the stall ended; it hung up only after the last frame played
    const hangup = peer.commands.find((c) => c.text === '{"command":"HANGUP"}')!;
    const lastSent = peer.binaries.at(-1)!;
    const lastPlayed = peer.played.at(-1)!;
    expect(lastSent.at).toBeLessThan(stallEnd);
    expect(lastPlayed.at).toBeGreaterThan(stallEnd);
    expect(hangup.at).toBeGreaterThan(lastPlayed.at);
    // and it waited for the utterance's mark: MARK_MEDIA went out before the stall ended
    const mark = peer.commands.filter((c) => c.text.includes('"aava-u')).at(-1)!;
    expect(mark.at).toBeLessThan(stallEnd);
    await until(() => fake.inspect().channels === 0 && fake.inspect().bridges === 0, 'nothing left on the PBX');
  });
});
