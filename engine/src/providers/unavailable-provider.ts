/**
 * Stands in for a provider that cannot be used (it could not be built, or its
 * session could not be created): the call still sets up its media so the
 * caller hears the fallback line, and the session's start() fails with the
 * reason, which sends the call to its failover.
 */
import type { Provider, ProviderSession } from './provider.js';
import { asProviderError } from './provider-errors.js';

/** A session whose start() rejects with `err` (reason `unavailable` unless it carries one). */
export function unavailableSession(err: unknown): ProviderSession {
  const failure = asProviderError(err, 'unavailable');
  return {
    start: () => Promise.reject(failure),
    sendAudio() {},
    sendDtmf() {},
    interrupt() {},
    say: () => Promise.reject(failure),
    close: async () => undefined,
  };
}

export function unavailableProvider(name: string, err: unknown): Provider {
  const reason = err instanceof Error ? err.message : String(err);
  return {
    name,
    type: 'unavailable',
    kind: 'provider',
    // Audio stays in the wire format; nativeVad: the engine never cuts in on its own.
    capabilities: (wire) => ({ input: wire, output: wire, nativeVad: true }),
    health: () => ({ ready: false, reason, kind: 'provider', type: 'unavailable' }),
    createSession: () => unavailableSession(err),
    close: async () => undefined,
  };
}
