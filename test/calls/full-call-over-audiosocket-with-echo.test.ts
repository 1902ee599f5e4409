import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, tone, silence, concatPcm, tonePower, until } from '../support/calls-harness.js';
import type { CallDetail } from '../../engine/src/api/calls.js';

/** `audiosocket.media_workers`: 0 = the leg's socket on the engine's thread, 1 = in a media worker thread. */
const withWorkers = (workers: number) => (p: number) => {
  const c = baseConfig(p);
  (c.audiosocket as Record<string, unknown>).media_workers = workers;
  return c;
};

describe.each([
  ['in the engine thread', 0],
  ['in a media worker', 1],
])('a full call over AudioSocket with the echo provider, socket %s', (_where, workers) => {
  it('greets with a tone, echoes the caller, sees DTMF, transfers with continue and cleans up', async () => {
    const h = await startHarnessForTest({ config: withWorkers(workers) });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const caller = fake.injectCall({ callerName: 'Test Caller', callerNumber: '7175882255', audio: concatPcm([silence(500), tone(1000, 600), silence(200)]) });

    await until(() => caller.answered, 'caller answered');
    // greeting tone (440 Hz) and then the caller's own 1000 Hz tone come back
    await until(() => tonePower(caller.received(), 1000) > 300, 'echo of the caller tone', 8000);
    const heard = caller.received();
    expect(tonePower(heard, 440)).toBeGreaterThan(300);

    const session = service.controller.active[0]!;
    expect(session.resolved?.provider).toBe('echo');
    await caller.dtmf('0');
    await until(() => caller.continuedTo, 'continue into the dialplan', 8000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '400', priority: 1 });
    await until(() => h.events.find((e) => e.type === 'call.ended'), 'call.ended');
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('transferred');

    const detail = (await service.handlers!['calls.get']!({ id: session.id })) as CallDetail;
    expect(detail.outcome).toBe('transferred');
    expect(detail.transferTarget).toBe('sales_queue');
    expect(detail.callerNumber).toBe('7175882255');
    // AudioSocket 0x03 and ARI ChannelDtmfReceived report the same key press once
    expect(detail.transcript.filter((l) => l.text === 'DTMF 0')).toHaveLength(1);
    expect(detail.toolCalls.map((t) => [t.name, t.ok])).toEqual([['transfer', true]]);
    expect(detail.turnLatencies.length).toBeGreaterThanOrEqual(1);
    expect(detail.turnLatencies[0]!.firstAudioMs).not.toBeNull();

    // nothing leaked: the caller went back to the dialplan, bridge and media leg are gone
    await until(() => fake.inspect().bridges === 0 && fake.inspect().mediaLegs === 0, 'bridge and leg gone');
    const t = service.transports().get('audiosocket')!;
    await until(() => t.stats().legs === 0 && t.stats().sockets === 0 && t.stats().pending === 0, 'transport idle');
    expect(caller.gone).toBe(false);
  });

  it('ends with caller_hangup when the caller hangs up, and frees everything', async () => {
    const h = await startHarnessForTest({ config: withWorkers(workers) });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const caller = fake.injectCall({ callerNumber: '100', audio: silence(200) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting');
    caller.hangup();
    await until(() => h.events.find((e) => e.type === 'call.ended'), 'call.ended');
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('caller_hangup');
    await until(() => fake.inspect().channels === 0 && fake.inspect().bridges === 0, 'all channels and bridges gone');
    const t = service.transports().get('audiosocket')!;
    await until(() => t.stats().legs === 0 && t.stats().sockets === 0, 'sockets closed');
    expect(h.health().active_calls).toBe(0);
  });

  it('works with slin16 (0x12 frames, 640 bytes) end to end', async () => {
    const h = await startHarnessForTest({
      config: (p) => {
        const c = withWorkers(workers)(p);
        (c.audiosocket as Record<string, unknown>).format = 'slin16';
        return c;
      },
    });
    const caller = h.fake.injectCall({ callerNumber: '160', audio: concatPcm([silence(400), tone(1500, 500), silence(100)]) });
    await until(() => tonePower(caller.received(), 1500) > 300, 'echo over slin16', 8000);
    expect(tonePower(caller.received(), 440)).toBeGreaterThan(300);
    const leg = [...h.fake.channels.values()].find((c) => c.role === 'audiosocket')!;
    expect(leg.audiosocket!.sampleRate).toBe(16000);
    expect([...leg.audiosocket!.receivedTypes]).toContain(0x12);
    expect(h.fake.requests.find((r) => r.path === '/ari/channels/externalMedia')?.query.format).toBe('slin16');
    caller.hangup();
    await until(() => h.fake.inspect().channels === 0, 'cleanup');
  });
});
