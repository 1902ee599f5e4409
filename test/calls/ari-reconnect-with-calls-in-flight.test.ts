/**
 * The ARI events socket drops with calls in progress: media keeps flowing,
 * /health says ari_connected:false, and after the reconnect the calls whose
 * channels vanished meanwhile are closed while the others carry on.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, tone, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';

describe('ARI reconnect with calls in flight', () => {
  it('keeps media running, reconnects with backoff and reconciles vanished calls', async () => {
    const h = await startHarnessForTest();
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const a = fake.injectCall({ callerNumber: '800', audio: silence(100) });
    const b = fake.injectCall({ callerNumber: '801', audio: silence(100) });
    await until(() => tonePower(a.received(), 440) > 300 && tonePower(b.received(), 440) > 300, 'both greeted');

    fake.refuseEventSockets(true);
    fake.dropEventSockets();
    await until(() => !h.health().ari_connected, 'health shows the drop');
    expect(h.health().ari_reason).toBeTruthy();
    // B hangs up while the engine cannot hear events; A keeps talking and is still echoed.
    b.hangup();
    a.say(concatPcm([tone(1300, 500), silence(100)]));
    await until(() => tonePower(a.received(), 1300) > 300, 'echo during the outage', 8000);
    expect(service.ari.connected).toBe(false);

    fake.refuseEventSockets(false);
    await until(() => h.health().ari_connected, 'reconnected', 8000);
    await until(() => service.controller.active.length === 1, 'vanished call reconciled', 5000);
    expect(service.controller.active[0]!.caller.id).toBe(a.id);
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && [ended.call.callerNumber, ended.call.outcome]).toEqual(['801', 'caller_hangup']);

    a.hangup();
    await until(() => service.controller.active.length === 0 && fake.inspect().bridges === 0 && fake.inspect().channels === 0, 'cleanup');
  });
});
