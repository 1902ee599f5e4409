/**
 * A 10 s agent utterance over the WebSocket transport while the PBX stalls
 * its playout (a loaded Asterisk): chan_websocket sends MEDIA_XOFF, the
 * engine stops, resumes after MEDIA_XON, and the caller hears every frame
 * once, in order. The fake's queue levels are lowered (xoff 30, xon 20,
 * drop 50 instead of 900/800/1000) so a 1.5 s stall reaches them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, until } from '../support/calls-harness.js';
import { scriptedProvider, standInForDeepgram } from '../support/stand-in-provider.js';
import type { Provider } from '../../engine/src/providers/provider.js';
import type { WebSocketTransport } from '../../engine/src/media/websocket/websocket-transport.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FRAMES = 500;

/** 10 s of slin16 whose 20 ms frame k holds the constant sample value k + 1, so the caller's copy shows order and loss. */
function numbered(): Buffer {
  const b = Buffer.alloc(FRAMES * 640);
  for (let k = 0; k < FRAMES; k++) for (let i = 0; i < 640; i += 2) b.writeInt16LE(100 + k, k * 640 + i);
  return b;
}

/** A provider that says one 10 s utterance when the call starts, in 200 ms chunks as a TTS would stream it. */
function tenSecondAgent(name: string): Provider {
  return scriptedProvider(name, (init) => ({
    async start() {
      const audio = numbered();
      for (let off = 0; off < audio.length; off += 6400) init.sink.audio(audio.subarray(off, off + 6400));
      init.sink.agentDone();
    },
  }));
}

describe('XOFF during a 10 s agent utterance over WebSocket', () => {
  it('loses nothing and never over-queues: the caller hears all 500 frames in order, Asterisk never drops a message', async () => {
    standInForDeepgram(tenSecondAgent);
    const levels = { xon: 20, xoff: 30, max: 50 };
    h = await startHarness({
      config: (p) => ({ ...baseConfig(p, { default_provider: 'agent', audio_transport: 'websocket' }), providers: { agent: { type: 'deepgram', api_key: 'k' } } }),
      fake: { websocket: { levels } },
    });
    const { fake, service } = h;
    const caller = fake.injectCall({ callerNumber: '900' });
    await until(() => caller.received().length >= 50 * 160, 'the first second of the utterance', 10_000);
    const peer = fake.websocketMedia.connected[0]!;
    peer.stall(1500);
    await until(() => caller.received().length >= FRAMES * 160, 'the whole utterance at the caller', 30_000);

    // every frame once, in order: frame k arrives as 160 samples of value 100 + k
    const heard = caller.received();
    const values = Array.from({ length: heard.length / 160 }, (_, k) => heard[k * 160]!);
    expect(values).toEqual(Array.from({ length: FRAMES }, (_, k) => 100 + k));

    const q = peer.queue.stats;
    expect(q.xoffs).toBeGreaterThanOrEqual(1);
    expect(q.messagesDropped).toBe(0);
    expect(q.bytesDropped).toBe(0);
    // after XOFF at most one top-up (≤ 6 frames) was still on its way; the drop point (50) was never near
    expect(q.maxQueue).toBeLessThanOrEqual(levels.xoff + 6);
    const session = service.controller.active[0]!;
    const t = service.transports().get('websocket') as WebSocketTransport;
    expect(t.legStats(session.id)!.xoffs).toBe(q.xoffs);
    const metric = (await h.ctx.metrics.websocketFlowEvents.get()).values.find((x) => x.labels.event === 'xoff');
    expect(metric?.value).toBe(q.xoffs);
    // the engine checked the real queue (GET_STATUS) before refilling after XON
    const afterXoff = peer.commands.filter((c) => c.text.includes('GET_STATUS'));
    expect(afterXoff.length).toBeGreaterThanOrEqual(2);
    caller.hangup();
    await until(() => fake.inspect().channels === 0, 'cleanup');
  });
});
