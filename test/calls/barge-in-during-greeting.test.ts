import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, silence, concatPcm, activeSpans, tonePower, until } from './harness.js';
import { speechLike } from '../../engine/src/media/signal.js';
import { pcmFromBytes } from '../fakes/asterisk/index.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const longGreeting = (p: number) => {
  const c = baseConfig(p);
  (c.providers as Record<string, Record<string, unknown>>).echo!.tone_ms = 4000;
  return { ...c, barge_in: { enabled: true, min_ms: 100, cooldown_ms: 500 } };
};

describe('barge-in', () => {
  it('caller speech during a long greeting drops the queued agent audio at once', async () => {
    h = await startHarness({ config: longGreeting });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const speech = pcmFromBytes(speechLike({ ms: 700, sampleRate: 8000, amplitude: 7000 }));
    const caller = fake.injectCall({ callerNumber: '300', audio: concatPcm([silence(800), speech, silence(100)]) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting starts');
    // the greeting (4 s) is cut shortly after the caller starts talking at ~0.8 s
    const bargeIns = async () => (await h!.ctx.metrics.bargeInReaction.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    await until(async () => (await bargeIns()) >= 1, 'barge-in observed', 6000);
    await new Promise((r) => setTimeout(r, 300));
    // only the greeting's first part reached the caller (the 440 Hz spans), then the echo of the speech follows later
    const heard = caller.received();
    const greetingMs = (activeSpans(heard, 500)[0]!.end / 8000) * 1000;
    expect(greetingMs).toBeLessThan(2000);
  });
});
