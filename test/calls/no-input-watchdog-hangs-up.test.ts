import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, silence, tonePower, until } from '../support/calls-harness.js';

describe('no-input watchdog', () => {
  it('checks in after the timeout, says the final message after the grace period, then hangs up', async () => {
    const h = await startHarnessForTest({
      config: (p) => baseConfig(p, { no_input: { timeout_s: 1, grace_s: 1, checkin_prompt: 'Are you there?', final_message: 'Goodbye now.' } }),
    });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const caller = fake.injectCall({ callerNumber: '400', audio: silence(100) });
    await until(() => caller.gone, 'hangup by the watchdog', 10_000);
    await until(() => h.events.find((e) => e.type === 'call.ended'), 'call.ended');
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('no_input_timeout');
    const lines = h.events.flatMap((e) => (e.type === 'call.transcript' ? [e.line.text] : []));
    expect(lines).toEqual(expect.arrayContaining(['Are you there?', 'Goodbye now.']));
    expect(lines.indexOf('Are you there?')).toBeLessThan(lines.indexOf('Goodbye now.'));
    // both prompts were spoken (660 Hz "say" tone) before the line closed
    expect(tonePower(caller.received(), 660)).toBeGreaterThan(300);
    expect(fake.inspect().bridges).toBe(0);
  });
});
