/**
 * Barge-in over the WebSocket transport: the engine sends FLUSH_MEDIA, so
 * what chan_websocket still had queued is never played. At the caller, the
 * agent's audio stops within one 20 ms frame of the flush: the frame playing
 * when it arrived is the last one.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';
import { speechLike } from '../../engine/src/media/signal.js';
import { pcmFromBytes } from '../fakes/asterisk/index.js';
import type { WebSocketTransport } from '../../engine/src/media/websocket/websocket-transport.js';

const longGreeting = (p: number) => {
  const c = baseConfig(p, { audio_transport: 'websocket' });
  (c.providers as Record<string, Record<string, unknown>>).echo!.tone_ms = 4000;
  return { ...c, barge_in: { enabled: true, min_ms: 100, cooldown_ms: 500 } };
};

describe('barge-in flush over WebSocket', () => {
  it('the caller hears the greeting stop within 20 ms of FLUSH_MEDIA, and the flush is re-marked', async () => {
    const h = await startHarnessForTest({ config: longGreeting });
    const { fake, service } = h;
    const caller = fake.injectCall({ callerNumber: '301' });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting starts');
    const speech = pcmFromBytes(speechLike({ ms: 700, sampleRate: 8000, amplitude: 7000 }));
    caller.say(concatPcm([silence(200), speech, silence(100)]));
    const peer = fake.websocketMedia.connected[0]!;
    await until(() => peer.flushes.length > 0, 'FLUSH_MEDIA', 6000);
    const flush = peer.flushes[0]!;
    // Ten more ticks (the echo of the speech comes much later: after the speech and its end silence).
    await until(() => fake.websocketMedia.clockTicks >= flush.tick + 10, 'ten ticks after the flush', 3000);

    // Agent audio was still queued in Asterisk (it would have played on the next ticks), and the flush threw it away:
    expect(flush.framesDiscarded).toBeGreaterThan(0);
    // the frame playing when the flush arrived (if any) was the last one; nothing played on the ticks after it.
    expect(peer.played.filter((p) => p.tick > flush.tick && p.tick <= flush.tick + 10)).toEqual([]);
    // the greeting (4 s) was cut
    expect(peer.played.filter((p) => p.tick <= flush.tick).length * 20).toBeLessThan(3000);

    // FLUSH_MEDIA discards queued marks, so the engine marks again right after it…
    const i = peer.commands.findIndex((c) => c.text === '{"command":"FLUSH_MEDIA"}');
    expect(peer.commands[i + 1]?.text).toMatch(/^\{"command":"MARK_MEDIA","correlation_id":"aava-f\d+"\}$/);
    // …and learns from that mark when the caller's audio stopped.
    const session = service.controller.active[0]!;
    const t = service.transports().get('websocket') as WebSocketTransport;
    await until(() => t.legStats(session.id)!.flushToSilenceMs.length > 0, 'flush re-mark processed');
  });
});
