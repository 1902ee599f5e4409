/**
 * AudioSocket legs in a media worker thread (`audiosocket.media_workers: 1`):
 * the worker dies with two calls up. Both calls end as errors at once (no
 * caller is left in dead air), nothing of them stays on the PBX, the worker
 * is started again on the same port and the next call is greeted through it.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, silence, tonePower, until } from '../support/calls-harness.js';
import type { WorkerAudioSocketTransport } from '../../engine/src/media/media-worker/worker-audiosocket-transport.js';

describe('a media worker that dies', () => {
  it('ends its calls as errors, leaves nothing on the PBX, and takes the next call after its restart', async () => {
    const h = await startHarnessForTest({
      config: (p) => {
        const c = baseConfig(p);
        (c.audiosocket as Record<string, unknown>).media_workers = 1;
        return c;
      },
    });
    const { fake, service } = h;
    const callers = [fake.injectCall({ callerNumber: '8101', audio: silence(100) }), fake.injectCall({ callerNumber: '8102', audio: silence(100) })];
    await until(() => callers.every((c) => tonePower(c.received(), 440) > 300), 'both callers greeted through the worker');
    const t = service.transports().get('audiosocket') as WorkerAudioSocketTransport;
    expect(t.ports).toHaveLength(1);
    const port = t.port;
    expect(t.stats().legs).toBe(2);

    await t.terminateWorker(0);

    await until(() => h.events.filter((e) => e.type === 'call.ended').length === 2, 'both calls ended');
    for (const e of h.events) if (e.type === 'call.ended') expect(e.call.outcome).toBe('error');
    await until(() => fake.inspect().bridges === 0 && fake.inspect().mediaLegs === 0, 'no bridge or media leg left on the PBX');
    expect(service.controller.active).toHaveLength(0);
    // As when a leg dies in-thread: the media is gone, so the caller is hung up rather than left in silence.
    for (const c of callers) expect(c.gone).toBe(true);
    expect(t.stats()).toMatchObject({ legs: 0, pending: 0 });

    await until(() => h.health().transports.audiosocket?.listening === true, 'the worker listening again');
    expect(t.port).toBe(port);
    const next = fake.injectCall({ callerNumber: '8103', audio: silence(100) });
    await until(() => tonePower(next.received(), 440) > 300, 'the next caller greeted through the restarted worker');
    next.hangup();
    await until(() => fake.inspect().channels === 0, 'cleanup');
  });
});
