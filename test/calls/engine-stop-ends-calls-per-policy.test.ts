/** stop(deadline) with calls in progress: hang up (announce_hangup) or back to the dialplan (continue), and free everything. */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, silence, tonePower, until } from '../support/calls-harness.js';

describe('service stop with calls in progress', () => {
  it('hangs callers up by default and leaves nothing behind', async () => {
    const h = await startHarnessForTest();
    const callers = [1, 2, 3].map((i) => h.fake.injectCall({ callerNumber: `30${i}`, audio: silence(100) }));
    await until(() => callers.every((c) => tonePower(c.received(), 440) > 300), 'all greeted');
    await h.service.stop(Date.now() + 3000);
    expect(callers.every((c) => c.gone)).toBe(true);
    expect(h.fake.inspect()).toMatchObject({ channels: 0, bridges: 0, mediaLegs: 0 });
    const outcomes = h.events.flatMap((e) => (e.type === 'call.ended' ? [e.call.outcome] : []));
    expect(outcomes).toEqual(['agent_hangup', 'agent_hangup', 'agent_hangup']);
    expect(h.service.transports().size).toBe(0);
  });

  it('sends callers back to the dialplan when on_provider_failure is continue', async () => {
    const h = await startHarnessForTest({ config: (p) => baseConfig(p, { on_provider_failure: { action: 'continue', context: 'from-internal', extension: '0', priority: 1 } }) });
    const caller = h.fake.injectCall({ callerNumber: '310', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeted');
    await h.service.stop(Date.now() + 3000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '0', priority: 1 });
    expect(h.fake.inspect()).toMatchObject({ bridges: 0, mediaLegs: 0 });
  });
});
