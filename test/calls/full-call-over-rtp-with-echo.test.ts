import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, tone, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';

describe('a full call over ExternalMedia RTP with the echo provider', () => {
  it('greets, echoes the caller over µ-law RTP, hangs up on DTMF # after the farewell and frees the port', async () => {
    const h = await startHarnessForTest({ config: (p) => baseConfig(p, { audio_transport: 'externalmedia' }) });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const caller = fake.injectCall({ callerNumber: '200', audio: concatPcm([silence(500), tone(1200, 600), silence(200)]) });
    await until(() => tonePower(caller.received(), 1200) > 300, 'echo of the caller tone', 8000);
    expect(tonePower(caller.received(), 440)).toBeGreaterThan(300);

    const leg = [...fake.channels.values()].find((c) => c.role === 'rtp')!;
    expect(leg.id).toMatch(/^aava-.+-media$/);
    const pkts = leg.rtp!.received;
    expect(pkts.length).toBeGreaterThan(10);
    expect(new Set(pkts.map((p) => p.ssrc)).size).toBe(1);
    expect(pkts.every((p) => p.payloadType === 0 && p.payloadBytes === 160)).toBe(true);
    for (let i = 1; i < pkts.length; i++) {
      expect((pkts[i]!.seq - pkts[i - 1]!.seq + 0x10000) % 0x10000).toBe(1);
    }
    const t = service.transports().get('externalmedia')!;
    expect(t.stats().ports).toBe(1);

    await caller.dtmf('#');
    await until(() => caller.gone, 'agent hangup', 8000);
    await until(() => h.events.find((e) => e.type === 'call.ended'), 'call.ended');
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('agent_hangup');
    // the farewell (660 Hz "say" tone) was heard before the line closed
    expect(tonePower(caller.received(), 660)).toBeGreaterThan(300);
    await until(() => fake.inspect().channels === 0 && fake.inspect().bridges === 0, 'channels and bridge gone');
    await until(() => t.stats().ports === 0 && t.stats().legs === 0, 'port released');
  });

  it('a per-call AI_TRANSPORT override picks RTP while the default stays AudioSocket', async () => {
    const h = await startHarnessForTest();
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const caller = fake.injectCall({ callerNumber: '201', vars: { AI_TRANSPORT: 'externalmedia' }, audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting over RTP');
    expect([...fake.channels.values()].some((c) => c.role === 'rtp')).toBe(true);
    expect(Object.keys(h.health().transports).sort()).toEqual(['audiosocket', 'externalmedia']);
    caller.hangup();
    await until(() => fake.inspect().channels === 0, 'cleanup');
  });
});
