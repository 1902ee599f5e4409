/**
 * The caller hangs up while the provider is still being set up: close()
 * makes start() reject at once and leaves no socket behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIRealtime } from '../fakes/openai/realtime-server.js';
import { FakeDeepgramAgent } from '../fakes/deepgram/agent-server.js';
import { TEST_CA_FILE } from '../fakes/openai/tls.js';
import { RecordingSink } from './support/recording-sink.js';
import { createOpenAIRealtimeProvider } from '../../engine/src/providers/openai-realtime/provider.js';
import { createDeepgramAgentProvider } from '../../engine/src/providers/deepgram/provider.js';
import { openaiRealtimeSchema, deepgramAgentSchema } from '../../engine/src/config/provider-schemas.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { SLIN8, ULAW8 } from '../../engine/src/media/audio-format.js';
import type { Provider } from '../../engine/src/providers/provider.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function closeDuringSetup(provider: Provider, wire = SLIN8, until: () => boolean) {
  const sink = new RecordingSink();
  const s = provider.createSession({ callId: 'c', context: 'd', greeting: 'Hi.', instructions: 'x', tools: [], wireFormat: wire, sink, log: silentLogger() });
  const started = s.start();
  const outcome = started.then(() => 'started', (e: Error) => e.message);
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (until()) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
  await s.close();
  return { outcome: await outcome, sink };
}

describe('hangup during provider setup', () => {
  it('openai_realtime: start rejects once close() is called while waiting for session.updated', async () => {
    const fake = new FakeOpenAIRealtime({ holdSession: true });
    const base = await fake.listen();
    closers.push(() => fake.close());
    const p = createOpenAIRealtimeProvider('o', openaiRealtimeSchema.parse({ type: 'openai_realtime', api_key: 'k', base_url: base, ca_file: TEST_CA_FILE }), { log: silentLogger() });
    const { outcome, sink } = await closeDuringSetup(p, SLIN8, () => fake.received('session.update').length > 0);
    expect(outcome).toMatch(/OpenAI Realtime: socket closed during setup/);
    expect(sink.errors).toEqual([]);
    expect(fake.received('response.create')).toEqual([]);
  });

  it('deepgram: start rejects once close() is called while waiting for SettingsApplied', async () => {
    const fake = new FakeDeepgramAgent({ holdSettings: true });
    const url = await fake.listen();
    closers.push(() => fake.close());
    const p = createDeepgramAgentProvider('d', deepgramAgentSchema.parse({ type: 'deepgram', api_key: 'k', url }), { log: silentLogger() });
    const { outcome, sink } = await closeDuringSetup(p, ULAW8, () => fake.received('Settings').length > 0);
    expect(outcome).toMatch(/Deepgram Agent: session closed during setup/);
    expect(sink.errors).toEqual([]);
    expect(fake.connections[0]!.keepAlives).toBe(0);
  });
});
