/**
 * The media leg's StasisStart can come before or after the externalMedia
 * response, late, or (seen once on a real PBX) a moment before the channel
 * accepts bridge operations (422 "Channel not in Stasis application").
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, type Harness, silence, tonePower, until } from '../support/calls-harness.js';

const addChannelCalls = (h: Harness, legPrefix = 'aava-') =>
  h.fake.requests.filter((r) => r.path.endsWith('/addChannel') && r.query.channel?.startsWith(legPrefix)).map((r) => r.status);

describe('media leg StasisStart race', () => {
  it('waits for a late StasisStart before adding the leg to the bridge (no 422)', async () => {
    const h = await startHarnessForTest({ fake: { legStasisOrder: 'after-response', legStasisDelayMs: 300 } });
    await until(() => h.service.ari.connected, 'ARI connected');
    const caller = h.fake.injectCall({ callerNumber: '600', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard');
    expect(addChannelCalls(h)).toEqual([204]);
  });

  it('retries addChannel on 422 and completes the call', async () => {
    const h = await startHarnessForTest({ fake: { legStasisOrder: 'before-response', legStasisLagMs: 120 } });
    await until(() => h.service.ari.connected, 'ARI connected');
    const caller = h.fake.injectCall({ callerNumber: '601', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard');
    const statuses = addChannelCalls(h);
    expect(statuses[0]).toBe(422);
    expect(statuses.at(-1)).toBe(204);
    caller.hangup();
    await until(() => h.fake.inspect().bridges === 0 && h.fake.inspect().mediaLegs === 0, 'cleanup');
  });
});
