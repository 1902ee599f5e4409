/**
 * One HTTP tool (`lookup_order`, URL template + secret header) invoked by the
 * model of each provider fake: OpenAI Realtime function call, Deepgram Voice
 * Agent FunctionCallRequest, and a pipeline's OpenAI-compatible LLM tool
 * call. The CRM sees the right URL (path part encoded) and the secret header;
 * the CRM's answer reaches the model with the secret masked; the call record
 * stores the tool call without the secret, and no log line carries it.
 */
import { PassThrough } from 'node:stream';
import { FakeOpenAIRealtime } from '../fakes/openai/realtime-server.js';
import { TEST_CA_FILE } from '../fakes/openai/tls.js';
import { FakeDeepgramAgent } from '../fakes/deepgram/agent-server.js';
import { FakeOpenAIRest } from '../fakes/openai/rest-server.js';
import { FakeDeepgramSpeech } from '../fakes/deepgram/listen-speak-server.js';
import { FakeCrm } from '../fakes/crm/crm-server.js';
import { startHarness, baseConfig, callDetail, until, tone, silence, concatPcm, type Harness } from '../support/calls-harness.js';
import { createLogger } from '../../engine/src/observability/logger.js';
import { speech8k } from '../support/speech.js';

const TOKEN = 'crm-secret-token-42';
const ORDER = 'A 17/9';
let h: Harness | undefined;
let crm: FakeCrm | undefined;
const closers: Array<() => Promise<void>> = [];
let logText = '';

beforeAll(() => {
  process.env.CRM_TOKEN = TOKEN;
});
afterAll(() => {
  delete process.env.CRM_TOKEN;
});
afterEach(async () => {
  await h?.close();
  for (const c of closers.splice(0)) await c();
  await crm?.close();
  h = crm = undefined;
});

async function startWith(providers: Record<string, unknown>, pipelines: Record<string, unknown>, provider: string): Promise<Harness> {
  crm = await new FakeCrm()
    .on('GET', /^\/orders\/[^/]+$/, (req) => ({ json: { order: decodeURIComponent(req.url.split('/').pop()!), status: 'shipped', seen_header: req.headers.authorization } }))
    .listen();
  const out = new PassThrough();
  logText = '';
  out.on('data', (d: Buffer) => (logText += d.toString('utf8')));
  h = await startHarness({
    log: createLogger({ level: 'debug', destination: out }),
    setupTimeoutMs: 10_000,
    config: (port) => {
      const base = baseConfig(port, { default_provider: provider });
      return {
        ...base,
        providers: { ...(base.providers as Record<string, unknown>), ...providers },
        pipelines,
        contexts: { default: { tools: ['lookup_order', 'hangup'] } },
        tools: {
          http: {
            lookup_order: {
              description: 'Look up an order by its number',
              url: `${crm!.url('/orders')}/{order_number}`,
              method: 'GET',
              headers: { Authorization: 'Bearer ${CRM_TOKEN}' },
              parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
            },
          },
        },
      };
    },
  });
  return h;
}

/** What every provider must show: the CRM got the call, the model got the answer, the record and logs keep the secret out. */
async function expectToolRoundTrip(h: Harness, modelGot: () => string | undefined): Promise<void> {
  await until(() => modelGot(), 'the tool result reached the model', 20_000);
  const [req, ...more] = crm!.to('GET', '/orders/A%2017%2F9');
  expect(more).toEqual([]);
  expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  const output = JSON.parse(modelGot()!) as Record<string, unknown>;
  expect(output).toEqual({ status: 200, body: { order: ORDER, status: 'shipped', seen_header: '[redacted]' } });
  const id = h.service.controller.active[0]?.id ?? (h.events.find((e) => e.type === 'call.started') as { call: { id: string } }).call.id;
  await until(async () => (await callDetail(h, id)).toolCalls.length > 0, 'tool call stored');
  const [rec] = (await callDetail(h, id)).toolCalls;
  expect(rec).toMatchObject({ name: 'lookup_order', kind: 'http', ok: true, args: { order_number: ORDER }, durationMs: expect.any(Number) });
  expect(JSON.stringify(await callDetail(h, id))).not.toContain(TOKEN);
  expect(logText).toContain('"tool":"lookup_order"');
  expect(logText).not.toContain(TOKEN);
}

const utterance = () => concatPcm([silence(1500), tone(300, 700, 8000, 9000), silence(900)]);
const TOOL_CALL = { tool: { name: 'lookup_order', arguments: { order_number: ORDER } } };

describe('an HTTP tool through each provider', () => {
  it('OpenAI Realtime: function call → CRM → function_call_output', async () => {
    const fake = new FakeOpenAIRealtime({ apiKey: 'sk-t', turns: [{ transcript: 'where is my order', reply: TOOL_CALL }], afterTool: () => ({ text: 'It shipped.', audioMs: 300 }) });
    const base = await fake.listen();
    closers.push(() => fake.close());
    const h = await startWith({ rt: { type: 'openai_realtime', api_key: 'sk-t', base_url: base, ca_file: TEST_CA_FILE } }, {}, 'rt');
    h.fake.injectCall({ callerNumber: '5001', audio: utterance() });
    const session = () => fake.received('session.update')[0]?.session as { tools?: { name: string }[] } | undefined;
    await until(() => session(), 'session.update');
    expect(session()!.tools!.map((t) => t.name)).toEqual(['lookup_order', 'hangup']);
    await expectToolRoundTrip(h, () => fake.toolOutputs().find((o) => o.name === 'lookup_order')?.output);
  });

  it('Deepgram Voice Agent: FunctionCallRequest → CRM → FunctionCallResponse', async () => {
    const fake = new FakeDeepgramAgent({ apiKey: 'dg-t', turns: [{ transcript: 'where is my order', reply: TOOL_CALL }], afterTool: () => ({ text: 'It shipped.', audioMs: 300 }) });
    const url = await fake.listen();
    closers.push(() => fake.close());
    const h = await startWith({ dg: { type: 'deepgram', api_key: 'dg-t', url } }, {}, 'dg');
    h.fake.injectCall({ callerNumber: '5002', audio: utterance() });
    await expectToolRoundTrip(h, () => fake.toolOutputs().find((o) => o.name === 'lookup_order')?.content);
  });

  it('pipeline: LLM tool call → CRM → tool message in the next chat request', async () => {
    const rest = new FakeOpenAIRest({ apiKey: 'sk-p', chat: (m) => (m[m.length - 1]!.role === 'tool' ? { text: 'It shipped.' } : TOOL_CALL) });
    const stt = new FakeDeepgramSpeech({ apiKey: 'dg-p', transcripts: ['where is my order'] });
    await rest.listen();
    await stt.listen();
    closers.push(() => rest.close(), () => stt.close());
    const pipeline = { stt: { type: 'deepgram', api_key: 'dg-p', url: stt.url }, llm: { base_url: rest.baseUrl, api_key: 'sk-p', model: 'test-llm' }, tts: { type: 'openai', api_key: 'sk-p', base_url: rest.baseUrl }, greeting: 'Hello.' };
    const h = await startWith({}, { cloud: pipeline }, 'cloud');
    h.fake.injectCall({ callerNumber: '5003', audio: concatPcm([silence(1500), await speech8k('where is my order')]) });
    await expectToolRoundTrip(h, () => rest.toolOutputs()[0]?.content);
    const tools = (rest.chatRequests[0]!.tools as { function: { name: string } }[]).map((t) => t.function.name);
    expect(tools).toEqual(['lookup_order', 'hangup']);
  });
});
