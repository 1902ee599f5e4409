/**
 * Provider fakes started for one test (closed when it ends) with the
 * provider config that points the engine at them, and the caller turn the
 * fakes' energy VAD detects. Pass `provider` to startWithProvider or
 * startFailoverHarness.
 */
import { FakeOpenAIRealtime, type RealtimeFakeOptions } from '../fakes/openai/realtime-server.js';
import { FakeDeepgramAgent, type AgentFakeOptions } from '../fakes/deepgram/agent-server.js';
import { TEST_CA_FILE } from '../fakes/openai/tls.js';
import { concatPcm, silence, tone } from '../fakes/asterisk/index.js';
import { closeAtEnd } from './close-at-end.js';

/** The OpenAI Realtime fake (TLS) and an `openai_realtime` provider for it. */
export async function realtimeFake(opts: RealtimeFakeOptions = {}, apiKey = 'sk-test'): Promise<{ fake: FakeOpenAIRealtime; provider: Record<string, unknown> }> {
  const fake = closeAtEnd(new FakeOpenAIRealtime({ apiKey, ...opts }));
  const base = await fake.listen();
  return { fake, provider: { type: 'openai_realtime', api_key: apiKey, base_url: base, ca_file: TEST_CA_FILE } };
}

/** The Deepgram Voice Agent fake and a `deepgram` provider for it. */
export async function agentFake(opts: AgentFakeOptions = {}, apiKey = 'dg-test'): Promise<{ fake: FakeDeepgramAgent; provider: Record<string, unknown> }> {
  const fake = closeAtEnd(new FakeDeepgramAgent({ apiKey, ...opts }));
  const url = await fake.listen();
  return { fake, provider: { type: 'deepgram', api_key: apiKey, url } };
}

/** A caller's turn: `quietMs` of silence, 700 ms of a 300 Hz tone, then 900 ms of silence that ends it. */
export function utterance(quietMs = 300): Int16Array {
  return concatPcm([silence(quietMs), tone(300, 700, 8000, 9000), silence(900)]);
}
