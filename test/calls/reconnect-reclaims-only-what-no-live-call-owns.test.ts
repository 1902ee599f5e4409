/**
 * Reconcile on a reconnect, with calls in flight: a call whose caller hung up
 * while the events link was down is closed, leftovers nobody owns are
 * reclaimed, and the live call keeps its bridge, leg and audio. Both for a
 * link that dropped and for one that went silent without TCP ever closing.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, type Harness, until, silence, tone, concatPcm, tonePower } from '../support/calls-harness.js';

const APP = 'asterisk-ai-voice-agent';
const ORPHAN = '00000000-abcd-4a4a-8000-000000000001';

async function twoLiveCalls(hh: Harness) {
  const a = hh.fake.injectCall({ callerNumber: '800', audio: silence(100) });
  const b = hh.fake.injectCall({ callerNumber: '801', audio: silence(100) });
  await until(() => tonePower(a.received(), 440) > 300 && tonePower(b.received(), 440) > 300, 'both greeted');
  return { a, b };
}

describe('reconcile on a reconnect', () => {
  for (const outage of ['dropped', 'silent'] as const) {
    it(`after a ${outage} events link: closes the vanished call, reclaims orphans, keeps the live call`, async () => {
      const h = await startHarnessForTest({ service: { reconcileGraceMs: 100, ariLiveness: { intervalMs: 100, timeoutMs: 500 } } });
      const { fake, service } = h;
      const { a, b } = await twoLiveCalls(h);
      const aBridge = a.channel.bridgeId;
      const aLeg = service.controller.active.find((s) => s.caller.id === a.id)!.legChannelId;

      if (outage === 'dropped') {
        fake.refuseEventSockets(true);
        fake.dropEventSockets();
      } else {
        fake.stallEventSockets();
      }
      // While the engine hears nothing: B hangs up, and a caller whose StasisStart never arrived sits in our app
      b.hangup();
      const lost = fake.injectCall({ callerNumber: '802' }).channel;
      fake.addToBridge(fake.createBridge('mixing', `aava-${APP}-${ORPHAN}`), lost);
      if (outage === 'dropped') {
        await until(() => !h.health().ari_connected, 'the drop is seen');
        fake.refuseEventSockets(false);
      }
      await until(() => h.health().last_reconcile?.reconnect === true, 'reconciled after the reconnect', 8000);

      expect(h.health().last_reconcile!.reclaimed).toEqual({ bridges: 1, callers: 1, media_legs: 0, calls: 1 });
      expect(lost.continuedTo).toEqual({ context: 'from-ai-agent', extension: 's', priority: 3 });
      expect(service.controller.active.map((s) => s.caller.id)).toEqual([a.id]);
      expect(a.channel.bridgeId).toBe(aBridge);
      expect(fake.channels.has(aLeg)).toBe(true);
      a.say(concatPcm([tone(1300, 500), silence(100)]));
      await until(() => tonePower(a.received(), 1300) > 300, 'the live call still echoes');

      a.hangup();
      await until(() => service.controller.active.length === 0 && fake.inspect().bridges === 0 && fake.inspect().mediaLegs === 0, 'cleanup');
      const rows = await service.handlers!['calls.list']!({});
      expect(rows.map((r) => [r.callerNumber, r.state])).toEqual([
        ['801', 'ended'],
        ['800', 'ended'],
      ]);
    });
  }
});
