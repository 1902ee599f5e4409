/** Full-call helpers for provider tests: B's call engine + fake Asterisk, with a provider of ours as default. */
import { startHarness, baseConfig, type Harness } from '../../calls/harness.js';
import { activeSpans } from '../../fakes/asterisk/index.js';
import type { CallDetail } from '../../../engine/src/api/calls.js';

export { until, tone, silence, concatPcm, tonePower } from '../../fakes/asterisk/index.js';
export type { Harness };

/** Starts the engine with `providers.<name>` as the default provider (and the echo provider left in place). */
export async function startWithProvider(name: string, provider: Record<string, unknown>, over: Record<string, unknown> = {}): Promise<Harness> {
  return startHarness({
    config: (port) => {
      const base = baseConfig(port, { default_provider: name, ...over });
      return { ...base, providers: { ...(base.providers as Record<string, unknown>), [name]: provider } };
    },
    setupTimeoutMs: 10_000,
  });
}

/** Milliseconds of audible audio (RMS > threshold in 20 ms windows) in 8 kHz PCM. */
export function audibleMs(pcm: Int16Array): number {
  return activeSpans(pcm).reduce((a, s) => a + ((s.end - s.start) / 8000) * 1000, 0);
}

export async function callDetail(h: Harness, id: string): Promise<CallDetail> {
  return (await h.service.handlers!['calls.get']!({ id })) as CallDetail;
}

/** The outcome in the call.ended event for the only call. */
export function endedOutcome(h: Harness): string | undefined {
  const e = h.events.find((x) => x.type === 'call.ended');
  return e?.type === 'call.ended' ? e.call.outcome : undefined;
}
