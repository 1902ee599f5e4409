/**
 * Providers of our own for call scenarios that need a provider to behave a
 * given way (fail after the greeting, stream a long utterance, report the
 * caller speaking): a scripted provider, and a stand-in for config type
 * `deepgram` for the length of one test.
 */
import { providerFactories } from '../../engine/src/providers/catalog.js';
import type { Provider, ProviderSession, SessionInit } from '../../engine/src/providers/provider.js';
import { closeAtEnd } from './close-at-end.js';

/** What a scripted session does; whatever it leaves out does nothing. */
export type ScriptedSession = Pick<ProviderSession, 'start'> & Partial<ProviderSession>;

/** A provider of type `deepgram` whose sessions are `session(init)`: pcm16 at the wire's rate both ways, its own VAD, always ready. */
export function scriptedProvider(name: string, session: (init: SessionInit) => ScriptedSession): Provider {
  return {
    name,
    type: 'deepgram',
    kind: 'provider',
    capabilities: (wire) => ({ input: { encoding: 'pcm16', sampleRate: wire.sampleRate }, output: { encoding: 'pcm16', sampleRate: wire.sampleRate }, nativeVad: true }),
    health: () => ({ ready: true, kind: 'provider', type: 'deepgram' }),
    createSession: (init) => ({
      sendAudio() {},
      sendDtmf() {},
      interrupt() {},
      async say() {},
      async close() {},
      ...session(init),
    }),
    close: async () => {},
  };
}

/** Until the running test ends, config type `deepgram` builds `make(name)` instead of the real provider. */
export function standInForDeepgram(make: (name: string) => Provider): void {
  const saved = providerFactories.deepgram;
  providerFactories.deepgram = (name) => make(name);
  closeAtEnd({
    close: () => {
      providerFactories.deepgram = saved;
    },
  });
}
