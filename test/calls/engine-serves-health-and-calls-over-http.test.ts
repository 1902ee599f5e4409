/**
 * The composed engine (engine.ts with its default services) against the fake
 * Asterisk: /health turns healthy once ARI, the AudioSocket listener and the
 * echo provider are up, and a live call shows in /api/calls.active.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/src/engine.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { silence, tonePower, until } from '../fakes/asterisk/index.js';
import { startPbxWithConfig } from '../support/calls-harness.js';
import { closeAtEnd } from '../support/close-at-end.js';
import type { HealthReport } from '../../engine/src/api/health.js';

describe('engine over HTTP with the call service', () => {
  it('reports healthy and lists the live call', async () => {
    const { fake, configPath, dataDir } = closeAtEnd(await startPbxWithConfig());
    const engine = createEngine({ configPath, dataDir, secrets: new MemorySecretStore(), log: silentLogger(), http: { host: '127.0.0.1', port: 0 }, watchConfig: false, defaultMetrics: false });
    closeAtEnd({ stop: () => engine.stop(3000) });
    await engine.start();
    const base = `http://127.0.0.1:${engine.http!.address()!.port}`;
    const health = async () => (await (await fetch(`${base}/health`)).json()) as HealthReport;
    await until(async () => (await health()).status === 'healthy', '/health healthy', 10_000);
    const h = await health();
    expect(h).toMatchObject({ ari_connected: true, active_calls: 0, providers: { echo: { ready: true, kind: 'provider', type: 'echo' } } });
    expect(h.transports.audiosocket!.listening).toBe(true);

    const caller = fake.injectCall({ callerNumber: '4242', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting');
    const res = (await (await fetch(`${base}/api/calls.active`)).json()) as { ok: boolean; result: { callerNumber: string }[] };
    expect(res.ok).toBe(true);
    expect(res.result.map((c) => c.callerNumber)).toEqual(['4242']);
    expect((await health()).active_calls).toBe(1);
    caller.hangup();
    await until(async () => (await health()).active_calls === 0, 'call ended');
  });
});
