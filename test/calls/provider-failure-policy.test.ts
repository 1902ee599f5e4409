/**
 * A provider that fails mid-call, configured the older way (`action:`):
 * `announce_hangup` tells the caller and hangs up; `continue` tells the
 * caller, then sends it back into the dialplan. Both end as `provider_error`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, baseConfig, type Harness, silence, until, activeSpans } from '../support/calls-harness.js';
import { scriptedProvider, standInForDeepgram } from '../support/stand-in-provider.js';
import type { Provider } from '../../engine/src/providers/provider.js';
import { sine } from '../../engine/src/media/signal.js';

let h: Harness | undefined;
let sounds: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (sounds) rmSync(sounds, { recursive: true, force: true });
  sounds = undefined;
});

/** Stands in as type `deepgram`: greets, then reports a fatal error. */
function failingProvider(name: string): Provider {
  return scriptedProvider(name, (init) => ({
    async start() {
      init.sink.audio(sine({ freqHz: 440, sampleRate: 8000, ms: 100 }));
      init.sink.agentDone();
      setTimeout(() => init.sink.error(new Error('socket closed by the provider'), true), 200);
    },
    async say(text: string) {
      init.sink.transcript('agent', text, true);
      init.sink.audio(sine({ freqHz: 660, sampleRate: 8000, ms: 200 }));
      init.sink.agentDone();
    },
  }));
}

function config(action: 'announce_hangup' | 'continue') {
  return (p: number) => ({
    ...baseConfig(p, { default_provider: 'flaky' }),
    providers: { flaky: { type: 'deepgram', api_key: 'test' }, echo: { type: 'echo' } },
    on_provider_failure: { action, message: 'Sorry, technical trouble.', context: 'from-internal', extension: '100', priority: 1 },
  });
}

describe('on_provider_failure', () => {
  it('announce_hangup: says the message, hangs up, outcome provider_error', async () => {
    standInForDeepgram(failingProvider);
    h = await startHarness({ config: config('announce_hangup') });
    const caller = h.fake.injectCall({ callerNumber: '950', audio: silence(100) });
    await until(() => caller.gone, 'hung up');
    await until(() => h!.events.find((e) => e.type === 'call.ended'), 'ended');
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call).toMatchObject({ outcome: 'provider_error', failureReason: 'socket_drop' });
    expect(h.events.some((e) => e.type === 'call.transcript' && e.line.text === 'Sorry, technical trouble.')).toBe(true);
  });

  it('announce_hangup when the dead provider cannot speak: the engine says the message itself (flite)', async () => {
    standInForDeepgram((name) => {
      const p = failingProvider(name);
      const create = p.createSession.bind(p);
      return { ...p, createSession: (init) => ({ ...create(init), say: () => Promise.reject(new Error('socket is closed')) }) };
    });
    h = await startHarness({ config: config('announce_hangup') });
    const caller = h.fake.injectCall({ callerNumber: '952', audio: silence(100) });
    await until(() => caller.gone, 'hung up', 15_000);
    await until(() => h!.events.find((e) => e.type === 'call.ended'), 'ended');
    expect(h.events.some((e) => e.type === 'call.transcript' && e.line.role === 'agent' && e.line.text === 'Sorry, technical trouble.')).toBe(true);
    // Beyond the 100 ms greeting tone, about a second of synthesized speech reached the caller.
    const loud = activeSpans(caller.received(), 300).reduce((ms, s) => ms + ((s.end - s.start) / 8000) * 1000, 0);
    expect(loud).toBeGreaterThan(600);
  });

  it('announce_hangup in downstream_mode file: the engine\'s own message is played as a sound file of its own', async () => {
    standInForDeepgram((name) => {
      const p = failingProvider(name);
      const create = p.createSession.bind(p);
      return { ...p, createSession: (init) => ({ ...create(init), say: () => Promise.reject(new Error('socket is closed')) }) };
    });
    sounds = mkdtempSync(join(tmpdir(), 'aava-sounds-'));
    const mediaDir = join(sounds, 'ai-generated');
    h = await startHarness({ fake: { soundsDir: sounds }, config: (p) => ({ ...config('announce_hangup')(p), downstream_mode: 'file', media_dir: mediaDir }) });
    const caller = h.fake.injectCall({ callerNumber: '953', audio: silence(100) });
    await until(() => caller.gone, 'hung up', 15_000);
    // The greeting tone, then the message (about a second of flite speech), each its own playback.
    expect(caller.heard.map((p) => p.media)).toEqual([expect.stringMatching(/^sound:ai-generated\/aava-.+-1$/), expect.stringMatching(/^sound:ai-generated\/aava-.+-2$/)]);
    const loud = activeSpans(caller.received(), 300).reduce((ms, s) => ms + ((s.end - s.start) / 8000) * 1000, 0);
    expect(loud).toBeGreaterThan(600);
  });

  it('continue: the caller goes back to the dialplan', async () => {
    standInForDeepgram(failingProvider);
    h = await startHarness({ config: config('continue') });
    const caller = h.fake.injectCall({ callerNumber: '951', audio: silence(100) });
    await until(() => caller.continuedTo, 'continued');
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '100', priority: 1 });
    await until(() => h!.events.find((e) => e.type === 'call.ended'), 'ended');
    const ended = h.events.find((e) => e.type === 'call.ended');
    expect(ended?.type === 'call.ended' && ended.call.outcome).toBe('provider_error');
    await until(() => h!.fake.inspect().bridges === 0 && h!.fake.inspect().mediaLegs === 0, 'cleanup');
    expect(caller.gone).toBe(false);
  });

  it('a provider that cannot be built sends the caller to the dialplan under continue, and shows in health', async () => {
    standInForDeepgram(() => {
      throw new Error('api_key is empty');
    });
    h = await startHarness({ config: config('continue') });
    expect(h.health().providers.flaky).toMatchObject({ ready: false, reason: 'providers.flaky: api_key is empty', kind: 'provider', type: 'deepgram' });
    const caller = h.fake.injectCall({ callerNumber: '952', audio: silence(100) });
    await until(() => caller.continuedTo, 'continued');
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '100', priority: 1 });
    await until(() => h!.events.find((e) => e.type === 'call.ended'), 'ended');
    expect(h.fake.inspect()).toMatchObject({ bridges: 0, mediaLegs: 0 });
  });
});
