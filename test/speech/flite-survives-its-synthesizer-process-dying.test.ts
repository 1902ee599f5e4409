/**
 * Flite runs in its own process (engine/src/speech/flite-host.ts) because
 * node:wasi can take down the process it runs in with a native SIGSEGV. The
 * engine must outlive that: a synthesis in flight when the host dies is
 * redone on a fresh host, and a host that cannot run at all is a clear error.
 */
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../engine/src/speech/flite.js';
import { fliteHostPid, synthesizeInHost } from '../../engine/src/speech/flite-host.js';

describe('flite synthesizer process', () => {
  it('a host killed by SIGSEGV mid-synthesis costs nothing: the text is spoken by a fresh host', async () => {
    const before = await synthesize('good morning');
    const first = fliteHostPid();
    expect(first).toBeGreaterThan(0);
    const pending = synthesize('good morning');
    await new Promise((r) => setImmediate(r)); // the request is on its way to the host
    process.kill(first!, 'SIGSEGV');
    const after = await pending;
    expect(fliteHostPid()).toBeGreaterThan(0); // a fresh host, started for the retry
    expect(fliteHostPid()).not.toBe(first);
    expect(after.sampleRate).toBe(16000);
    expect(after.pcm.equals(before.pcm)).toBe(true);
  });

  it('a host that cannot run flite is reported, with its reason, instead of hanging', async () => {
    await expect(synthesizeInHost('/nonexistent/flite.wasm', 'kal16', 'hello')).rejects.toThrow(/synthesizer process died twice \(exit code 1\).*ENOENT/);
    expect((await synthesize('hello')).pcm.length).toBeGreaterThan(16000 * 2 * 0.2);
  });
});
