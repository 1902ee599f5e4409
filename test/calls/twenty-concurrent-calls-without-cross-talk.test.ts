/**
 * 20 simultaneous callers per transport, each speaking its own tone: each one
 * must hear its own tone back and nobody else's.
 */
import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, tone, silence, concatPcm, tonePower, strongestTone, until } from '../support/calls-harness.js';
import type { CallerHandle } from '../fakes/asterisk/index.js';

const N = 20;
const TONES = Array.from({ length: N }, (_, i) => 520 + i * 75).map((f) => (f === 670 ? 1990 : f));

async function runConcurrent(transport: 'audiosocket' | 'externalmedia' | 'websocket'): Promise<void> {
  const h = await startHarnessForTest({ config: (p) => baseConfig(p, { audio_transport: transport }) });
  const { fake, service } = h;
  await until(() => service.ari.connected, 'ARI connected');
  const callers: CallerHandle[] = TONES.map((hz, i) =>
    fake.injectCall({ callerNumber: String(5000 + i), audio: concatPcm([silence(400), tone(hz, 500), silence(100)]) }),
  );
  await until(() => callers.every((c, i) => tonePower(c.received(), TONES[i]!) > 500), 'every caller hears its own tone', 20_000, 50);
  for (let i = 0; i < N; i++) {
    const heard = callers[i]!.received();
    const best = strongestTone(heard, TONES);
    expect(best.hz).toBe(TONES[i]);
    const own = tonePower(heard, TONES[i]!);
    // cross-talk would bring another caller's tone back at full level; µ-law quantisation noise stays far below
    for (let j = 0; j < N; j++) if (j !== i) expect(tonePower(heard, TONES[j]!)).toBeLessThan(own / 4);
  }
  expect(service.controller.active).toHaveLength(N);
  for (const c of callers) c.hangup();
  await until(() => service.controller.active.length === 0 && fake.inspect().bridges === 0 && fake.inspect().channels === 0, 'all calls cleaned up', 10_000);
  const t = service.transports().get(transport)!;
  await until(() => t.stats().legs === 0 && t.stats().sockets === 0 && t.stats().ports === 0, 'transport idle');
}

describe('20 concurrent calls without cross-talk', () => {
  it('over AudioSocket', async () => {
    await runConcurrent('audiosocket');
  });
  it('over ExternalMedia RTP', async () => {
    await runConcurrent('externalmedia');
  });
  it('over WebSocket (chan_websocket)', async () => {
    await runConcurrent('websocket');
  });
});
