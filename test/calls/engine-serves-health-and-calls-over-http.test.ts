/**
 * The composed engine (engine.ts with its default services) against the fake
 * Asterisk: /health turns healthy once ARI, the AudioSocket listener and the
 * echo provider are up, and a live call shows in /api/calls.active.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createEngine, type Engine } from '../../engine/src/engine.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { FakeAsterisk, silence, tonePower, until } from '../fakes/asterisk/index.js';
import { baseConfig } from './harness.js';
import type { HealthReport } from '../../engine/src/api/health.js';

let engine: Engine | undefined;
let fake: FakeAsterisk | undefined;
let dir: string | undefined;
afterEach(async () => {
  await engine?.stop(3000);
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  engine = undefined;
  fake = undefined;
  dir = undefined;
});

describe('engine over HTTP with the call service', () => {
  it('reports healthy and lists the live call', async () => {
    fake = await new FakeAsterisk().start();
    dir = mkdtempSync(join(tmpdir(), 'aava-engine-'));
    const cfg = join(dir, 'ai-agent.yaml');
    writeFileSync(cfg, stringify(baseConfig(fake.port, { health: { host: '127.0.0.1', port: 0 } })));
    engine = createEngine({ configPath: cfg, dataDir: join(dir, 'data'), secrets: new MemorySecretStore(), log: silentLogger(), http: { host: '127.0.0.1', port: 0 }, watchConfig: false, defaultMetrics: false });
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
