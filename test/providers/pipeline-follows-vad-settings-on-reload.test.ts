import { describe, it, expect } from 'vitest';
import { ProviderRegistry } from '../../engine/src/providers/registry.js';
import { configSchema } from '../../engine/src/config/schema.js';
import { silentLogger } from '../../engine/src/observability/logger.js';

const base = {
  default_provider: 'local',
  asterisk: { host: 'h', username: 'u' },
  providers: { echo: { type: 'echo' } },
  pipelines: { local: { stt: { type: 'pocketsphinx' }, llm: { base_url: 'http://127.0.0.1:9/v1' }, tts: { type: 'flite' } } },
};

describe('provider registry and the vad settings', () => {
  it('rebuilds pipelines (not providers) when vad changes, so reloaded endpointing reaches new calls', async () => {
    const reg = new ProviderRegistry({ log: silentLogger() });
    reg.update(configSchema.parse(base));
    const a = reg.acquire('local');
    const echoA = reg.acquire('echo');
    reg.update(configSchema.parse({ ...base, vad: { end_silence_ms: 900 } }));
    const b = reg.acquire('local');
    const echoB = reg.acquire('echo');
    expect(b.provider).not.toBe(a.provider);
    expect(echoB.provider).toBe(echoA.provider);
    // unchanged config keeps the same pipeline
    reg.update(configSchema.parse({ ...base, vad: { end_silence_ms: 900 } }));
    const c = reg.acquire('local');
    expect(c.provider).toBe(b.provider);
    for (const l of [a, b, c, echoA, echoB]) l.release();
    await reg.closeAll();
  });
});
