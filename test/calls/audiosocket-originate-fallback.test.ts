/** On a PBX whose externalMedia has no audiosocket encapsulation, the leg is originated as AudioSocket/<host>:<port>/<uuid>/c(slin). */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, tone, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';

describe('AudioSocket originate fallback', () => {
  it('originates the AudioSocket leg when externalMedia refuses audiosocket', async () => {
    const h = await startHarnessForTest({ fake: { externalMediaAudioSocket: false } });
    const caller = h.fake.injectCall({ callerNumber: '1200', audio: concatPcm([silence(400), tone(1050, 500), silence(100)]) });
    await until(() => tonePower(caller.received(), 1050) > 300, 'echo over the originated leg', 8000);
    const em = h.fake.requests.find((r) => r.path === '/ari/channels/externalMedia');
    expect(em?.status).toBe(400);
    const orig = h.fake.requests.find((r) => r.method === 'POST' && r.path === '/ari/channels');
    expect(orig?.status).toBe(200);
    expect(orig?.query.endpoint).toMatch(/^AudioSocket\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}\/c\(slin\)$/);
    expect(orig?.query.channelId).toMatch(/^aava-.+-media$/);
    caller.hangup();
    await until(() => h.fake.inspect().channels === 0 && h.fake.inspect().bridges === 0, 'cleanup');
  });
});
