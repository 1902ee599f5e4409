import { describe, expect, it } from 'vitest';
import { startHarnessForTest, baseConfig, tone, silence, concatPcm, activeSpans, tonePower, until } from '../support/calls-harness.js';
import { speechLike, sine, rms } from '../../engine/src/media/signal.js';
import { scriptedProvider, standInForDeepgram } from '../support/stand-in-provider.js';
import { pcmFromBytes } from '../fakes/asterisk/index.js';

const longGreeting = (p: number) => {
  const c = baseConfig(p);
  (c.providers as Record<string, Record<string, unknown>>).echo!.tone_ms = 4000;
  return { ...c, barge_in: { enabled: true, min_ms: 100, cooldown_ms: 500 } };
};

describe('barge-in', () => {
  it('caller speech during a long greeting drops the queued agent audio at once', async () => {
    const h = await startHarnessForTest({ config: longGreeting });
    const { fake, service } = h;
    await until(() => service.ari.connected, 'ARI connected');
    const speech = pcmFromBytes(speechLike({ ms: 700, sampleRate: 8000, amplitude: 7000 }));
    const caller = fake.injectCall({ callerNumber: '300', audio: silence(300) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting starts');
    // The caller talks once the greeting is audible (no race with call setup on a busy machine).
    caller.say(concatPcm([silence(300), speech, silence(100)]));
    // the greeting (4 s) is cut shortly after the caller starts talking
    const bargeIns = async () => (await h.ctx.metrics.bargeInReaction.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    await until(async () => (await bargeIns()) >= 1, 'barge-in observed', 6000);
    await new Promise((r) => setTimeout(r, 300));
    // only the greeting's first part reached the caller (the 440 Hz spans), then the echo of the speech follows later
    const heard = caller.received();
    const first = activeSpans(heard, 500)[0]!;
    const greetingMs = ((first.end - first.start) / 8000) * 1000;
    expect(greetingMs).toBeLessThan(2000);
  });
});

describe('provider-reported barge-in', () => {
  it('flushes queued agent audio when a provider with its own VAD reports the caller speaking', async () => {
    let interrupted = 0;
    let reportedAt = 0;
    standInForDeepgram((name) =>
      scriptedProvider(name, (init) => {
        let reported = false;
        return {
          async start() {
            init.sink.audio(sine({ freqHz: 440, sampleRate: 8000, ms: 5000 }));
            init.sink.agentDone();
          },
          sendAudio(chunk: Buffer) {
            if (!reported && rms(chunk) > 1000) {
              reported = true;
              reportedAt = performance.now();
              init.sink.bargeIn();
              // a delta that was already in flight when the provider noticed the caller
              init.sink.audio(sine({ freqHz: 1700, sampleRate: 8000, ms: 300 }));
            }
          },
          interrupt() {
            interrupted++;
          },
        };
      }),
    );
    const h = await startHarnessForTest({ config: (p) => ({ ...baseConfig(p, { default_provider: 'agent' }), providers: { agent: { type: 'deepgram', api_key: 'k' } } }) });
    const caller = h.fake.injectCall({ callerNumber: '320', audio: silence(300) });
    // The caller speaks only once the greeting is audible (no race with call setup on a busy machine).
    await until(() => activeSpans(caller.received(), 500).length > 0, 'greeting heard', 8000);
    caller.say(concatPcm([tone(300, 400), silence(1500)]));
    await until(() => reportedAt > 0, 'provider reported the caller speaking', 8000);
    const heardAtReport = caller.received().length;
    await until(() => caller.received().length > heardAtReport + 8000, 'audio after the barge-in', 8000);
    const first = activeSpans(caller.received(), 500)[0]!;
    const greetingMs = ((first.end - first.start) / 8000) * 1000;
    expect(greetingMs).toBeLessThan(2000);
    // the provider decided: the engine flushed but did not send it an extra interrupt
    expect(interrupted).toBe(0);
    // and the stale in-flight audio after the barge-in was not played
    expect(tonePower(caller.received(), 1700)).toBeLessThan(100);
  });
});
