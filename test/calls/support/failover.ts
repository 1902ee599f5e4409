/**
 * Provider-failure scenarios: the engine (calls service) against the fake
 * Asterisk and a fake provider, configured with a fallback sound (a 1 kHz
 * tone the fakes' 440 Hz agent audio cannot be mistaken for) and a failover
 * per context: `sales` transfers to sales_queue, `support` continues in the
 * dialplan, everything else hangs up. Helpers read what the fake caller heard
 * after a moment and which failover request reached the fake ARI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startHarness, baseConfig, audibleMs, type Harness } from '../../support/calls-harness.js';

export { audibleMs };
import { concatPcm, strongestTone, until, tone, tonePower, rms, type CallerHandle } from '../../fakes/asterisk/index.js';
import { encodeWav } from '../../../engine/src/media/wav.js';
import type { CallDetail } from '../../../engine/src/api/calls.js';

export const FALLBACK_HZ = 1000;
export const AGENT_HZ = 440;

/** The failover each context leads to, and the request it makes at the fake ARI. */
export const FAILOVERS = {
  sales: { failover: 'transfer:sales_queue', continuedTo: { context: 'from-internal', extension: '400', priority: 1 } },
  support: { failover: 'continue', continuedTo: { context: 'from-internal', extension: '100', priority: 1 } },
  default: { failover: 'hangup', continuedTo: undefined },
} as const;

export type FailoverContext = keyof typeof FAILOVERS;

/** Starts the engine with `provider` (a provider or pipeline config) as the default; `pipeline` puts it under pipelines. */
export async function startFailoverHarness(provider: Record<string, unknown>, opts: { pipeline?: boolean; timeoutS?: number; sound?: boolean; over?: Record<string, unknown> } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'aava-fallback-'));
  const sound = join(dir, 'fallback.wav');
  const pcm = tone(FALLBACK_HZ, 800, 8000, 9000);
  writeFileSync(sound, encodeWav(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), 8000));
  const h = await startHarness({
    setupTimeoutMs: 10_000,
    config: (port) => {
      const base = baseConfig(port, { default_provider: 'flaky' });
      return {
        ...base,
        ...(opts.pipeline ? { pipelines: { flaky: provider } } : { providers: { ...(base.providers as Record<string, unknown>), flaky: provider } }),
        contexts: {
          default: { tools: ['transfer', 'hangup'] },
          sales: { greeting: 'Sales here', tools: ['transfer'], failover: FAILOVERS.sales.failover },
          support: { greeting: 'Support here', tools: [], failover: FAILOVERS.support.failover },
        },
        on_provider_failure: {
          message: 'Sorry, technical trouble.',
          ...(opts.sound === false ? {} : { sound }),
          failover: 'hangup',
          context: 'from-internal',
          extension: '100',
          priority: 1,
          provider_timeout_s: opts.timeoutS ?? 1,
        },
        ...opts.over,
      };
    },
  });
  const close = h.close.bind(h);
  h.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return h;
}

/** 8 kHz PCM the caller received after `t` (performance.now()). */
export function heardAfter(caller: CallerHandle, t: number): Int16Array {
  const ch = caller.channel;
  const chunks = ch.received ?? [];
  const at = ch.receivedAt ?? [];
  return concatPcm(chunks.filter((_, i) => at[i]! > t));
}

/**
 * The caller heard the fallback line within 1 s of the failure at `failedAt`: its first audible audio
 * after that moment came less than a second later, and what it heard was the fallback sound
 * (or, with `spoken`, the local TTS: speech, not the provider's tone).
 */
export async function expectFallbackWithinOneSecond(caller: CallerHandle, failedAt: number, spoken = false): Promise<void> {
  await until(() => audibleMs(heardAfter(caller, failedAt)) >= 300, 'the fallback line heard', 10_000);
  const first = caller.firstAudibleAfter(failedAt)!;
  expect(first - failedAt).toBeLessThan(1000);
  const heard = heardAfter(caller, first - 1).subarray(0, 8000 * 0.6);
  // A pure tone's Goertzel power is ~1.4× its RMS; speech spreads its energy over many frequencies.
  if (spoken) expect(tonePower(heard, AGENT_HZ)).toBeLessThan(rms(heard) * 0.5);
  else expect(strongestTone(heard, [AGENT_HZ, FALLBACK_HZ]).hz).toBe(FALLBACK_HZ);
}

/** The failover request of `context` reached the fake ARI, the call ended as provider_error with `reason`, and nothing is left on the PBX. */
export async function expectFailover(h: Harness, caller: CallerHandle, context: FailoverContext, reason: string): Promise<void> {
  const want = FAILOVERS[context];
  if (want.continuedTo) {
    await until(() => caller.continuedTo, 'the caller continued in the dialplan', 15_000);
    expect(caller.continuedTo).toEqual(want.continuedTo);
    const q = want.continuedTo;
    expect(h.fake.requests).toContainEqual(expect.objectContaining({ method: 'POST', path: `/ari/channels/${caller.id}/continue`, query: { context: q.context, extension: q.extension, priority: String(q.priority) } }));
  } else {
    await until(() => caller.gone, 'the caller hung up by the engine', 15_000);
    expect(h.fake.requests).toContainEqual(expect.objectContaining({ method: 'DELETE', path: `/ari/channels/${caller.id}` }));
    expect(caller.continuedTo).toBeUndefined();
  }
  const ended = await until(() => h.events.find((e) => e.type === 'call.ended'), 'call.ended', 15_000);
  expect(ended.type === 'call.ended' && ended.call).toMatchObject({ outcome: 'provider_error', failureReason: reason });
  const detail = (await h.service.handlers!['calls.get']!({ id: ended.type === 'call.ended' ? ended.call.id : '' })) as CallDetail;
  expect(detail).toMatchObject({ outcome: 'provider_error', failureReason: reason });
  expect(detail.error).toBeTruthy();
  const failures = (await h.ctx.metrics.providerFailures.get()).values;
  expect(failures).toContainEqual(expect.objectContaining({ labels: { provider: 'flaky', reason }, value: 1 }));
  await until(() => h.fake.inspect().bridges === 0 && h.fake.inspect().mediaLegs === 0 && h.fake.inspect().playbacks === 0, 'nothing left on the PBX');
  expect(h.fake.inspect().callers).toBe(want.continuedTo ? 1 : 0);
  expect(h.service.controller.active).toHaveLength(0);
}
