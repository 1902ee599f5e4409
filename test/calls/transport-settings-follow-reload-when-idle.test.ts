/** A reload that changes the AudioSocket settings restarts the listener once no call uses it; calls in flight keep theirs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startHarnessForTest, silence, tonePower, until } from '../support/calls-harness.js';

describe('transport settings on reload', () => {
  it('keeps the listener while a call runs, then applies the new advertise host', async () => {
    const h = await startHarnessForTest();
    const caller = h.fake.injectCall({ callerNumber: '1', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeted');
    const before = h.health().transports.audiosocket!.advertise;
    expect(before).toMatch(/^127\.0\.0\.1:/);

    const file = h.ctx.config.path;
    const cfg = parse(readFileSync(file, 'utf8')) as { audiosocket: Record<string, unknown> };
    cfg.audiosocket.advertise_host = 'localhost';
    writeFileSync(file, stringify(cfg));
    h.ctx.config.reload();
    await new Promise((r) => setTimeout(r, 100));
    // still the old listener: the call's socket lives there
    expect(h.health().transports.audiosocket!.advertise).toBe(before);
    expect(h.service.controller.active).toHaveLength(1);

    caller.hangup();
    // (A listener in media workers takes a moment to start: until then health says not listening.)
    await until(() => h.health().transports.audiosocket?.advertise.startsWith('localhost:') && h.health().transports.audiosocket?.listening, 'new listener after the call');
    // and a new call works through it (Asterisk connects to "localhost")
    const next = h.fake.injectCall({ callerNumber: '2', audio: silence(100) });
    await until(() => tonePower(next.received(), 440) > 300, 'second call greeted');
  });
});
